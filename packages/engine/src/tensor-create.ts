// Reading nested arrays and typed arrays into a shape and a Float64Array, with errors that name the op.

import { describe, formatShape, ShapeError } from './errors.js';
import { checkSize, sizeOf } from './shape.js';

/** A number or arbitrarily nested arrays of numbers: what `tensor()` accepts besides typed arrays. */
export type NestedArray = number | readonly NestedArray[];

/** Any typed array of numbers `tensor()` reads (copied into a Float64Array). */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/**
 * How deep a nested array is read: NumPy's limit on axes. Deeper nesting is a mistake (or an array
 * that contains itself), refused before the recursive walk below could overflow the stack.
 */
const MAX_NESTING = 64;

/**
 * @internal The shape of a nested array, checking that it is rectangular, holds only numbers, is
 * nested at most 64 deep, and has no more elements than a Float64Array holds (before reading them).
 */
export function nestedShape(x: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let level: unknown = x;
  while (Array.isArray(level)) {
    if (shape.length === MAX_NESTING) {
      throw new RangeError(
        `${op}: the array is nested more than ${MAX_NESTING} deep (a tensor has at most ${MAX_NESTING} axes, as in NumPy); is it an array that contains itself?`,
      );
    }
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  checkSize(shape, op);
  check(x, shape, 0, [], op);
  return shape;
}

/**
 * @internal The values of a typed array as a new Float64Array, refusing the views that hold no
 * numbers: a DataView (no element type: it would read as empty) and the BigInt arrays.
 */
export function fromTypedArray(data: ArrayBufferView, op: string): Float64Array {
  if (data instanceof DataView) {
    throw new TypeError(
      `${op}: a DataView has no element type; wrap its buffer in a typed array, e.g. new Float64Array(view.buffer)`,
    );
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new TypeError(
      `${op}: expected a typed array of numbers, got ${describe(data)} of BigInts; convert them first, e.g. Float64Array.from(a, Number)`,
    );
  }
  return Float64Array.from(data as unknown as ArrayLike<number>);
}

function check(x: unknown, shape: readonly number[], depth: number, path: number[], op: string): void {
  const where = path.length === 0 ? 'the array' : `element [${path.join('][')}]`;
  if (depth === shape.length) {
    if (typeof x !== 'number') throw new TypeError(`${op}: ${where} must be a number, got ${describe(x)}`);
    return;
  }
  if (!Array.isArray(x)) {
    throw new ShapeError(
      `${op}: ragged nested array: ${where} is ${describe(x)}, expected an array of length ${shape[depth]}`,
    );
  }
  if (x.length !== shape[depth]) {
    throw new ShapeError(
      `${op}: ragged nested array: ${where} has length ${x.length}, expected ${shape[depth]} (shape ${formatShape(shape)})`,
    );
  }
  for (let i = 0; i < x.length; i++) check(x[i], shape, depth + 1, [...path, i], op);
}

/** @internal Flattens a rectangular nested array (already checked) into `out` in row-major order. */
export function flattenInto(x: NestedArray, out: Float64Array, offset = 0): number {
  if (typeof x === 'number') {
    out[offset] = x;
    return offset + 1;
  }
  let o = offset;
  for (const item of x) o = flattenInto(item, out, o);
  return o;
}

/** @internal Nested arrays from row-major data. */
export function unflatten(data: Float64Array, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0]!;
  const build = (depth: number, offset: number): NestedArray[] => {
    const n = shape[depth]!;
    const inner = sizeOf(shape.slice(depth + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = depth === shape.length - 1 ? data[offset + i]! : build(depth + 1, offset + i * inner);
    }
    return out;
  };
  return build(0, 0);
}
