// The WebAssembly matmul kernel against a naive reference: random shapes, transposes, batches, threads.

import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { Kernels } from '../src/kernels/backend.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import {
  createWasmKernels,
  getNumThreads,
  hasSimd,
  setNumThreads,
  type WasmKernels,
} from '../src/kernels/wasm/index.js';
import { createRng } from '../src/random.js';
import { type MatmulCase, matmulOperands, referenceMatmul } from './support/reference-matmul.js';

interface Case extends MatmulCase {
  seed: number;
}

function operands(c: Case): { a: Float64Array; b: Float64Array; aStride: number; bStride: number } {
  return matmulOperands(c, c.seed);
}

/**
 * The worst error of `kernels` on case c, relative to Σ_p |op(A)_ip|·|op(B)_pj| (the scale a
 * rounding error of a dot product is measured against: an element that cancels to near zero cannot
 * be expected to keep relative accuracy of its own).
 */
function worstError(kernels: Kernels, c: Case): number {
  const { a, b, aStride, bStride } = operands(c);
  const size = c.batch * c.m * c.n;
  // NaN sentinels: every element of the output must be written
  const out = new Float64Array(size).fill(Number.NaN);
  const expected = new Float64Array(size);
  const scale = new Float64Array(size);
  kernels.matmul(a, b, out, c.m, c.k, c.n, c.transA, c.transB, c.batch, aStride, bStride);
  referenceMatmul(a, b, expected, c.m, c.k, c.n, c.transA, c.transB, c.batch, aStride, bStride);
  referenceMatmul(
    a.map(Math.abs),
    b.map(Math.abs),
    scale,
    c.m,
    c.k,
    c.n,
    c.transA,
    c.transB,
    c.batch,
    aStride,
    bStride,
  );
  let worst = 0;
  for (let i = 0; i < size; i++) {
    const error = Math.abs(out[i]! - expected[i]!) / (scale[i]! || 1);
    if (!(error <= worst)) worst = error; // NaN wins
  }
  return worst;
}

const size = fc.integer({ min: 1, max: 70 });
const anyCase: fc.Arbitrary<Case> = fc.record({
  m: size,
  k: size,
  n: size,
  transA: fc.boolean(),
  transB: fc.boolean(),
  batch: fc.integer({ min: 1, max: 3 }),
  broadcastA: fc.boolean(),
  broadcastB: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

const available = hasSimd();
const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

describe.skipIf(!available)('wasm matmul', () => {
  // thresholds at zero send every product, however small, through WebAssembly and the threads
  const kernels = createWasmKernels(tsKernels, { minFlops: 0, threadMinFlops: 1 }) as WasmKernels;

  test('is available where WebAssembly SIMD is, as the backend named wasm', () => {
    expect(kernels).not.toBeNull();
    expect(kernels.name).toBe('wasm');
    expect(kernels.broadcastTo).toBe(tsKernels.broadcastTo);
  });

  for (const threads of [1, 2, 3]) {
    test(`matches the reference within 1e-12 on random shapes, transposes and batches (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      setNumThreads(threads);
      const helpedBefore = kernels.wasm.workerChunks;
      fc.assert(
        fc.property(anyCase, (c) => {
          expect(worstError(kernels, c)).toBeLessThanOrEqual(1e-12);
        }),
        { numRuns: 150 },
      );
      if (threads > 1) {
        // a count above the machine's is clamped to it (setNumThreads's TSDoc)
        expect(kernels.wasm.workers).toBeGreaterThanOrEqual(getNumThreads() - 1);
        expect(kernels.wasm.workerChunks).toBeGreaterThan(helpedBefore);
      }
    });
  }

  test('handles sizes past every cache block (rows past 96, depth past 256, columns past 2048)', () => {
    const cases: [number, number, number][] = [
      [101, 3, 7],
      [5, 300, 9],
      [6, 3, 2053],
      [97, 263, 13],
      [1, 521, 1],
    ];
    for (const threads of [1, 2, 3]) {
      setNumThreads(threads);
      for (const [m, k, n] of cases) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const c = {
              m,
              k,
              n,
              transA,
              transB,
              batch: 2,
              broadcastA: false,
              broadcastB: true,
              seed: m + k + n,
            };
            expect(worstError(kernels, c), `${m}×${k}×${n} ${transA} ${transB}`).toBeLessThanOrEqual(1e-12);
          }
        }
      }
    }
  });

  test('splits a batch across threads as well as rows', () => {
    setNumThreads(3);
    const c = {
      m: 3,
      k: 17,
      n: 5,
      transA: false,
      transB: false,
      batch: 12,
      broadcastA: false,
      broadcastB: false,
      seed: 7,
    };
    expect(worstError(kernels, c)).toBeLessThanOrEqual(1e-12);
  });

  test('splits the depth of a deep Aᵀ·B (a weight gradient) among threads, padding a ragged last piece', () => {
    // k at least 4·max(m, n), A read transposed, B not: the threads take pieces of depth
    const cases: [number, number, number][] = [
      [50, 900, 50],
      [3, 641, 5],
      [1, 64, 1],
      [17, 301, 2],
    ];
    for (const threads of [2, 3]) {
      setNumThreads(threads);
      for (const [m, k, n] of cases) {
        const c = {
          m,
          k,
          n,
          transA: true,
          transB: false,
          batch: 1,
          broadcastA: false,
          broadcastB: false,
          seed: m * k + n,
        };
        expect(worstError(kernels, c), `${m}×${k}×${n} on ${threads}`).toBeLessThanOrEqual(1e-12);
      }
      // a worker asleep since the last job may wake after the caller has taken every piece, so
      // repeat until a worker has taken some
      const helpedBefore = kernels.wasm.workerChunks;
      const deep = { m: 50, k: 900, n: 50, transA: true, transB: false, batch: 1 };
      for (let i = 0; i < 50 && kernels.wasm.workerChunks === helpedBefore; i++) {
        const c = { ...deep, broadcastA: false, broadcastB: false, seed: i };
        expect(worstError(kernels, c)).toBeLessThanOrEqual(1e-12);
      }
      expect(kernels.wasm.workerChunks).toBeGreaterThan(helpedBefore);
    }
    // a non-finite value in the last rows is not lost among the zero rows that pad the depth
    setNumThreads(2);
    const a = new Float64Array(641 * 3).fill(1);
    const b = new Float64Array(641 * 5).fill(1);
    b[640 * 5 + 4] = Number.POSITIVE_INFINITY;
    a[640 * 3] = Number.NaN;
    const out = new Float64Array(15);
    kernels.matmul(a, b, out, 3, 641, 5, true, false, 1, 0, 0);
    expect(out[0]).toBeNaN();
    expect(out[4]).toBeNaN(); // NaN·∞
    expect(out[9]).toBe(Number.POSITIVE_INFINITY);
    expect(out[8]).toBe(641);
  });

  test('matmulPair gives exactly the two products, side by side on two threads or one after the other', () => {
    const rng = createRng(11);
    const fill = (length: number) => Float64Array.from({ length }, () => rng.normal());
    const size = fc.integer({ min: 1, max: 40 });
    for (const asked of [1, 2, 3]) {
      setNumThreads(asked);
      const threads = getNumThreads(); // clamped to the machine's count
      const helpedBefore = kernels.wasm.workerChunks;
      fc.assert(
        fc.property(size, size, size, fc.boolean(), fc.boolean(), (m, k, n, transA, transB) => {
          // a layer's two gradients: G (m×n) shared, dA = G·op(B)ᵀ and dB = op(A)ᵀ·G
          const g = fill(m * n);
          const a = fill(m * k);
          const b = fill(k * n);
          const first = {
            a: g,
            b,
            out: new Float64Array(m * k).fill(Number.NaN), // every element must be written
            m,
            k: n,
            n: k,
            transA: false,
            transB: !transB,
          };
          const second = {
            a,
            b: g,
            out: new Float64Array(k * n).fill(Number.NaN),
            m: k,
            k: m,
            n,
            transA: !transA,
            transB: false,
          };
          kernels.matmulPair!(first, second);
          // side by side, each product runs whole on one thread; one after the other, each is what
          // matmul gives on the same threads (which may split a deep Aᵀ·B by depth)
          setNumThreads(threads === 2 ? 1 : threads);
          for (const p of [first, second]) {
            const alone = new Float64Array(p.out.length);
            kernels.matmul(p.a, p.b, alone, p.m, p.k, p.n, p.transA, p.transB, 1, 0, 0);
            expect(p.out.every((x, i) => Object.is(x, alone[i]))).toBe(true);
          }
          setNumThreads(threads);
        }),
        { numRuns: 60 },
      );
      // on exactly two threads a worker computes one of the two products; on a busy machine it may wake
      // after the caller has done both for a while, so give it up to 50 more pairs to show it
      if (threads === 2) {
        const [m, k, n] = [96, 96, 96];
        const g = fill(m * n);
        const a = fill(m * k);
        const b = fill(k * n);
        for (let i = 0; i < 50 && kernels.wasm.workerChunks === helpedBefore; i++) {
          kernels.matmulPair!(
            { a: g, b, out: new Float64Array(m * k), m, k: n, n: k, transA: false, transB: true },
            { a, b: g, out: new Float64Array(k * n), m: k, k: m, n, transA: true, transB: false },
          );
        }
        expect(kernels.wasm.workerChunks).toBeGreaterThan(helpedBefore);
      }
    }
  });

  test('an output that aliases an operand still gets the product of the original operands', () => {
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      const rng = createRng(threads);
      const a = Float64Array.from({ length: 37 * 37 }, () => rng.normal());
      const b = Float64Array.from({ length: 37 * 37 }, () => rng.normal());
      const expected = new Float64Array(37 * 37);
      referenceMatmul(a, b, expected, 37, 37, 37, true, false, 1, 0, 0);
      kernels.matmul(a, b, a, 37, 37, 37, true, false, 1, 0, 0);
      // sums of 37 products of normals: an absolute 1e-12 is well inside rounding of a fused kernel
      expect(Math.max(...a.map((x, i) => Math.abs(x - expected[i]!)))).toBeLessThan(1e-12);
    }
  });

  test('an inner dimension of 0 gives zeros, and empty outputs are left alone', () => {
    const out = new Float64Array(6).fill(5);
    kernels.matmul(new Float64Array(0), new Float64Array(0), out, 2, 0, 3, false, false, 1, 0, 0);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0]);
    const untouched = new Float64Array(1).fill(5);
    kernels.matmul(new Float64Array(0), new Float64Array(4), untouched, 0, 2, 2, false, false, 1, 0, 4);
    expect(untouched[0]).toBe(5);
  });

  test('propagates NaN and infinity instead of hiding them', () => {
    setNumThreads(1);
    const a = Float64Array.from([1, Number.NaN, 0, 0, 2, 0, 0, 0, 3]);
    const b = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, Number.POSITIVE_INFINITY]);
    const out = new Float64Array(9);
    kernels.matmul(a, b, out, 3, 3, 3, false, false, 1, 0, 0);
    expect(Number.isNaN(out[0])).toBe(true); // NaN·4 in the sum
    expect(Number.isNaN(out[5])).toBe(true); // 0·∞
    expect(out[8]).toBe(Number.POSITIVE_INFINITY);
    expect(out[3]).toBe(8); // 2·4
  });

  test('reuses its memory: a product no larger than an earlier one does not grow it', () => {
    setNumThreads(2);
    const c = {
      m: 64,
      k: 64,
      n: 64,
      transA: false,
      transB: false,
      batch: 2,
      broadcastA: false,
      broadcastB: false,
      seed: 1,
    };
    worstError(kernels, c);
    const held = kernels.wasm.memoryBytes;
    for (let i = 0; i < 20; i++) worstError(kernels, { ...c, m: 1 + 3 * i, seed: i });
    expect(kernels.wasm.memoryBytes).toBe(held);
  });

  test('small products stay on the base kernel by default', () => {
    const calls: number[] = [];
    const base: Kernels = {
      ...tsKernels,
      matmul: (...args) => {
        calls.push(args[3]);
        tsKernels.matmul(...args);
      },
    };
    const defaults = createWasmKernels(base) as WasmKernels;
    const c = {
      m: 2,
      k: 2,
      n: 2,
      transA: false,
      transB: false,
      batch: 1,
      broadcastA: false,
      broadcastB: false,
      seed: 3,
    };
    expect(worstError(defaults, c)).toBeLessThanOrEqual(1e-12);
    expect(worstError(defaults, { ...c, m: 40, k: 40, n: 40 })).toBeLessThanOrEqual(1e-12);
    expect(calls).toEqual([2]);
  });

  test('setNumThreads refuses counts outside 1 to 64', () => {
    expect(() => setNumThreads(0)).toThrow(RangeError);
    expect(() => setNumThreads(1.5)).toThrow('setNumThreads: expected an integer from 1 to 64, got 1.5');
    expect(() => setNumThreads(65)).toThrow('setNumThreads: expected an integer from 1 to 64, got 65');
  });

  test('setNumThreads clamps a count above the machine’s parallelism to it, and starts no more workers', () => {
    const machine = availableParallelism();
    setNumThreads(64);
    expect(getNumThreads()).toBe(Math.min(machine, 64));
    const own = createWasmKernels(tsKernels, { minFlops: 0, threadMinFlops: 1 }) as WasmKernels;
    const [m, k, n] = [256, 64, 256];
    own.matmul(
      new Float64Array(m * k).fill(1),
      new Float64Array(k * n).fill(1),
      new Float64Array(m * n),
      m,
      k,
      n,
      false,
      false,
      1,
      0,
      0,
    );
    expect(own.wasm.workers).toBeLessThanOrEqual(machine - 1);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });

  test('a deliberately wrong kernel fails the comparison', () => {
    const wrong: Kernels = {
      ...tsKernels,
      matmul: (a, b, out, m, k, n, transA, transB, batch, aStride, bStride) => {
        kernels.matmul(a, b, out, m, k, n, transA, transB, batch, aStride, bStride);
        out[out.length - 1]! += 1e-9;
      },
    };
    const c = {
      m: 5,
      k: 7,
      n: 3,
      transA: true,
      transB: false,
      batch: 1,
      broadcastA: false,
      broadcastB: false,
      seed: 9,
    };
    expect(worstError(wrong, c)).toBeGreaterThan(1e-12);
  });
});
