// Basic slicing: Python-style index specs normalised once, then gathered from and scattered back into arrays.

import { describeNumber, formatShape } from '../errors.js';
import type { StridedView } from '../kernels/backend.js';
import { kernels } from '../kernels/index.js';
import type { Shape } from '../shape.js';
import { sizeOf } from '../shape.js';

/**
 * How to slice one axis: a number picks one index and drops the axis (negative counts from the end);
 * `[start, end, step]` keeps a range as Python's `start:end:step` (each part optional, ends clamped);
 * `null` keeps the whole axis.
 */
export type SliceIndex = number | null | readonly [start?: number | null, end?: number | null, step?: number];

/**
 * @internal A slice normalised against a shape: start, step and count per axis (the strided view
 * the slice kernels copy), and which axes remain.
 */
export interface SliceSpec extends StridedView {
  readonly keep: readonly boolean[];
}

/** @internal Normalises user slice indices against `shape`, with errors naming the op, axis and shape. */
export function normalizeSlice(shape: Shape, indices: readonly SliceIndex[], op: string): SliceSpec {
  if (indices.length > shape.length) {
    throw new RangeError(`${op}: ${indices.length} indices for a tensor of shape ${formatShape(shape)}`);
  }
  const starts: number[] = [];
  const steps: number[] = [];
  const counts: number[] = [];
  const keep: boolean[] = [];
  shape.forEach((size, axis) => {
    const index = indices[axis] ?? null;
    if (typeof index === 'number') {
      if (!Number.isInteger(index))
        throw new TypeError(`${op}: index for axis ${axis} must be an integer, got ${describeNumber(index)}`);
      if (index < -size || index >= size) {
        throw new RangeError(`${op}: index ${index} is out of range for axis ${axis} of size ${size}`);
      }
      starts.push(index < 0 ? index + size : index);
      steps.push(1);
      counts.push(1);
      keep.push(false);
      return;
    }
    if (index !== null && !Array.isArray(index)) {
      throw new TypeError(
        `${op}: index for axis ${axis} must be a number, null or [start, end, step], got ${describeNumber(index)}`,
      );
    }
    const [rawStart, rawEnd, rawStep] = index ?? [];
    const step = rawStep ?? 1;
    if (!Number.isInteger(step) || step <= 0) {
      throw new RangeError(
        `${op}: the step for axis ${axis} must be a positive integer, got ${describeNumber(step)}`,
      );
    }
    for (const bound of [rawStart, rawEnd]) {
      if (bound !== undefined && bound !== null && !Number.isInteger(bound)) {
        throw new TypeError(
          `${op}: slice bounds for axis ${axis} must be integers, got ${describeNumber(bound)}`,
        );
      }
    }
    const clamp = (v: number | null | undefined, fallback: number): number => {
      if (v === undefined || v === null) return fallback;
      const w = v < 0 ? v + size : v;
      return Math.min(Math.max(w, 0), size);
    };
    const start = clamp(rawStart, 0);
    const end = clamp(rawEnd, size);
    starts.push(start);
    steps.push(step);
    counts.push(end > start ? Math.ceil((end - start) / step) : 0);
    keep.push(true);
  });
  return { inShape: shape.slice(), starts, steps, counts, keep };
}

/** @internal The elements a slice selects, with the dropped axes removed from the shape. */
export function gatherSlice(data: Float64Array, spec: SliceSpec): { data: Float64Array; shape: number[] } {
  const out = new Float64Array(sizeOf(spec.counts));
  kernels().slice(data, spec, out);
  return { data: out, shape: spec.counts.filter((_, d) => spec.keep[d]) };
}

/** @internal Zeros of the sliced tensor's shape with `values` written back where the slice came from. */
export function scatterSlice(values: Float64Array, spec: SliceSpec): { data: Float64Array; shape: number[] } {
  const out = new Float64Array(sizeOf(spec.inShape));
  kernels().unslice(values, spec, out);
  return { data: out, shape: spec.inShape.slice() };
}
