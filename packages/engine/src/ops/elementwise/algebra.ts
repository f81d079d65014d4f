// The algebra a derivative is written against, once, and instantiated three ways: numbers, Values, Tensors.

import { withRecording } from '../../graph/recording.js';

/**
 * The operations an elementwise derivative may use. A derivative is written once against this
 * interface and runs over plain numbers (Value's non-recording backward), over Values and over
 * Tensors (recorded with `createGraph`, so it can be differentiated again). Every operand may also
 * be a number, a constant; when all operands are numbers the result is a number.
 *
 * The masks (`step`, `sign`, `gtHalf`, `isZero`) carry no gradient, which is what a derivative's case
 * split means (relu' is [x > 0] everywhere but at the kink, where the declaration picks a side): over
 * Values they are constants computed from their operands' data; over Tensors, recorded under
 * createGraph as nodes that do not require grad, so the recorded gradient shows (and an exporter
 * computes) what they were computed from.
 */
export interface Algebra<T> {
  add(a: number, b: number): number;
  add(a: T | number, b: T | number): T;
  sub(a: number, b: number): number;
  sub(a: T | number, b: T | number): T;
  mul(a: number, b: number): number;
  mul(a: T | number, b: T | number): T;
  div(a: number, b: number): number;
  div(a: T | number, b: T | number): T;
  /** a^b, with b a constant or a node. */
  pow(a: number, b: number): number;
  pow(a: T | number, b: T | number): T;
  neg(a: T): T;
  exp(a: T): T;
  expm1(a: T): T;
  log(a: T): T;
  sqrt(a: T): T;
  reciprocal(a: T): T;
  tanh(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  sinh(a: T): T;
  cosh(a: T): T;
  erf(a: T): T;
  /** The constant [a > 0]: 1, 0 where a <= 0, NaN where a is NaN. */
  step(a: number): number;
  step(a: T | number): T;
  /** The constant sign(a): 1, -1, 0 at ±0, NaN at NaN. */
  sign(a: T): T;
  /** The constant 1 where a > b, 1/2 where a = b, 0 where a < b: how maximum and minimum share a gradient. */
  gtHalf(a: T | number, b: T | number): T;
  /** The constant [a = 0]. */
  isZero(a: number): number;
  isZero(a: T | number): T;
  /** g·[a > 0], which a backend may compute in one pass when nothing records. */
  reluGrad(g: T, a: T): T;
}

/** The ops an algebra applies by name: the keys of `Algebra`, each one a declared elementwise op. */
export type AlgebraOp = keyof Algebra<unknown>;

/** Every key of `Algebra`: a key left out here is a compile error. */
const ALGEBRA_OPS: { readonly [K in AlgebraOp]: true } = {
  add: true,
  sub: true,
  mul: true,
  div: true,
  pow: true,
  neg: true,
  exp: true,
  expm1: true,
  log: true,
  sqrt: true,
  reciprocal: true,
  tanh: true,
  sin: true,
  cos: true,
  sinh: true,
  cosh: true,
  erf: true,
  step: true,
  sign: true,
  gtHalf: true,
  isZero: true,
  reluGrad: true,
};

const MASKS: ReadonlySet<AlgebraOp> = new Set<AlgebraOp>(['step', 'sign', 'gtHalf', 'isZero']);

/**
 * An `Algebra<T>` over `apply`, which applies a declared op to operands of which at least one is a
 * `T`; operands that are all numbers go to `numbers` instead, so constants stay numbers. `mask`
 * applies a mask: by default `apply` with recording off, a constant even under createGraph.
 *
 * @internal
 */
export function makeAlgebra<T>(
  apply: (op: AlgebraOp, args: readonly (T | number)[]) => T,
  numbers: (op: AlgebraOp, args: readonly number[]) => number,
  mask: (op: AlgebraOp, args: readonly (T | number)[]) => T = (op, args) =>
    withRecording(false, () => apply(op, args)),
): Algebra<T> {
  const make =
    (op: AlgebraOp) =>
    (...args: (T | number)[]): T | number => {
      if (args.every((x) => typeof x === 'number')) return numbers(op, args as number[]);
      return MASKS.has(op) ? mask(op, args) : apply(op, args);
    };
  return Object.fromEntries(
    (Object.keys(ALGEBRA_OPS) as AlgebraOp[]).map((op) => [op, make(op)]),
  ) as unknown as Algebra<T>;
}
