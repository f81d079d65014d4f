// TypeScript elementwise kernels: each declared op's scalar function over arrays, broadcasting by
// strides along the last axis.
//
// Every op runs its declaration's `f` element by element; the hottest ops also have a loop written
// out here, whose body V8 compiles inline (a call through a function value that differs per op
// does not inline). Those loops compute exactly what `f` computes: ts-elementwise.test.ts holds
// every op's kernel to its declaration, bit for bit.

import { powOf } from '../ops/elementwise/arithmetic.js';
import { NO_PARAMS, type Params } from '../ops/elementwise/declaration.js';
import { allElementwiseOps } from '../ops/elementwise/index.js';
import type { BinaryKernelOp, UnaryKernelOp } from './backend.js';

/** out[i] = op(x[i]); the switch sits outside the loop so each loop body is one expression. */
export function unary(
  op: UnaryKernelOp,
  x: Float64Array,
  out: Float64Array,
  params: Params = NO_PARAMS,
): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'relu':
      // Math.max keeps NaN as NaN
      for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i]!;
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case 'step':
      // the relu mask; NaN stays NaN so a NaN input cannot hide behind a zero gradient
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? 1 : v <= 0 ? 0 : Number.NaN;
      }
      return;
    case 'isNegative':
      // sigmoid's masks (ops/elementwise/masks.ts): 0 and 1 for a NaN, as declared
      for (let i = 0; i < n; i++) out[i] = x[i]! < 0 ? 1 : 0;
      return;
    case 'negativeSign':
      for (let i = 0; i < n; i++) out[i] = x[i]! < 0 ? -1 : 1;
      return;
    case 'sign':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : Number.NaN;
      }
      return;
    default: {
      const d = allElementwiseOps[op];
      if (d.arity !== 1) throw new Error(`internal: ${op} is not a unary op`);
      const f = d.f;
      for (let i = 0; i < n; i++) out[i] = f(x[i]!, params);
    }
  }
}

/**
 * out[j] = op(a[ai + j·sa], b[bi + j·sb]) for j < n: the inner loop of every binary kernel, with
 * strides 0 or 1 so one loop serves equal shapes and broadcast ones alike.
 */
function binaryRun(
  op: BinaryKernelOp,
  a: Float64Array,
  ai: number,
  sa: number,
  b: Float64Array,
  bi: number,
  sb: number,
  out: Float64Array,
  oi: number,
  n: number,
  params: Params,
): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) out[oi + j] = a[ai + j * sa]! + b[bi + j * sb]!;
      return;
    case 'sub':
      for (let j = 0; j < n; j++) out[oi + j] = a[ai + j * sa]! - b[bi + j * sb]!;
      return;
    case 'mul':
      for (let j = 0; j < n; j++) out[oi + j] = a[ai + j * sa]! * b[bi + j * sb]!;
      return;
    case 'div':
      for (let j = 0; j < n; j++) out[oi + j] = a[ai + j * sa]! / b[bi + j * sb]!;
      return;
    case 'pow':
      for (let j = 0; j < n; j++) out[oi + j] = powOf(a[ai + j * sa]!, b[bi + j * sb]!);
      return;
    case 'maximum':
      for (let j = 0; j < n; j++) out[oi + j] = Math.max(a[ai + j * sa]!, b[bi + j * sb]!);
      return;
    case 'minimum':
      for (let j = 0; j < n; j++) out[oi + j] = Math.min(a[ai + j * sa]!, b[bi + j * sb]!);
      return;
    case 'reluGrad':
      // a·1 = a and a·0 = ±0 (NaN for an infinite a), as the product with the step mask gives
      for (let j = 0; j < n; j++) {
        const g = a[ai + j * sa]!;
        const x = b[bi + j * sb]!;
        out[oi + j] = x > 0 ? g : x <= 0 ? g * 0 : Number.NaN;
      }
      return;
    case 'gtHalf':
      for (let j = 0; j < n; j++) {
        const x = a[ai + j * sa]!;
        const y = b[bi + j * sb]!;
        out[oi + j] = x > y ? 1 : x === y ? 0.5 : x < y ? 0 : Number.NaN;
      }
      return;
    default: {
      const d = allElementwiseOps[op];
      if (d.arity !== 2) throw new Error(`internal: ${op} is not a binary op`);
      const f = d.f;
      for (let j = 0; j < n; j++) out[oi + j] = f(a[ai + j * sa]!, b[bi + j * sb]!, params);
    }
  }
}

/**
 * Whether `shape`, leading ones aside, is the trailing part of `full`: then its elements repeat as
 * whole contiguous rows of `full`.
 *
 * @internal
 */
export function isTrailing(shape: readonly number[], full: readonly number[]): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const rest = shape.length - start;
  if (rest === 0 || rest > full.length) return false;
  for (let i = 0; i < rest; i++) if (shape[start + i] !== full[full.length - rest + i]) return false;
  return true;
}

/** Strides of `shape` read as `outShape` (0 on broadcast axes), right-aligned. */
function readStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    strides[rank - shape.length + i] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/**
 * Walks the output in row-major order; `body(aOffset, bOffset, outOffset, n)` handles one run of the
 * last axis. Offsets advance by odometer over the leading axes, so memory is read in order.
 */
function forEachRow(
  aStrides: readonly number[],
  bStrides: readonly number[],
  outShape: readonly number[],
  body: (ai: number, bi: number, oi: number, n: number, sa: number, sb: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    body(0, 0, 0, 1, 0, 0);
    return;
  }
  const n = outShape[rank - 1]!;
  const sa = aStrides[rank - 1]!;
  const sb = bStrides[rank - 1]!;
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= outShape[i]!;
  if (n === 0 || rows === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  let ai = 0;
  let bi = 0;
  for (let r = 0, oi = 0; r < rows; r++, oi += n) {
    body(ai, bi, oi, n, sa, sb);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      ai += aStrides[d]!;
      bi += bStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      ai -= aStrides[d]! * outShape[d]!;
      bi -= bStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** Broadcasting binary kernel: flat loops for equal shapes and scalar operands, row runs otherwise. */
export function binary(
  op: BinaryKernelOp,
  a: Float64Array,
  aShape: readonly number[],
  b: Float64Array,
  bShape: readonly number[],
  out: Float64Array,
  outShape: readonly number[],
  params: Params = NO_PARAMS,
): void {
  const n = out.length;
  if (a.length === n && b.length === n) {
    binaryRun(op, a, 0, 1, b, 0, 1, out, 0, n, params);
    return;
  }
  if (a.length === n && b.length === 1) {
    binaryRun(op, a, 0, 1, b, 0, 0, out, 0, n, params);
    return;
  }
  if (a.length === 1 && b.length === n) {
    binaryRun(op, a, 0, 0, b, 0, 1, out, 0, n, params);
    return;
  }
  // A row repeated down the leading axes (a bias [n] added to [batch, n]): one run per row.
  if (a.length === n && isTrailing(bShape, outShape)) {
    for (let o = 0; o < n; o += b.length) binaryRun(op, a, o, 1, b, 0, 1, out, o, b.length, params);
    return;
  }
  if (b.length === n && isTrailing(aShape, outShape)) {
    for (let o = 0; o < n; o += a.length) binaryRun(op, a, 0, 1, b, o, 1, out, o, a.length, params);
    return;
  }
  forEachRow(
    readStrides(aShape, outShape),
    readStrides(bShape, outShape),
    outShape,
    (ai, bi, oi, len, sa, sb) => binaryRun(op, a, ai, sa, b, bi, sb, out, oi, len, params),
  );
}

/** Copies `x` broadcast to `outShape`. */
export function broadcastTo(
  x: Float64Array,
  xShape: readonly number[],
  out: Float64Array,
  outShape: readonly number[],
): void {
  if (x.length === out.length) {
    out.set(x);
    return;
  }
  if (x.length === 1) {
    out.fill(x[0]!);
    return;
  }
  forEachRow(
    readStrides(xShape, outShape),
    readStrides(xShape, outShape),
    outShape,
    (xi, _bi, oi, len, sx) => {
      if (sx === 1) out.set(x.subarray(xi, xi + len), oi);
      else out.fill(x[xi]!, oi, oi + len);
    },
  );
}

/** Sums `x` (shape `xShape`) down to `outShape`, the inverse of broadcastTo for gradients. */
export function sumTo(
  x: Float64Array,
  xShape: readonly number[],
  out: Float64Array,
  outShape: readonly number[],
): void {
  out.fill(0);
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]!;
    out[0] = s;
    return;
  }
  if (out.length === x.length) {
    out.set(x);
    return;
  }
  // A bias gradient: rows of x summed into one row, in row order.
  if (out.length > 0 && isTrailing(outShape, xShape)) {
    const w = out.length;
    for (let o = 0; o < x.length; o += w) for (let j = 0; j < w; j++) out[j]! += x[o + j]!;
    return;
  }
  const outStrides = readStrides(outShape, xShape);
  forEachRow(outStrides, outStrides, xShape, (oi, _bi, xi, len, so) => {
    if (so === 1) for (let j = 0; j < len; j++) out[oi + j]! += x[xi + j]!;
    else {
      let s = 0;
      for (let j = 0; j < len; j++) s += x[xi + j]!;
      out[oi]! += s;
    }
  });
}
