// Matrix products give the same bits on every backend, thread count and size threshold: the 'ts'
// kernel, the WebAssembly kernel below and above its thresholds, on 1, 2 and 3 threads (a count
// above the machine's parallelism is clamped), and the threads' split of a deep product's depth. Every
// path sums each element's depth blocks of MATMUL_BLOCK_DEPTH in order, each block over its p in order
// from 0, and rounds each multiply and add (no fused multiply-add, even where relaxed SIMD validates).

import { linear, setBackend, Tensor } from '@chainrule/engine';
import { afterAll, describe, expect, test } from 'vitest';
import { getBackend } from '../src/kernels/index.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import { MATMUL_BLOCK_DEPTH } from '../src/kernels/ts-matmul.js';
import {
  createWasmKernels,
  getNumThreads,
  hasSimd,
  setNumThreads,
  THREAD_MIN_FLOPS,
  WASM_MIN_FLOPS,
} from '../src/kernels/wasm/index.js';
import { createRng, type Rng } from '../src/random.js';

const initialThreads = getNumThreads();
const initialBackend = getBackend();
afterAll(() => {
  setNumThreads(initialThreads);
  setBackend(initialBackend);
});

/** Normal values scaled by powers of two from 2⁻²⁰ to 2²⁰, so that any change of order shows in the bits. */
function fill(rng: Rng, length: number): Float64Array {
  return Float64Array.from({ length }, () => rng.normal() * 2 ** Math.floor(rng.uniform() * 41 - 20));
}

/** The index of the first element that is not the same double (NaN and the sign of zero included), or -1. */
function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return -1;
}

type Shape = readonly [m: number, k: number, n: number, transA: boolean, transB: boolean];

const B = MATMUL_BLOCK_DEPTH;
/** Around every threshold: WASM_MIN_FLOPS, THREAD_MIN_FLOPS, the depth block, the deep-product split. */
const shapes: readonly Shape[] = [
  [8, 8, 8, false, false], // below WASM_MIN_FLOPS
  [10, 10, 10, true, false],
  [12, 12, 12, false, true], // above it
  [63, 64, 64, false, false], // just below THREAD_MIN_FLOPS
  [64, 64, 64, true, true], // at it
  [80, 80, 80, false, false],
  [67, B + 44, 9, false, false],
  [130, B + 4, 6, false, true],
  [66, B + 1, 515, true, true],
  [9, 2 * B + 1, 600, false, true],
  // deep and narrow Aᵀ·B (a weight gradient): the threads split its depth at whole blocks
  [2, B - 1, 2, true, false],
  [4, B, 4, true, false],
  [1, B + 1, 1, true, false],
  [3, 2 * B + 129, 5, true, false],
  [17, 2 * B + 1, 2, true, false],
  [50, 900, 50, true, false],
  [8, 4 * B, 8, true, false],
  [32, 6 * B + 7, 40, true, false],
];

const hasWasm = hasSimd() && createWasmKernels(tsKernels) !== null;

describe.skipIf(!hasWasm)('matmul sums in one order on every backend and thread count', () => {
  test('the block depth and the thresholds are where the shapes above probe them', () => {
    expect(B).toBe(256);
    expect(WASM_MIN_FLOPS).toBeGreaterThan(8 * 8 * 8);
    expect(WASM_MIN_FLOPS).toBeLessThanOrEqual(12 * 12 * 12);
    expect(THREAD_MIN_FLOPS).toBe(64 * 64 * 64);
  });

  test("wasm with its own thresholds and with none, on 1, 2 and 3 threads, gives ts's bits", () => {
    const defaults = createWasmKernels(tsKernels)!;
    const everything = createWasmKernels(tsKernels, { minFlops: 0, threadMinFlops: 1 })!;
    const rng = createRng(14);
    for (const [m, k, n, transA, transB] of shapes) {
      const a = fill(rng, m * k);
      const b = fill(rng, k * n);
      const want = new Float64Array(m * n);
      tsKernels.matmul(a, b, want, m, k, n, transA, transB, 1, 0, 0);
      for (const threads of [1, 2, 3]) {
        setNumThreads(threads);
        for (const [name, kernels] of [
          ['defaults', defaults],
          ['no thresholds', everything],
        ] as const) {
          const got = new Float64Array(m * n).fill(Number.NaN);
          kernels.matmul(a, b, got, m, k, n, transA, transB, 1, 0, 0);
          const at = firstDifference(got, want);
          expect(
            at,
            `${m}×${k}×${n} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}, ${name}, ${threads} threads: element ${at}`,
          ).toBe(-1);
        }
      }
    }
  });

  test('a deep product split among threads by depth blocks gives the bits of one thread', () => {
    const kernels = createWasmKernels(tsKernels, { minFlops: 0, threadMinFlops: 1 })!;
    setNumThreads(2);
    if (getNumThreads() < 2) return; // a one-core machine has no second thread to split with
    const rng = createRng(15);
    const [m, k, n] = [50, 900, 50];
    const a = fill(rng, k * m);
    const b = fill(rng, k * n);
    const want = new Float64Array(m * n);
    tsKernels.matmul(a, b, want, m, k, n, true, false, 1, 0, 0);
    // a worker asleep since the last job may wake after the caller took every piece: repeat until a
    // worker has taken some, so the split itself is what is compared
    const before = kernels.wasm.workerChunks;
    for (let i = 0; i < 50 && kernels.wasm.workerChunks === before; i++) {
      const got = new Float64Array(m * n).fill(Number.NaN); // every element must be written
      kernels.matmul(a, b, got, m, k, n, true, false, 1, 0, 0);
      expect(firstDifference(got, want)).toBe(-1);
    }
    expect(kernels.wasm.workerChunks).toBeGreaterThan(before);
  });

  test("Tensor.matmul and a dense layer's gradients on wasm with 1 and 2 threads give ts's bits", () => {
    const rng = createRng(16);
    // a batch of 600 rows: the weight gradient Xᵀ·G is three depth blocks deep
    const x = new Tensor(fill(rng, 600 * 64), [600, 64]);
    const w = new Tensor(fill(rng, 32 * 64), [32, 64]);
    const bias = new Tensor(fill(rng, 32), [32]);
    const c = new Tensor(fill(rng, 64 * 700), [64, 700]);
    const run = () => {
      const [xs, ws, bs] = [x, w, bias].map(
        (t) => new Tensor(t.data.slice(), t.shape, { requiresGrad: true }),
      );
      const y = linear(xs!, ws!, bs!, { activation: 'relu' });
      y.mul(y).sum().backward();
      const z = xs!.T.matmul(xs!.matmul(c));
      return [y.data, xs!.grad!.data, ws!.grad!.data, bs!.grad!.data, z.data];
    };
    setBackend('ts');
    const want = run();
    setBackend('wasm');
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      const got = run();
      got.forEach((g, i) => {
        expect(firstDifference(g, want[i]!), `result ${i} on ${threads} threads`).toBe(-1);
      });
    }
  });
});
