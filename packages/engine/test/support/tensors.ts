// Tensor test helpers: a shape-and-values check, fast-check arbitraries for shapes, broadcast pairs and
// data kept inside each op's domain, and plain-number references (broadcast indexing) independent of the engine.

import { add, div, mul, type NestedArray, sub, type Tensor, type Value, where } from '@chainrule/engine';
import fc from 'fast-check';
import { elementwiseOps } from '../../src/ops/elementwise/index.js';
import { closeness, type Tolerance } from './numeric.js';
import type { Algebra } from './programs.js';

/** fast-check parameters; FC_SEED=<seed> replays a failure printed by fast-check. */
export function fcParams(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env['FC_SEED'];
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed) };
}

/** The shape of a rectangular nested array (the caller writes it, so it is trusted to be rectangular). */
export function nestedShapeOf(x: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedArray;
  }
  return shape;
}

/** The elements of a nested array in row-major order. */
export function flatten(x: NestedArray): number[] {
  return typeof x === 'number' ? [x] : (x as readonly NestedArray[]).flatMap(flatten);
}

/** Hand-worked cases are exact or within a few roundings. */
const EXACT: Tolerance = { rtol: 1e-12, atol: 1e-15 };

/**
 * Fails unless `actual` is a tensor of the nested array's shape holding its values (within `tolerance`,
 * by default 1e-12 relative). `what` names the tensor in the failure message.
 */
export function expectTensor(
  actual: Tensor | null | undefined,
  expected: NestedArray,
  tolerance: Tolerance = EXACT,
  what = 'tensor',
): void {
  if (actual === null || actual === undefined) throw new Error(`${what}: expected a tensor, got ${actual}`);
  const shape = nestedShapeOf(expected);
  if (actual.shape.join(',') !== shape.join(',') || actual.shape.length !== shape.length) {
    throw new Error(`${what}: shape [${actual.shape.join(',')}], expected [${shape.join(',')}]`);
  }
  const result = closeness(actual.data, flatten(expected), tolerance);
  if (!result.ok) throw new Error(`${what}: ${result.message}`);
}

/** The flat index into an array of `shape` of the element that broadcasting reads at flat index `i` of `to`. */
export function broadcastIndex(shape: readonly number[], to: readonly number[], i: number): number {
  let rest = i;
  let index = 0;
  let stride = 1;
  for (let d = to.length - 1, s = shape.length - 1; d >= 0; d--, s--) {
    const coordinate = rest % to[d]!;
    rest = Math.floor(rest / to[d]!);
    if (s >= 0) {
      if (shape[s] !== 1) index += coordinate * stride;
      stride *= shape[s]!;
    }
  }
  return index;
}

/** NumPy's broadcast of two shapes, written out plainly (the caller knows they broadcast). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A shape of rank minRank..maxRank with every size in 1..maxSize. */
export const shapeArb = (options: { minRank?: number; maxRank?: number; maxSize?: number } = {}) =>
  fc.array(fc.integer({ min: 1, max: options.maxSize ?? 5 }), {
    minLength: options.minRank ?? 0,
    maxLength: options.maxRank ?? 4,
  });

/**
 * `count` shapes that broadcast together, beside the full shape they broadcast to: each derived from the
 * full shape by dropping some leading axes and setting some sizes to 1, so every NumPy case occurs
 * (scalars, [3,1] with [4], differing ranks).
 */
export const broadcastFamilyArb = (count: number, options: { maxRank?: number; maxSize?: number } = {}) =>
  shapeArb({ maxRank: options.maxRank ?? 4, maxSize: options.maxSize ?? 5 }).chain((full) => {
    const derived = fc
      .record({
        drop: fc.integer({ min: 0, max: full.length }),
        ones: fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      })
      .map(({ drop, ones }) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.record({
      full: fc.constant(full),
      shapes: fc.array(derived, { minLength: count, maxLength: count }),
    });
  });

/** Two shapes that broadcast together (see `broadcastFamilyArb`). */
export const broadcastPairArb = (options: { maxRank?: number; maxSize?: number } = {}) =>
  broadcastFamilyArb(2, options).map(({ shapes }) => [shapes[0]!, shapes[1]!] as const);

/** `n` doubles in [min, max]. */
export const valuesArb = (n: number, min = -2, max = 2) =>
  fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });

/**
 * `n` values in [-2, 2] at least `gap` away from zero (relu, abs: no element on the kink, so finite
 * differences see a smooth function).
 */
export const awayFromZeroArb = (n: number, gap = 0.1) =>
  fc
    .array(fc.tuple(fc.boolean(), fc.double({ min: gap, max: 2, noNaN: true })), {
      minLength: n,
      maxLength: n,
    })
    .map((xs) => xs.map(([negative, v]) => (negative ? -v : v)));

/**
 * `n` distinct values spaced at least 0.05 apart, in random order: a maximum with no ties and no near
 * ties, so finite differences never cross from one maximal element to another.
 */
export const distinctValuesArb = (n: number) =>
  fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      valuesArb(n, 0, 0.01),
    )
    .map(([order, jitter]) => order.map((k, i) => (k - n / 2) * 0.05 + jitter[i]!));

/**
 * Fixed weights of a given length, not all equal and none zero: `out.mul(w).sum()` turns any output into
 * a scalar whose upstream gradient differs per element, so a rule that mixes up elements shows.
 */
export function weightsFor(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * (0.3 + ((i * 7) % 11) * 0.1));
}

type Node = Value | Tensor;
type Method = (...args: unknown[]) => Node;
const freeFunctions = { add, sub, mul, div } as unknown as Record<string, (a: unknown, b: unknown) => Node>;

/**
 * The engine as an `Algebra` over Values or Tensors alike, for `runProgram`: the method when a node is on
 * the left, the free function (`sub(2, x)`) when a number is.
 */
export function engineAlgebra<T extends Node>(): Algebra<T> {
  const call = (x: T, name: string, ...args: unknown[]): T =>
    (x as unknown as Record<string, Method>)[name]!(...args) as T;
  const binary =
    (name: string) =>
    (a: T | number, b: T | number): T =>
      typeof a === 'number' ? (freeFunctions[name]!(a, b) as T) : call(a, name, b);
  const unary = (name: string) => (a: T) => call(a, name);
  return {
    add: binary('add'),
    sub: binary('sub'),
    mul: binary('mul'),
    div: binary('div'),
    pow: (a, e) => call(a, 'pow', e),
    neg: unary('neg'),
    exp: unary('exp'),
    log: unary('log'),
    tanh: unary('tanh'),
    relu: unary('relu'),
    sigmoid: unary('sigmoid'),
    reciprocal: unary('reciprocal'),
    declared: (name, args, a, b) =>
      elementwiseOps[name].arity === 1 ? call(a, name, ...args) : call(a, name, b, ...args),
    where: (cond, a, b) => (where as (c: Node, a: Node, b: Node) => T)(cond, a, b),
  };
}
