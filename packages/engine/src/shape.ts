// Shape arithmetic: sizes, strides, NumPy broadcasting and axis normalisation, with errors that name the op.

import { describe, describeNumber, formatShape, ShapeError } from './errors.js';

/** A tensor's shape: one non-negative integer per axis, `[]` for a scalar. */
export type Shape = readonly number[];

/** @internal The number of elements of a shape (1 for `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** @internal Row-major strides of a contiguous array of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** @internal Whether two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * @internal NumPy's broadcast of two shapes, or a ShapeError naming the op and the axis that clashes
 * (a RangeError when the result is larger than a tensor can be).
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast: axis ${i - rank} has sizes ${da} and ${db}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  checkSize(out, op); // [100000,1] + [1,100000] would be 1e10 elements: refused before the kernel allocates
  return out;
}

/**
 * @internal Strides for reading an array of shape `from` as if it had the (broadcast) shape `to`:
 * 0 along axes that are broadcast, so an index of `to` maps straight to an element of `from`.
 */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = stridesOf(from);
  const out = new Array<number>(to.length).fill(0);
  const offset = to.length - from.length;
  for (let i = 0; i < from.length; i++) out[offset + i] = from[i] === 1 ? 0 : own[i]!;
  return out;
}

/** @internal An axis in [-rank, rank) as a non-negative index, or a RangeError naming the op. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new TypeError(`${op}: the axis must be an integer, got ${describeNumber(axis)}`);
  }
  if (axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * @internal Checks that `shape` is a list of non-negative integers whose element count a
 * Float64Array can hold (see `checkSize`); returns a copy with -0 read as 0.
 */
export function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape))
    throw new TypeError(`${op}: the shape must be an array of integers, got ${describe(shape)}`);
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new TypeError(
        `${op}: the shape must hold non-negative integers, got ${formatShape(shape as number[])}`,
      );
    }
    out[i] = d + 0; // -0 + 0 is 0: a dimension of -0 is a dimension of 0
  }
  checkSize(out, op);
  return out;
}

/**
 * The most elements one tensor can hold: 2**32 (4,294,967,296, 32 GiB of float64), the longest
 * `Float64Array` V8 makes (Node 20, V8 11.3: a length of 2**32 is allocated, 2**32 + 1 throws
 * "Invalid typed array length").
 *
 * @example
 * ```ts
 * MAX_TENSOR_SIZE; // 4294967296
 * ```
 */
export const MAX_TENSOR_SIZE = 2 ** 32;

/**
 * The number of elements of `shape`, checked before anything is allocated: a RangeError naming `op`
 * and the shape when the count exceeds `MAX_TENSOR_SIZE` (or overflows a double), instead of V8's
 * bare "Invalid typed array length". Every creation path of the engine and of nn calls it; code
 * that allocates tensor-sized arrays of its own can too. The shape's entries are assumed to be
 * non-negative integers.
 *
 * @example
 * ```ts
 * checkSize([2, 3], 'myLayer'); // 6
 * // checkSize([100000, 100000], 'myLayer') throws RangeError: myLayer: shape [100000,100000] has
 * // 10000000000 elements, more than the 4294967296 a Float64Array can hold
 * ```
 */
export function checkSize(shape: Shape, op: string): number {
  let n = 1;
  for (const d of shape) n *= d;
  if (shape.includes(0)) return 0; // a zero axis empties any product, even one that overflowed
  if (n > MAX_TENSOR_SIZE) {
    const count = Number.isSafeInteger(n) ? String(n) : `more than 2**53 (about ${n.toPrecision(3)})`;
    throw new RangeError(
      `${op}: shape ${formatShape(shape)} has ${count} elements, more than the ${MAX_TENSOR_SIZE} a Float64Array can hold`,
    );
  }
  return n;
}
