// AssemblyScript source of the WebAssembly matmul kernel: packed panels and a 4×4 f64x2 register tile.
//
// C = op(A)·op(B) in the Goto/BLIS shape: for each KC×NC block of op(B) (packed once into 4-column
// panels) and each MC×KC block of op(A) (packed into 4-row panels), a micro-kernel multiplies one
// 4-row panel by one 4-column panel, keeping the 4×4 tile of C in eight f64x2 accumulators, so the
// inner loop does 2 loads of B, 4 splat loads of A and 8 multiply-adds per step of k. Packing also
// undoes the transposes and pads ragged edges with zeros, so the micro-kernel never branches on them.
// All pointers are byte addresses into the (possibly shared) memory the host owns; this module
// allocates nothing and keeps no state, so several threads may run it at once on disjoint rows of C.
// The module also exports a dense layer's steps around a product (dense.ts: the bias and relu on its
// output, the relu mask and bias sums of its backward), run on operands already in this memory.

import { epilogueBlock } from './dense';

/** Rows of op(A) packed per block: 96 rows × 256 × 8 bytes = 192 KiB, well inside L2. */
const MC: i32 = 96;
/** Depth of one packed block: a 4×KC panel of A (8 KiB) and a KC×4 panel of B (8 KiB) sit in L1. */
const KC: i32 = 256;
/** Columns of op(B) packed per block: KC × 2048 × 8 bytes = 4 MiB, streamed from L3. */
const NC: i32 = 2048;

/** The block sizes, so that the host can size the packing scratch. */
export function blockRows(): i32 {
  return MC;
}

export function blockDepth(): i32 {
  return KC;
}

export function blockCols(): i32 {
  return NC;
}

/** The first byte the host may use: everything below belongs to this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * a·b + c, rounded twice as the 'ts' loops round it: never relaxed SIMD's fused multiply-add, whose
 * one rounding (or not, as the machine chooses) would make a product depend on the backend.
 */
function madd(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(f64x2.mul(a, b), c);
}

/**
 * C[i, j] for i in [rowStart, rowEnd) and j in [colStart, colEnd) of every batch item t in
 * [batchStart, batchEnd), where batch item t reads A at `a + t·aStride` and B at `b + t·bStride`
 * (strides in elements, 0 broadcasts) and writes C at `c + t·m·n`. `packA` needs
 * roundUp4(min(MC, rows))·min(KC, k) doubles and `packB` roundUp4(min(NC, columns))·min(KC, k),
 * both private to the calling thread; they come first so that a thread pool can offset them alone.
 * k must be at least 1. A dense layer's epilogue follows when `bias` is not 0 (the n values there
 * added to every row) or `relu` is set: each block of C gets it as soon as its last depth block is
 * done, while it is still in cache, by the thread that computed it.
 */
export function matmul(
  packA: usize,
  packB: usize,
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: bool,
  transB: bool,
  aStride: i32,
  bStride: i32,
  batchStart: i32,
  batchEnd: i32,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
  bias: usize,
  relu: bool,
): void {
  const ldc = (<usize>n) << 3;
  const epilogue = bias !== 0 || relu;
  // a broadcast operand that fits in one packed block is packed for the first batch item only
  const packBOnce = bStride === 0 && k <= KC && colEnd - colStart <= NC;
  const packAOnce = aStride === 0 && k <= KC && rowEnd - rowStart <= MC;
  for (let t = batchStart; t < batchEnd; t++) {
    const firstItem = t === batchStart;
    const at = a + ((<usize>t * <usize>aStride) << 3);
    const bt = b + ((<usize>t * <usize>bStride) << 3);
    const ct = c + ((<usize>t * <usize>m * <usize>n) << 3);
    for (let jc = colStart; jc < colEnd; jc += NC) {
      const nc = min(NC, colEnd - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        // the first depth block overwrites C, later ones add to it: C needs no clearing beforehand
        const first = pc === 0;
        // op(B)[p, j] is B[j·k + p] when transposed, else B[p·n + j]
        const bFirst = transB
          ? (<usize>jc * <usize>k + <usize>pc) << 3
          : (<usize>pc * <usize>n + <usize>jc) << 3;
        if (!packBOnce || firstItem)
          packPanels(bt + bFirst, packB, nc, kc, (<usize>(transB ? k : n)) << 3, !transB);
        for (let ic = rowStart; ic < rowEnd; ic += MC) {
          const mc = min(MC, rowEnd - ic);
          // op(A)[i, p] is A[p·m + i] when transposed, else A[i·k + p]
          const aFirst = transA
            ? (<usize>pc * <usize>m + <usize>ic) << 3
            : (<usize>ic * <usize>k + <usize>pc) << 3;
          if (!packAOnce || firstItem)
            packPanels(at + aFirst, packA, mc, kc, (<usize>(transA ? m : k)) << 3, transA);
          for (let jr = 0; jr < nc; jr += 4) {
            const nr = min(4, nc - jr);
            const bp = packB + ((<usize>jr * <usize>kc) << 3);
            for (let ir = 0; ir < mc; ir += 4) {
              const mr = min(4, mc - ir);
              const ap = packA + ((<usize>ir * <usize>kc) << 3);
              const cp = ct + ((<usize>(ic + ir) * <usize>n + <usize>(jc + jr)) << 3);
              Tile.micro(ap, bp, kc, cp, ldc, mr, nr, first);
            }
          }
          if (epilogue && pc + kc === k) {
            const block = ct + ((<usize>ic * <usize>n + <usize>jc) << 3);
            epilogueBlock(block, ldc, bias + ((<usize>jc) << 3), mc, nc, bias !== 0, relu);
          }
        }
      }
    }
  }
}

/**
 * Packs `extent` rows of op(A) (or columns of op(B)) as 4-wide panels, kc deep: panel q holds, for
 * each step p, the four values of rows 4q .. 4q+3 side by side, zeros past the last row. `first` is
 * the address of row 0 at step 0 and `ld` the bytes between consecutive steps. When `across`, the
 * rows of one step are adjacent (Aᵀ, or B untransposed) and each row lies at first + row·8 + p·ld;
 * otherwise each row is a contiguous stream in p (A, or Bᵀ) at first + row·ld + p·8.
 */
function packPanels(first: usize, dst: usize, extent: i32, kc: i32, ld: usize, across: bool): void {
  const step: usize = across ? 8 : ld;
  for (let q = 0; q < extent; q += 4) {
    const src = first + <usize>q * step;
    if (across) packAcross(src, dst, kc, ld, min(4, extent - q));
    else packAlong(src, dst, kc, ld, min(4, extent - q));
    dst += (<usize>kc) << 5;
  }
}

/** One panel whose `count` (≤ 4) values for step p are contiguous at src + p·ld: kc rows of 4, zero-padded. */
function packAcross(src: usize, dst: usize, kc: i32, ld: usize, count: i32): void {
  if (count === 4) {
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += ld;
      dst += 32;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    for (let r = 0; r < 4; r++) {
      store<f64>(dst + ((<usize>r) << 3), r < count ? load<f64>(src + ((<usize>r) << 3)) : 0.0);
    }
    src += ld;
    dst += 32;
  }
}

/** One panel from `count` (≤ 4) streams at src + r·ld, each contiguous in p: kc rows of 4, zero-padded. */
function packAlong(src: usize, dst: usize, kc: i32, ld: usize, count: i32): void {
  if (count === 4) {
    const s1 = src + ld;
    const s2 = s1 + ld;
    const s3 = s2 + ld;
    for (let p = 0; p < kc; p++) {
      const off = (<usize>p) << 3;
      store<f64>(dst, load<f64>(src + off));
      store<f64>(dst, load<f64>(s1 + off), 8);
      store<f64>(dst, load<f64>(s2 + off), 16);
      store<f64>(dst, load<f64>(s3 + off), 24);
      dst += 32;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const off = (<usize>p) << 3;
    for (let r = 0; r < 4; r++) {
      store<f64>(dst + ((<usize>r) << 3), r < count ? load<f64>(src + <usize>r * ld + off) : 0.0);
    }
    dst += 32;
  }
}

/**
 * The micro-kernel. It is a class's static method only so that it can carry AssemblyScript's
 * `@inline`, which TypeScript syntax allows on methods alone: since it stores a whole tile in place,
 * the optimizer would keep it a function of its own, and that call per tile was measured 13% slower on
 * 256×256×256 than the inlined loop.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: see above, a function cannot carry the decorator
class Tile {
  /** One 4×4 tile of C from a 4-row panel of A and a 4-column panel of B, kc deep. */
  @inline
  static micro(ap: usize, bp: usize, kc: i32, cp: usize, ldc: usize, mr: i32, nr: i32, first: bool): void {
    if (mr <= 2 || nr <= 2) {
      Tile.narrow(ap, bp, kc, cp, ldc, mr, nr, first);
      return;
    }
    let c00 = f64x2.splat(0.0);
    let c01 = c00;
    let c10 = c00;
    let c11 = c00;
    let c20 = c00;
    let c21 = c00;
    let c30 = c00;
    let c31 = c00;
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const a0 = v128.load64_splat(ap);
      c00 = madd(a0, b0, c00);
      c01 = madd(a0, b1, c01);
      const a1 = v128.load64_splat(ap, 8);
      c10 = madd(a1, b0, c10);
      c11 = madd(a1, b1, c11);
      const a2 = v128.load64_splat(ap, 16);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
      const a3 = v128.load64_splat(ap, 24);
      c30 = madd(a3, b0, c30);
      c31 = madd(a3, b1, c31);
      ap += 32;
      bp += 32;
    }
    if (mr === 4 && nr === 4) {
      // a whole tile, the common case: stored here, not through four calls of storeRow
      const c1 = cp + ldc;
      const c2 = c1 + ldc;
      const c3 = c2 + ldc;
      if (!first) {
        c00 = f64x2.add(c00, v128.load(cp));
        c01 = f64x2.add(c01, v128.load(cp, 16));
        c10 = f64x2.add(c10, v128.load(c1));
        c11 = f64x2.add(c11, v128.load(c1, 16));
        c20 = f64x2.add(c20, v128.load(c2));
        c21 = f64x2.add(c21, v128.load(c2, 16));
        c30 = f64x2.add(c30, v128.load(c3));
        c31 = f64x2.add(c31, v128.load(c3, 16));
      }
      v128.store(cp, c00);
      v128.store(cp, c01, 16);
      v128.store(c1, c10);
      v128.store(c1, c11, 16);
      v128.store(c2, c20);
      v128.store(c2, c21, 16);
      v128.store(c3, c30);
      v128.store(c3, c31, 16);
      return;
    }
    storeRow(cp, c00, c01, nr, first);
    if (mr > 1) storeRow(cp + ldc, c10, c11, nr, first);
    if (mr > 2) storeRow(cp + ldc * 2, c20, c21, nr, first);
    if (mr > 3) storeRow(cp + ldc * 3, c30, c31, nr, first);
  }

  /**
   * An edge tile with at most two rows or two columns of C (a product with n = 1 or 2, the last
   * panel of an odd size): only the accumulators that hold them are computed, each with exactly the
   * multiply-adds of `micro`, so the numbers do not change and the work halves or quarters.
   */
  static narrow(ap: usize, bp: usize, kc: i32, cp: usize, ldc: usize, mr: i32, nr: i32, first: bool): void {
    let c00 = f64x2.splat(0.0);
    let c01 = c00;
    let c10 = c00;
    let c11 = c00;
    let c20 = c00;
    let c30 = c00;
    if (nr <= 2 && mr <= 2) {
      for (let p = 0; p < kc; p++) {
        const b0 = v128.load(bp);
        c00 = madd(v128.load64_splat(ap), b0, c00);
        c10 = madd(v128.load64_splat(ap, 8), b0, c10);
        ap += 32;
        bp += 32;
      }
    } else if (nr <= 2) {
      for (let p = 0; p < kc; p++) {
        const b0 = v128.load(bp);
        c00 = madd(v128.load64_splat(ap), b0, c00);
        c10 = madd(v128.load64_splat(ap, 8), b0, c10);
        c20 = madd(v128.load64_splat(ap, 16), b0, c20);
        c30 = madd(v128.load64_splat(ap, 24), b0, c30);
        ap += 32;
        bp += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const a0 = v128.load64_splat(ap);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        const a1 = v128.load64_splat(ap, 8);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        ap += 32;
        bp += 32;
      }
    }
    storeRow(cp, c00, c01, nr, first);
    if (mr > 1) storeRow(cp + ldc, c10, c11, nr, first);
    // more than two rows only with at most two columns: the second halves are never read
    if (mr > 2) storeRow(cp + ldc * 2, c20, c01, nr, first);
    if (mr > 3) storeRow(cp + ldc * 3, c30, c01, nr, first);
  }
}

/** Writes (first block) or adds (later blocks) the first nr of the four values v0 ‖ v1 at cp. */
function storeRow(cp: usize, v0: v128, v1: v128, nr: i32, first: bool): void {
  if (nr === 4) {
    if (!first) {
      v0 = f64x2.add(v0, v128.load(cp));
      v1 = f64x2.add(v1, v128.load(cp, 16));
    }
    v128.store(cp, v0);
    v128.store(cp, v1, 16);
    return;
  }
  const x0 = f64x2.extract_lane(v0, 0);
  store<f64>(cp, first ? x0 : x0 + load<f64>(cp));
  if (nr > 1) {
    const x1 = f64x2.extract_lane(v0, 1);
    store<f64>(cp, first ? x1 : x1 + load<f64>(cp, 8), 8);
  }
  if (nr > 2) {
    const x2 = f64x2.extract_lane(v1, 0);
    store<f64>(cp, first ? x2 : x2 + load<f64>(cp, 16), 16);
  }
}

export { biasPerRow, linearGrad } from './dense';
