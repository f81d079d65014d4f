// A naive matrix product written straight from the definition, the yardstick for the fast kernels.

import type { Kernels } from '../../src/kernels/backend.js';
import { MATMUL_BLOCK_DEPTH } from '../../src/kernels/ts-matmul.js';
import { createRng } from '../../src/random.js';

/**
 * C = op(A)·op(B) for each batch item, by plain loops (same arguments as `Kernels.matmul`), in the
 * order every kernel sums: each depth block of `MATMUL_BLOCK_DEPTH` summed over its p in order from 0,
 * and the blocks' partial sums added in order.
 */
export const referenceMatmul: Kernels['matmul'] = (
  a,
  b,
  out,
  m,
  k,
  n,
  transA,
  transB,
  batch,
  aStride,
  bStride,
) => {
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p0 = 0; p0 < k; p0 += MATMUL_BLOCK_DEPTH) {
          let partial = 0;
          for (let p = p0; p < Math.min(k, p0 + MATMUL_BLOCK_DEPTH); p++) {
            const x = transA ? a[t * aStride + p * m + i] : a[t * aStride + i * k + p];
            const y = transB ? b[t * bStride + j * k + p] : b[t * bStride + p * n + j];
            partial += x! * y!;
          }
          s = p0 === 0 ? partial : s + partial;
        }
        out[t * m * n + i * n + j] = s;
      }
    }
  }
};

/** A batched product to test: sizes, transposes, batch count, and which operand is broadcast. */
export interface MatmulCase {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  batch: number;
  broadcastA: boolean;
  broadcastB: boolean;
}

/** Standard normal operands for a case, drawn from `seed`, with their batch strides (0 when broadcast). */
export function matmulOperands(
  c: MatmulCase,
  seed: number,
): { a: Float64Array; b: Float64Array; aStride: number; bStride: number } {
  const rng = createRng(seed);
  const aStride = c.broadcastA ? 0 : c.m * c.k;
  const bStride = c.broadcastB ? 0 : c.k * c.n;
  const a = Float64Array.from({ length: aStride === 0 ? c.m * c.k : c.batch * aStride }, () => rng.normal());
  const b = Float64Array.from({ length: bStride === 0 ? c.k * c.n : c.batch * bStride }, () => rng.normal());
  return { a, b, aStride, bStride };
}
