// Memory given back: an operation whose operands would grow the kept WebAssembly memory past its
// limit runs in a temporary memory instead, with the same numbers bit for bit. The limit is lowered
// here (1 MiB instead of 64) so that small operands take the path.

import { afterAll, describe, expect, test } from 'vitest';
import { LINEAR_LAYOUT } from '../src/kernels/backend.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import {
  createWasmKernels,
  getNumThreads,
  hasSimd,
  setNumThreads,
  type WasmKernelOptions,
  type WasmKernels,
} from '../src/kernels/wasm/index.js';

const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

const filled = (length: number, seed: number) =>
  Float64Array.from({ length }, (_, i) => Math.sin(seed + i * 0.7) * 10 ** ((i % 9) - 4));

const same = (actual: Float64Array, expected: Float64Array) =>
  actual.length === expected.length && actual.every((x, i) => Object.is(x, expected[i]));

describe.skipIf(!hasSimd())('wasm operations on large operands', () => {
  // every product through WebAssembly and threads, every array through the elementwise module
  const everything: WasmKernelOptions = { minFlops: 0, threadMinFlops: 1, minElements: 0 };
  const limit = 1 << 20;

  for (const threads of [1, 2]) {
    test(`run in a temporary memory past the limit, bit-identical to a memory without one (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      setNumThreads(threads);
      const lowered = createWasmKernels(tsKernels, { ...everything, largeBytes: limit }) as WasmKernels;
      const unlimited = createWasmKernels(tsKernels, {
        ...everything,
        largeBytes: Number.POSITIVE_INFINITY,
      }) as WasmKernels;
      const kept = lowered.wasm.memoryBytes;
      const both = (body: (k: WasmKernels) => Float64Array[]) => {
        const [actual, expected] = [body(lowered), body(unlimited)];
        for (const [i, x] of actual.entries()) expect(same(x, expected[i]!), `result ${i}`).toBe(true);
      };
      // products either side of the limit: rows split, columns split, a deep Aᵀ·B split by depth, a batch
      const shapes: [number, number, number, boolean, boolean, number][] = [
        [20, 30, 40, false, false, 1],
        [300, 200, 250, false, true, 1],
        [40, 2000, 30, true, false, 1],
        [60, 150, 700, false, false, 1],
        [50, 60, 70, true, true, 12],
      ];
      for (const [m, k, n, transA, transB, batch] of shapes) {
        const a = filled(batch * m * k, m);
        const b = filled(batch * k * n, n);
        both((kernels) => {
          const out = new Float64Array(batch * m * n);
          kernels.matmul(a, b, out, m, k, n, transA, transB, batch, m * k, k * n);
          return [out];
        });
      }
      // a dense layer forward and backward, and a layer's two gradients side by side
      const [m, k, n] = [400, 120, 150];
      const [x, w, bias, g] = [filled(m * k, 1), filled(n * k, 2), filled(n, 3), filled(m * n, 4)];
      both((kernels) => {
        const y = new Float64Array(m * n);
        kernels.linear(x, w, bias, y, m, k, n, true, LINEAR_LAYOUT);
        const [dx, dw, db] = [new Float64Array(m * k), new Float64Array(n * k), new Float64Array(n)];
        kernels.linearBackward(g, y, x, w, dx, dw, db, m, k, n, LINEAR_LAYOUT);
        const first = {
          a: g,
          b: w,
          out: new Float64Array(m * k),
          m,
          k: n,
          n: k,
          transA: false,
          transB: false,
        };
        const second = {
          a: g,
          b: x,
          out: new Float64Array(n * k),
          m: n,
          k: m,
          n: k,
          transA: true,
          transB: false,
        };
        kernels.matmulPair!(first, second);
        return [y, dx, dw, db, first.out, second.out];
      });
      // elementwise and reductions past the limit
      const big = filled(200_000, 5);
      both((kernels) => {
        const sum = new Float64Array(200_000);
        kernels.binary('add', big, [1000, 200], filled(1000, 6), [1000, 1], sum, [1000, 200]);
        const rows = new Float64Array(1000);
        kernels.sumAxis(big, 1000, 200, 1, rows);
        const relu = new Float64Array(200_000);
        kernels.unary('relu', big, relu);
        return [sum, rows, relu];
      });
      // the kept memories did not grow past the limit; the large operations ran elsewhere
      expect(lowered.wasm.memoryBytes).toBe(kept);
      expect(lowered.wasm.memoryBytes).toBeLessThanOrEqual(2 * limit);
      expect(lowered.wasm.largeOperations).toBeGreaterThanOrEqual(5);
      expect(unlimited.wasm.largeOperations).toBe(0);
      expect(unlimited.wasm.memoryBytes).toBeGreaterThan(4 * limit);
    });
  }
});
