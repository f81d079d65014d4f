// Making tensors: the options of the constructors, the bodies of Tensor's static constructors and joins
// (zeros, ones, full, randn, rand, arange, eye, concat, stack), and leaves from numbers and nested arrays.

import { describe, describeNumber, formatShape, ShapeError } from '../errors.js';
import { kernels } from '../kernels/index.js';
import { createRng, type Rng } from '../random.js';
import { checkShape, checkSize, normalizeAxis, sameShape, sizeOf } from '../shape.js';
import { flattenInto, type NestedArray, nestedShape } from '../tensor-create.js';
import { checkLeafOptions, checkRngOption } from '../tensor-options.js';
import { Tensor } from './core.js';

/** Options of `tensor()` and the constructors. */
export interface TensorOptions {
  /** The shape to read flat data as; by default the nested array's shape, or `[length]` for flat data. */
  shape?: readonly number[];
  /** Whether gradients should flow into this leaf. Default false. */
  requiresGrad?: boolean;
  /** A name for `toDot`. */
  label?: string;
}

/** Options of the random constructors. */
export interface RandomOptions {
  /** The generator to draw from (see `createRng`); by default a shared generator seeded with 0. */
  rng?: Rng;
  /** Whether gradients should flow into this leaf. Default false. */
  requiresGrad?: boolean;
}

let sharedRng: Rng | null = null;
/** The generator `options` name (checked: `{ rng: 5 }` is refused naming `op`), else the shared one. */
function rngOf(options: RandomOptions, op: string): Rng {
  const rng = checkRngOption(options, op);
  if (rng !== undefined) return rng;
  sharedRng ??= createRng(0);
  return sharedRng;
}

/** @internal `Tensor.concat`. */
export function concatTensor(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new TypeError('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`concat: element ${i} is ${describe(t)}, not a Tensor`);
  });
  const first = tensors[0]!;
  if (first.ndim === 0) throw new ShapeError('concat: cannot join 0-D tensors (use stack)');
  const ax = normalizeAxis(axis, first.ndim, 'concat');
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} differ outside axis ${axis}`,
      );
    }
  }
  if (tensors.length === 1) return first;
  return Tensor._apply('concat', tensors.slice(), { axis: ax });
}

/** @internal `Tensor.stack`. */
export function stackTensor(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new TypeError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`stack: element ${i} is ${describe(t)}, not a Tensor`);
  });
  const first = tensors[0]!;
  for (const t of tensors) {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} are not all equal`,
      );
    }
  }
  const ax = normalizeAxis(axis, first.ndim + 1, 'stack');
  return Tensor.concat(
    tensors.map((t) => t.unsqueeze(ax)),
    ax,
  );
}

/** @internal `Tensor.zeros`. */
export function zerosTensor(shape: readonly number[], options: Omit<TensorOptions, 'shape'> = {}): Tensor {
  return filled(shape, 0, options, 'zeros');
}

/** @internal `Tensor.ones`. */
export function onesTensor(shape: readonly number[], options: Omit<TensorOptions, 'shape'> = {}): Tensor {
  return filled(shape, 1, options, 'ones');
}

/** @internal `Tensor.full`. */
export function fullTensor(
  shape: readonly number[],
  fill: number,
  options: Omit<TensorOptions, 'shape'> = {},
): Tensor {
  return filled(shape, fill, options, 'full');
}

/** A new leaf of `shape` holding `fill`, every argument checked before allocating, errors naming `op`. */
function filled(shape: readonly number[], fill: number, options: unknown, op: string): Tensor {
  const s = checkShape(shape, op);
  if (typeof fill !== 'number')
    throw new TypeError(`${op}: the fill value must be a number, got ${describe(fill)}`);
  const leaf = checkLeafOptions(options, op);
  const data = new Float64Array(sizeOf(s));
  if (!Object.is(fill, 0)) kernels().fill(data, fill); // -0 too: 1/-0 is -Infinity
  return new Tensor(data, s, leaf);
}

/** @internal `Tensor.randn`. */
export function randnTensor(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return drawn(shape, options, 'randn', (rng) => rng.normal());
}

/** @internal `Tensor.rand`. */
export function randTensor(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return drawn(shape, options, 'rand', (rng) => rng.next());
}

/** A new leaf of `shape` filled by `draw`, shape and options checked before allocating, errors naming `op`. */
function drawn(shape: readonly number[], options: unknown, op: string, draw: (rng: Rng) => number): Tensor {
  const s = checkShape(shape, op);
  const { requiresGrad } = checkLeafOptions(options, op);
  const rng = rngOf(options as RandomOptions, op);
  const data = new Float64Array(sizeOf(s));
  kernels().generate(data, () => draw(rng));
  return new Tensor(data, s, { requiresGrad });
}

/** @internal `Tensor.arange`. */
export function arangeTensor(start: number, stop?: number, step = 1): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  for (const [name, v] of [
    ['start', lo],
    ['stop', hi],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new TypeError(`arange: ${name} must be a finite number, got ${describeNumber(v)}`);
  }
  if (step === 0) throw new RangeError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  checkSize([n], 'arange');
  const data = new Float64Array(n);
  kernels().arange(data, lo, step);
  return Tensor._of(data, [n]);
}

/** @internal `Tensor.eye`. */
export function eyeTensor(n: number, m = n, options: Omit<TensorOptions, 'shape'> = {}): Tensor {
  const t = filled([n, m], 0, options, 'eye');
  kernels().fillDiagonal(t._data, n, m, 1);
  return t;
}

/** @internal A new leaf from a number or nested arrays, checked, with errors naming `op`. */
export function fromNested(x: NestedArray, op: string): Tensor {
  const shape = nestedShape(x, op);
  const data = new Float64Array(sizeOf(shape));
  flattenInto(x, data);
  return Tensor._of(data, shape);
}

/** @internal Lifts a number to a 0-D constant and rejects anything that is not a Tensor, naming the op. */
export function toTensor(x: unknown, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return Tensor._of(new Float64Array([x]), []);
  throw new TypeError(`${op}: expected a Tensor or a number, got ${describe(x)}`);
}
