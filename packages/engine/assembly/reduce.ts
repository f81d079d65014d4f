// AssemblyScript source of the axis reductions: sums and maxima over one axis of an array viewed as
// [outer, len, inner], in exactly the order of the TypeScript loops (src/kernels/ts-reduce.ts and
// sumTo in ts-elementwise.ts), since the order of a sum decides its rounding.
//
// Along the contiguous axis (inner = 1) each sum is one chain of additions, in order; no lane may
// take half of it. What a machine can overlap are independent chains, so four rows run side by side,
// each still summed from its first element to its last. Across rows (inner > 1) every output element
// gathers its column down the rows in order, two columns per f64x2 lane pair.

import { sumRows } from './elementwise';

/**
 * out[r] = ((0 + x[r, 0]) + x[r, 1]) + … for each of `rows` rows of `width` values: the sum of a
 * contiguous run, four rows at a time so that four additions are in flight.
 */
export function sumEachRow(x: usize, out: usize, rows: i32, width: i32): void {
  const bytes = (<usize>width) << 3;
  let r = 0;
  for (; r + 4 <= rows; r += 4, x += bytes << 2, out += 32) {
    let s0: f64 = 0;
    let s1: f64 = 0;
    let s2: f64 = 0;
    let s3: f64 = 0;
    for (let i: usize = 0; i < bytes; i += 8) {
      s0 += load<f64>(x + i);
      s1 += load<f64>(x + bytes + i);
      s2 += load<f64>(x + 2 * bytes + i);
      s3 += load<f64>(x + 3 * bytes + i);
    }
    store<f64>(out, s0);
    store<f64>(out + 8, s1);
    store<f64>(out + 16, s2);
    store<f64>(out + 24, s3);
  }
  for (; r < rows; r++, x += bytes, out += 8) {
    let s: f64 = 0;
    for (let i: usize = 0; i < bytes; i += 8) s += load<f64>(x + i);
    store<f64>(out, s);
  }
}

/** The running maximum m after v: v when v > m or v is NaN, else m (the TypeScript loop's rule). */
function maxStep(m: f64, v: f64): f64 {
  // biome-ignore lint/suspicious/noGlobalIsNan: AssemblyScript's isNaN<f64> builtin, one comparison, no coercion
  return v > m || isNaN(v) ? v : m;
}

/** out[r] = max of row r, taken in order from its first value: four rows at a time. */
function maxEachRow(x: usize, out: usize, rows: i32, width: i32): void {
  const bytes = (<usize>width) << 3;
  let r = 0;
  for (; r + 4 <= rows; r += 4, x += bytes << 2, out += 32) {
    let m0 = load<f64>(x);
    let m1 = load<f64>(x + bytes);
    let m2 = load<f64>(x + 2 * bytes);
    let m3 = load<f64>(x + 3 * bytes);
    for (let i: usize = 8; i < bytes; i += 8) {
      m0 = maxStep(m0, load<f64>(x + i));
      m1 = maxStep(m1, load<f64>(x + bytes + i));
      m2 = maxStep(m2, load<f64>(x + 2 * bytes + i));
      m3 = maxStep(m3, load<f64>(x + 3 * bytes + i));
    }
    store<f64>(out, m0);
    store<f64>(out + 8, m1);
    store<f64>(out + 16, m2);
    store<f64>(out + 24, m3);
  }
  for (; r < rows; r++, x += bytes, out += 8) {
    let m = load<f64>(x);
    for (let i: usize = 8; i < bytes; i += 8) m = maxStep(m, load<f64>(x + i));
    store<f64>(out, m);
  }
}

/** Column maxima of a `rows` × `width` matrix (rows ≥ 1), each taken down the rows in order. */
function maxRows(x: usize, out: usize, rows: i32, width: i32): void {
  const bytes = (<usize>width) << 3;
  const pairBytes = (<usize>(width & ~1)) << 3;
  memory.copy(out, x, bytes);
  for (let r = 1; r < rows; r++) {
    x += bytes;
    let i: usize = 0;
    for (; i < pairBytes; i += 16) {
      const m = v128.load(out + i);
      const v = v128.load(x + i);
      v128.store(out + i, v128.bitselect(v, m, v128.or(f64x2.gt(v, m), f64x2.ne(v, v))));
    }
    if (i < bytes) store<f64>(out + i, maxStep(load<f64>(out + i), load<f64>(x + i)));
  }
}

/** x viewed as [outer, len, inner]: out[o, i] = Σ_j x[o, j, i], summed in order of j. */
export function sumAxis(x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  if (inner === 1) {
    sumEachRow(x, out, outer, len);
    return;
  }
  const block = (<usize>len * <usize>inner) << 3;
  const row = (<usize>inner) << 3;
  for (let o = 0; o < outer; o++, x += block, out += row) sumRows(x, out, len, inner);
}

/** x viewed as [outer, len, inner] with len ≥ 1: out[o, i] = max_j x[o, j, i] (NaN if any is NaN). */
export function maxAxis(x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  if (inner === 1) {
    maxEachRow(x, out, outer, len);
    return;
  }
  const block = (<usize>len * <usize>inner) << 3;
  const row = (<usize>inner) << 3;
  for (let o = 0; o < outer; o++, x += block, out += row) maxRows(x, out, len, inner);
}
