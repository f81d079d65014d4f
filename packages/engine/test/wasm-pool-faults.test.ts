// Faults in the WASM thread pool surface at once and leave it usable: a worker stopped in the middle
// of a job makes the call throw within a second (not after a long timeout), a kernel that traps on a
// worker throws its own error, and the next job runs on the pool with the same numbers.

import { describe, expect, test } from 'vitest';
import { matmulWasm } from '../src/kernels/wasm/generated/matmul-wasm.js';
import { hasSharedMemory, hasSimd } from '../src/kernels/wasm/index.js';
import { createThreadPool, type ThreadPool } from '../src/kernels/wasm/thread-pool.js';
import { decodeBase64, type WasmApi, wasmApi } from '../src/kernels/wasm/wasm-api.js';

/** The global WebAssembly, typed by the engine (the project compiles without DOM types). */
const wasm = wasmApi() as WasmApi;
const { RuntimeError } = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } })
  .WebAssembly;

type Kernel = (...args: number[]) => void;
interface Exports {
  matmul: Kernel;
  heapBase(): number;
  blockRows(): number;
  blockDepth(): number;
  blockCols(): number;
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/** A pool on a fresh shared memory, the caller's own instance, and a way to lay out one product C = A·B. */
function setUp(pages: number) {
  const module = new wasm.Module(decodeBase64(matmulWasm.simdShared));
  const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  const exports = new wasm.Instance(module, { env: { memory } }).exports as unknown as Exports;
  const pool = createThreadPool(module, memory, 'matmul') as ThreadPool;
  const view = new Float64Array(memory.buffer);
  /** Copies A (m×k) and B (k×n) in and returns the job that computes C by chunks of `chunk` rows. */
  const product = (a: Float64Array, b: Float64Array, m: number, k: number, n: number, chunk: number) => {
    const kc = Math.min(exports.blockDepth(), k);
    const packA = roundUp(roundUp(Math.min(exports.blockRows(), m), 4) * kc * 8, 64);
    const packB = roundUp(roundUp(Math.min(exports.blockCols(), n), 4) * kc * 8, 64);
    const aAt = roundUp(exports.heapBase(), 64);
    const bAt = roundUp(aAt + m * k * 8, 64);
    const cAt = roundUp(bAt + k * n * 8, 64);
    const scratch = roundUp(cAt + m * n * 8, 64);
    view.set(a, aAt / 8);
    view.set(b, bAt / 8);
    const args = [scratch, scratch + packA, aAt, bAt, cAt, m, k, n, 0, 0, 0, 0, 0, 1, 0, m, 0, n, 0, 0];
    const job = {
      args,
      split: 14,
      total: m,
      chunkSize: chunk,
      participants: 2,
      scratchStride: packA + packB,
    };
    const result = () => view.slice(cAt / 8, cAt / 8 + m * n);
    return { job, args, result };
  };
  return { pool, kernel: exports.matmul, product, memory };
}

const filled = (length: number, seed: number) => Float64Array.from({ length }, (_, i) => Math.sin(seed + i));

/** A product on one thread, then on the pool with one worker: the pool must give the same bits. */
function expectPoolAgrees(pool: ThreadPool, kernel: Kernel, product: ReturnType<typeof setUp>['product']) {
  const [m, k, n] = [512, 128, 256];
  const { job, args, result } = product(filled(m * k, 1), filled(k * n, 2), m, k, n, 16);
  kernel(...args);
  const alone = result();
  expect(pool.ensure(1)).toBe(1);
  const helped = pool.helped;
  // a worker that wakes late finds the chunks taken: a few jobs, and one of them is shared
  for (let i = 0; i < 20 && pool.helped === helped; i++) pool.run(job, kernel);
  expect(pool.helped).toBeGreaterThan(helped);
  expect(result()).toEqual(alone);
}

describe.skipIf(!hasSimd() || !hasSharedMemory())('wasm thread pool faults', () => {
  test('a worker stopped mid-job makes the call throw within a second, and the pool works after', () => {
    const { pool, kernel, product } = setUp(2048);
    expect(pool.ensure(1)).toBe(1);
    // 2048×2048·2048×1024 by chunks of 32 rows: 8.6 GFLOP, over 150 ms on the fastest machine seen, so the
    // worker is inside a chunk when stopped 40 ms in
    const [m, k, n] = [2048, 2048, 1024];
    const { job } = product(filled(m * k, 3), filled(k * n, 4), m, k, n, 32);
    const afterMs = 40;
    expect(pool.stopWorker(0, afterMs)).toBe(true);
    const start = performance.now();
    expect(() => pool.run(job, kernel)).toThrow(
      /wasm thread pool: worker 0 stopped during a job: exit code 1/,
    );
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThan(afterMs - 20);
    expect(elapsed).toBeLessThan(afterMs + 1000);
    expect(pool.size).toBe(0); // dead, until the next job asks for a worker
    expectPoolAgrees(pool, kernel, product);
    pool.close();
  });

  test('a kernel that traps on a worker throws its own error, and the pool works after', () => {
    const { pool, kernel, product, memory } = setUp(64);
    expect(pool.ensure(1)).toBe(1);
    const [m, k, n] = [512, 256, 256];
    const { args } = product(filled(m * k, 5), filled(k * n, 6), m, k, n, 16);
    // two products, one per chunk: the first fine (and long), the second reading B past the memory's end
    const outside = [...args];
    outside[3] = memory.buffer.byteLength - 8;
    let expected = '';
    try {
      kernel(...outside);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).toMatch(/out of bounds/);
    let onWorker = false;
    // the caller takes the first product; a worker that wakes in time takes the second, and traps
    for (let i = 0; i < 30 && !onWorker; i++) {
      const helped = pool.helped;
      let thrown: unknown = null;
      try {
        pool.runEach([args, outside], 2, kernel);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RuntimeError);
      expect((thrown as Error).message).toBe(expected);
      onWorker = pool.helped > helped;
    }
    expect(onWorker).toBe(true);
    expectPoolAgrees(pool, kernel, product);
    pool.close();
  });
});
