// A naive matrix product written straight from the definition, the yardstick for the fast kernels.

import type { Kernels } from '../../src/kernels/backend.js';

/** C = op(A)·op(B) for each batch item, by three plain loops (same arguments as `Kernels.matmul`). */
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
        for (let p = 0; p < k; p++) {
          const x = transA ? a[t * aStride + p * m + i] : a[t * aStride + i * k + p];
          const y = transB ? b[t * bStride + j * k + p] : b[t * bStride + p * n + j];
          s += x! * y!;
        }
        out[t * m * n + i * n + j] = s;
      }
    }
  }
};
