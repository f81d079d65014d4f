// TypeScript kernels that move elements without arithmetic (except scatterAdd's sums): permute, gather
// and scatter-add along an axis, concat, and the strided copies of a slice.

import { sizeOf, stridesOf } from '../shape.js';
import type { StridedView } from './backend.js';

/** Copies `x` of `shape` with its axes reordered by `dims` into `out`, walking `out` in order. */
export function permute(
  x: Float64Array,
  shape: readonly number[],
  dims: readonly number[],
  out: Float64Array,
): void {
  const rank = dims.length;
  if (rank === 0 || out.length === 0) {
    out.set(x.subarray(0, out.length));
    return;
  }
  const outShape = dims.map((d) => shape[d]!);
  const inStrides = stridesOf(shape);
  const readStrides = dims.map((d) => inStrides[d]!);
  const n = outShape[rank - 1]!;
  const s = readStrides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let j = 0; j < n; j++) out[o + j] = x[src + j * s]!;
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      src += readStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      src -= readStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** out[o, j, i] = x[o, index[o, j, i], i], with x viewed as [outer, xLen, inner]. */
export function gather(
  x: Float64Array,
  xLen: number,
  index: Int32Array,
  outer: number,
  len: number,
  inner: number,
  out: Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const p = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) out[p + i] = x[(o * xLen + index[p + i]!) * inner + i]!;
    }
  }
}

/** out[o, index[o, j, i], i] += x[o, j, i] in order of (o, j, i), with out viewed as [outer, outLen, inner]. */
export function scatterAdd(
  x: Float64Array,
  index: Int32Array,
  outer: number,
  len: number,
  inner: number,
  out: Float64Array,
  outLen: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const p = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) out[(o * outLen + index[p + i]!) * inner + i]! += x[p + i]!;
    }
  }
}

/** Row o of `out` (viewed as [outer, Σ widths]) is row o of each part (viewed as [outer, width]) in turn. */
export function concat(
  parts: readonly Float64Array[],
  widths: readonly number[],
  outer: number,
  out: Float64Array,
): void {
  const rowOut = widths.reduce((s, w) => s + w, 0);
  let offset = 0;
  parts.forEach((part, p) => {
    const row = widths[p]!;
    for (let o = 0; o < outer; o++) out.set(part.subarray(o * row, (o + 1) * row), o * rowOut + offset);
    offset += row;
  });
}

/** The elements of `x` that `view` selects, in row-major order of the selection. */
export function slice(x: Float64Array, view: StridedView, out: Float64Array): void {
  copyStrided(view, x, out, true);
}

/** Writes `x` where `view` selects in `out`; the other elements of `out` are left as they are. */
export function unslice(x: Float64Array, view: StridedView, out: Float64Array): void {
  copyStrided(view, out, x, false);
}

/**
 * Copies between a whole array and its strided selection, in row-major order of the selection:
 * gathering reads whole[offset] into part[i], scattering writes part[i] to whole[offset].
 */
function copyStrided(view: StridedView, whole: Float64Array, part: Float64Array, gather: boolean): void {
  const { inShape: shape, starts, steps, counts } = view;
  const total = sizeOf(counts);
  if (total === 0) return;
  const strides = stridesOf(shape);
  const rank = shape.length;
  let src = 0;
  for (let d = 0; d < rank; d++) src += starts[d]! * strides[d]!;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    if (gather) part[i] = whole[src]!;
    else whole[src] = part[i]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += steps[d]! * strides[d]!;
      if (index[d]! < counts[d]!) break;
      src -= steps[d]! * strides[d]! * counts[d]!;
      index[d] = 0;
    }
  }
}
