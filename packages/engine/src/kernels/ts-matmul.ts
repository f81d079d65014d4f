// TypeScript matmul: transposed operands packed once, then a 4-row micro-kernel over cache blocks.

/** Grow-only scratch for packing transposed operands, so a call allocates nothing in steady state. */
let scratchA: Float64Array = new Float64Array(0);
let scratchB: Float64Array = new Float64Array(0);

function ensure(buffer: Float64Array, size: number): Float64Array {
  return buffer.length >= size ? buffer : new Float64Array(Math.max(size, buffer.length * 2));
}

/** Writes the transpose of the rows×cols matrix at src[offset…] into dst (cols×rows). */
function transposeInto(
  src: Float64Array,
  offset: number,
  rows: number,
  cols: number,
  dst: Float64Array,
): void {
  // 32×32 tiles keep both the reads and the writes within cache lines.
  for (let r0 = 0; r0 < rows; r0 += 32) {
    const r1 = Math.min(r0 + 32, rows);
    for (let c0 = 0; c0 < cols; c0 += 32) {
      const c1 = Math.min(c0 + 32, cols);
      for (let r = r0; r < r1; r++) {
        const base = offset + r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[base + c]!;
      }
    }
  }
}

const BLOCK_K = 128;
const BLOCK_N = 256;

/**
 * C (m×n at cOff) = A (m×k at aOff) · B (k×n at bOff), all row-major and contiguous. Blocked over k and
 * n so the B panel stays in cache while four rows of C are computed at a time: each loaded element of
 * B feeds four multiply-adds held in four accumulating rows.
 */
function gemm(
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
  c: Float64Array,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  c.fill(0, cOff, cOff + m * n);
  for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
    const p1 = Math.min(p0 + BLOCK_K, k);
    for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
      const j1 = Math.min(j0 + BLOCK_N, n);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = cOff + i * n;
        const c1 = c0 + n;
        const c2 = c1 + n;
        const c3 = c2 + n;
        const a0 = aOff + i * k;
        for (let p = p0; p < p1; p++) {
          const x0 = a[a0 + p]!;
          const x1 = a[a0 + k + p]!;
          const x2 = a[a0 + 2 * k + p]!;
          const x3 = a[a0 + 3 * k + p]!;
          const bRow = bOff + p * n;
          for (let j = j0; j < j1; j++) {
            const y = b[bRow + j]!;
            c[c0 + j]! += x0 * y;
            c[c1 + j]! += x1 * y;
            c[c2 + j]! += x2 * y;
            c[c3 + j]! += x3 * y;
          }
        }
      }
      for (; i < m; i++) {
        const ci = cOff + i * n;
        const ai = aOff + i * k;
        for (let p = p0; p < p1; p++) {
          const x = a[ai + p]!;
          if (x === 0) continue;
          const bRow = bOff + p * n;
          for (let j = j0; j < j1; j++) c[ci + j]! += x * b[bRow + j]!;
        }
      }
    }
  }
}

/** C = op(A)·op(B) per batch item; see `Kernels.matmul`. */
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
  for (let t = 0; t < batch; t++) {
    let aSrc = a;
    let aOff = t * aStride;
    let bSrc = b;
    let bOff = t * bStride;
    if (transA) {
      // A holds k×m; pack Aᵀ (m×k) unless the batch reuses the one already packed
      if (t === 0 || aStride !== 0) {
        scratchA = ensure(scratchA, m * k);
        transposeInto(a, aOff, k, m, scratchA);
      }
      aSrc = scratchA;
      aOff = 0;
    }
    if (transB) {
      if (t === 0 || bStride !== 0) {
        scratchB = ensure(scratchB, k * n);
        transposeInto(b, bOff, n, k, scratchB);
      }
      bSrc = scratchB;
      bOff = 0;
    }
    gemm(aSrc, aOff, bSrc, bOff, out, t * m * n, m, k, n);
  }
}
