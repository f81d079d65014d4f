// The TypeScript matmul kernel against the naive loops: identical bits on random shapes, transposes, batches.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { matmul } from '../src/kernels/ts-matmul.js';
import { type MatmulCase, matmulOperands, referenceMatmul } from './support/reference-matmul.js';

/** Runs both kernels on the same operands (NaN-filled outputs, so every element must be written). */
function both(c: MatmulCase, seed: number): { got: Float64Array; want: Float64Array } {
  const { a, b, aStride, bStride } = matmulOperands(c, seed);
  const got = new Float64Array(c.batch * c.m * c.n).fill(Number.NaN);
  const want = new Float64Array(c.batch * c.m * c.n);
  matmul(a, b, got, c.m, c.k, c.n, c.transA, c.transB, c.batch, aStride, bStride);
  referenceMatmul(a, b, want, c.m, c.k, c.n, c.transA, c.transB, c.batch, aStride, bStride);
  return { got, want };
}

describe('ts matmul', () => {
  test('gives the same bits as the naive loops: every sum runs over k in order from 0 (within one depth block)', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 0, max: 23 }),
          k: fc.integer({ min: 0, max: 40 }),
          n: fc.integer({ min: 0, max: 23 }),
          transA: fc.boolean(),
          transB: fc.boolean(),
          batch: fc.integer({ min: 1, max: 3 }),
          broadcastA: fc.boolean(),
          broadcastB: fc.boolean(),
        }),
        fc.integer({ min: 0, max: 1e6 }),
        (c, seed) => {
          const { got, want } = both(c, seed);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('crosses its cache blocks (k past 256, n past 512, m past 64) and sums the partial sums of the depth blocks in order', () => {
    for (const [m, k, n, transA, transB] of [
      [67, 300, 9, false, false],
      [5, 513, 517, true, false],
      [130, 260, 6, false, true],
      [66, 257, 515, true, true],
    ] as const) {
      const { got, want } = both(
        { m, k, n, transA, transB, batch: 1, broadcastA: false, broadcastB: false },
        m + k + n,
      );
      expect(got).toEqual(want);
    }
  });

  test('lets NaN and Infinity through, even against zeros', () => {
    const a = new Float64Array([0, 0, 0, 0, 0, 0]); // 3×2 zeros: 0·NaN must still be NaN
    const b = new Float64Array([Number.NaN, 1, Number.POSITIVE_INFINITY, 2]); // 2×2
    const out = new Float64Array(6);
    matmul(a, b, out, 3, 2, 2, false, false, 1, 0, 0);
    expect(Array.from(out)).toEqual([Number.NaN, 0, Number.NaN, 0, Number.NaN, 0]);
  });
});
