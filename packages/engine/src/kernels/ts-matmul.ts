// TypeScript matmul: B packed into 4-column strips per cache block, then a 2×4 register micro-kernel.

import type { Kernels, MatmulCall } from './backend.js';
import { outputArray } from './output.js';

/** Grow-only scratch for the packed B panel, so a call allocates nothing in steady state. */
let panel: Float64Array = new Float64Array(0);

/**
 * Depth of a block: a packed 4-column strip of B is KC·4·8 = 8 KiB, well inside L1. It also fixes the
 * order of every sum, on every backend and thread count: each element of C is the sum over the depth
 * blocks, in order, of the block's partial sum, which runs over its p in order from 0 (see
 * `kernel2x4`). The WebAssembly kernel uses the same depth (checked when it loads), and a thread pool
 * that splits the depth splits it at whole blocks and adds their partial sums in the same order.
 *
 * @internal
 */
export const MATMUL_BLOCK_DEPTH = 256;
const KC = MATMUL_BLOCK_DEPTH;
/** Width of a packed B panel: KC·NC·8 = 1 MiB at most, read from L2 one strip at a time. */
const NC = 512;
/** Rows of A per block: MC·KC·8 = 128 KiB of A stays in L2 while every strip of B passes over it. */
const MC = 64;

/**
 * Packs op(B)[p0..p1) × [j0..j1) into `panel` as 4-column strips, each p-major (strip s holds
 * b(p, j0+4s..j0+4s+3) for p = p0…p1-1 in order); a last strip narrower than 4 is padded with zeros.
 * op(B)(p, j) is b[bOff + p·rs + j·cs], so a transposed B is read in place, never materialised.
 */
function packB(
  b: Float64Array,
  bOff: number,
  rs: number,
  cs: number,
  p0: number,
  p1: number,
  j0: number,
  j1: number,
): void {
  const depth = p1 - p0;
  const strips = (j1 - j0 + 3) >> 2;
  const size = strips * depth * 4;
  if (panel.length < size) panel = new Float64Array(Math.max(size, panel.length * 2));
  let o = 0;
  for (let j = j0; j < j1; j += 4) {
    const w = Math.min(4, j1 - j);
    if (w === 4) {
      for (let p = p0; p < p1; p++) {
        const src = bOff + p * rs + j * cs;
        panel[o] = b[src]!;
        panel[o + 1] = b[src + cs]!;
        panel[o + 2] = b[src + 2 * cs]!;
        panel[o + 3] = b[src + 3 * cs]!;
        o += 4;
      }
    } else {
      for (let p = p0; p < p1; p++) {
        const src = bOff + p * rs + j * cs;
        for (let c = 0; c < 4; c++) panel[o + c] = c < w ? b[src + c * cs]! : 0;
        o += 4;
      }
    }
  }
}

/**
 * C[i, i+1] × [j, j+cols) (+)= op(A)[i, i+1] × [p0, p1) · strip, with eight accumulators held in
 * registers: each step loads two elements of A and four of B for eight multiply-adds (two rows by
 * four columns measured faster in V8 than 4×4 or 3×4, which spill registers). A strip narrower than
 * four columns is zero-padded and only its `cols` columns are stored. Each accumulator starts at 0 and
 * runs over the block's p in order; the first block stores it, a later block adds it to C: the order
 * of `MATMUL_BLOCK_DEPTH`, which the WebAssembly kernel and its threads follow too.
 */
function kernel2x4(
  a: Float64Array,
  aIdx: number,
  ars: number,
  acs: number,
  bIdx: number,
  depth: number,
  c: Float64Array,
  cIdx: number,
  n: number,
  cols: number,
  first: boolean,
): void {
  const bp = panel;
  const c1 = cIdx + n;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let ai = aIdx;
  let bi = bIdx;
  for (let p = 0; p < depth; p++) {
    const x0 = a[ai]!;
    const x1 = a[ai + ars]!;
    const y0 = bp[bi]!;
    const y1 = bp[bi + 1]!;
    const y2 = bp[bi + 2]!;
    const y3 = bp[bi + 3]!;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    ai += acs;
    bi += 4;
  }
  // the first depth block writes its partial sums, a later one adds them to the blocks' before
  if (!first) {
    s00 += c[cIdx]!;
    s10 += c[c1]!;
    if (cols > 1) {
      s01 += c[cIdx + 1]!;
      s11 += c[c1 + 1]!;
    }
    if (cols > 2) {
      s02 += c[cIdx + 2]!;
      s12 += c[c1 + 2]!;
    }
    if (cols > 3) {
      s03 += c[cIdx + 3]!;
      s13 += c[c1 + 3]!;
    }
  }
  c[cIdx] = s00;
  c[c1] = s10;
  if (cols > 1) {
    c[cIdx + 1] = s01;
    c[c1 + 1] = s11;
  }
  if (cols > 2) {
    c[cIdx + 2] = s02;
    c[c1 + 2] = s12;
  }
  if (cols > 3) {
    c[cIdx + 3] = s03;
    c[c1 + 3] = s13;
  }
}

/** The last row when m is odd: `kernel2x4` with one row. */
function kernel1x4(
  a: Float64Array,
  aIdx: number,
  acs: number,
  bIdx: number,
  depth: number,
  c: Float64Array,
  cIdx: number,
  cols: number,
  first: boolean,
): void {
  const bp = panel;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ai = aIdx;
  let bi = bIdx;
  for (let p = 0; p < depth; p++) {
    const x = a[ai]!;
    s0 += x * bp[bi]!;
    s1 += x * bp[bi + 1]!;
    s2 += x * bp[bi + 2]!;
    s3 += x * bp[bi + 3]!;
    ai += acs;
    bi += 4;
  }
  if (!first) {
    s0 += c[cIdx]!;
    if (cols > 1) s1 += c[cIdx + 1]!;
    if (cols > 2) s2 += c[cIdx + 2]!;
    if (cols > 3) s3 += c[cIdx + 3]!;
  }
  c[cIdx] = s0;
  if (cols > 1) c[cIdx + 1] = s1;
  if (cols > 2) c[cIdx + 2] = s2;
  if (cols > 3) c[cIdx + 3] = s3;
}

/**
 * C (m×n at cOff, row-major) = op(A)·op(B), where op(A)(i, p) = a[aOff + i·ars + p·acs] and
 * op(B)(p, j) = b[bOff + p·brs + j·bcs]. Blocked BLIS-style: for each KC×NC block of B (packed), for
 * each MC rows of A, every 4-column strip of B meets every 2 rows of A in the micro-kernel.
 */
function gemm(
  a: Float64Array,
  aOff: number,
  ars: number,
  acs: number,
  b: Float64Array,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float64Array,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  if (k === 0) {
    c.fill(0, cOff, cOff + m * n);
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(p0 + KC, k);
      const depth = p1 - p0;
      const first = p0 === 0;
      packB(b, bOff, brs, bcs, p0, p1, j0, j1);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const i1 = Math.min(i0 + MC, m);
        for (let j = j0, strip = 0; j < j1; j += 4, strip += depth * 4) {
          const cols = Math.min(4, j1 - j);
          let i = i0;
          for (; i + 2 <= i1; i += 2) {
            kernel2x4(
              a,
              aOff + i * ars + p0 * acs,
              ars,
              acs,
              strip,
              depth,
              c,
              cOff + i * n + j,
              n,
              cols,
              first,
            );
          }
          if (i < i1)
            kernel1x4(a, aOff + i * ars + p0 * acs, acs, strip, depth, c, cOff + i * n + j, cols, first);
        }
      }
    }
  }
}

/**
 * C = op(A)·op(B) per batch item; see `Kernels.matmul`. Transposed operands are read through
 * strides (A) or while packing (B), so no transpose is materialised.
 */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  batch: number,
  aStride: number,
  bStride: number,
): void {
  // A holds m×k (row stride k) or, transposed, k×m (element (i, p) at p·m + i); B likewise
  const ars = transA ? 1 : k;
  const acs = transA ? m : 1;
  const brs = transB ? 1 : n;
  const bcs = transB ? k : 1;
  for (let t = 0; t < batch; t++) {
    gemm(a, t * aStride, ars, acs, b, t * bStride, brs, bcs, out, t * m * n, m, k, n);
  }
}

/** Two products, one after the other: see `Kernels.matmulPair`. */
export function matmulPair(first: MatmulCall, second: MatmulCall): void {
  for (const p of [first, second]) matmul(p.a, p.b, p.out, p.m, p.k, p.n, p.transA, p.transB, 1, 0, 0);
}

/**
 * A dense layer's forward: x·op(w), then each element plus its bias (the row's or the column's) and
 * max(·, 0) when `relu`; see `Kernels.linear`. The same additions and maxima as the binary add and
 * unary relu kernels.
 */
export const linear: Kernels['linear'] = (x, w, bias, out, m, k, n, relu, layout) => {
  matmul(x, w, out, m, k, n, false, layout.wTransposed, 1, 0, 0);
  if (bias === null && !relu) return;
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) {
      const v = bias === null ? out[o + j]! : out[o + j]! + bias[layout.biasPerRow ? i : j]!;
      // Math.max keeps NaN as NaN, as the relu kernel does
      out[o + j] = relu ? Math.max(v, 0) : v;
    }
  }
};

/**
 * A dense layer's backward (see `Kernels.linearBackward`) composed from the kernels of `k`: the
 * reluGrad mask, the two products (side by side where `k` can), the bias's sums. The TypeScript
 * backend's definition, and what another backend falls back to where it has no fused path.
 */
export function linearBackwardWith(
  k: Kernels,
  ...[g, y, x, w, dx, dw, db, m, depth, n, layout]: Parameters<Kernels['linearBackward']>
): void {
  let dz = g;
  if (y !== null) {
    dz = outputArray(m * n);
    k.binary('reluGrad', g, [m, n], y, [m, n], dz, [m, n]);
  }
  // dx = dz·op(w)ᵀ: w itself when stored n×k, else w read transposed
  const toX: MatmulCall | null = dx && {
    a: dz,
    b: w,
    out: dx,
    m,
    k: n,
    n: depth,
    transA: false,
    transB: !layout.wTransposed,
  };
  // the weight's gradient in its own layout: dzᵀ·x (n×k) or xᵀ·dz (k×n)
  const toW: MatmulCall | null =
    dw &&
    (layout.wTransposed
      ? { a: dz, b: x, out: dw, m: n, k: m, n: depth, transA: true, transB: false }
      : { a: x, b: dz, out: dw, m: depth, k: m, n, transA: true, transB: false });
  if (toX && toW) k.matmulPair(toX, toW);
  else {
    for (const p of [toX, toW]) {
      if (p) k.matmul(p.a, p.b, p.out, p.m, p.k, p.n, p.transA, p.transB, 1, 0, 0);
    }
  }
  if (db) k.sumTo(dz, [m, n], db, layout.biasPerRow ? [m, 1] : [n]);
}
