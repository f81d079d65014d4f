// The dedicated module worker of the threads page: with setNumThreads(2) the 'wasm' matmul starts its
// pool's Web Worker here (in a cross-origin-isolated worker, where Atomics.wait is allowed), and this
// reports, by postMessage to the page, whether that worker computed part of a product.
//
// In a browser the pool cannot wait for a new worker to start (it starts only once this thread
// returns to its event loop), so the first product runs on this thread alone; this repeats the
// product, yielding in between, until a worker has helped or a deadline passes.

import { getNumThreads, setNumThreads } from '@chainrule/engine';
import { describeError, difference, onTs, operands, wasmInfo } from './threads-common.js';

/** What the worker saw; the test checks every field. */
export interface WorkerReport {
  crossOriginIsolated: boolean;
  hasSharedArrayBuffer: boolean;
  /** Whether `WorkerGlobalScope` exists and this is one: the pool's own test for "inside a worker". */
  inWorkerScope: boolean;
  numThreads: number;
  /** The 'wasm' kernels' memory is shared (possible only cross-origin isolated). */
  shared: boolean;
  /** Pool workers started (by the first product) and chunks they ran after it: expected 1 and 0. */
  afterFirst: { workers: number; workerChunks: number };
  /** Products run, the last the first one that a pool worker helped with (if any did). */
  products: number;
  /** Chunks the pool worker ran of each product, in order (a 256-row product is cut into 6). */
  chunksByProduct: number[];
  /** Whether a pool worker ran chunks of a product, and how long after the first product began. */
  helped: boolean;
  msUntilHelped: number;
  /** Pool workers started and chunks they ran, at the end. */
  workers: number;
  workerChunks: number;
  /** Worst over every product on 'wasm', against the same product on 'ts'. */
  maxAbsDiff: number;
  maxAbs: number;
}

/** How long to keep trying for a helped product. */
const DEADLINE_MS = 5000;

interface WorkerScope {
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: abstract new () => unknown;
  postMessage(message: WorkerReport | { error: string }): void;
}
const scope = globalThis as unknown as WorkerScope;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(): Promise<WorkerReport> {
  setNumThreads(2);
  const info = wasmInfo();
  const [left, right] = operands();
  const expected = onTs(left, right);
  const start = performance.now();
  let worst = { maxAbsDiff: 0, maxAbs: 0 };
  let afterFirst = { workers: 0, workerChunks: 0 };
  let products = 0;
  const chunksByProduct: number[] = [];
  let helped = false;
  let msUntilHelped = Number.NaN;
  while (!helped) {
    const before = info.workerChunks;
    const product = left.matmul(right);
    products++;
    const { maxAbsDiff, maxAbs } = difference(product, expected);
    worst = { maxAbsDiff: Math.max(worst.maxAbsDiff, maxAbsDiff), maxAbs: Math.max(worst.maxAbs, maxAbs) };
    if (products === 1) afterFirst = { workers: info.workers, workerChunks: info.workerChunks };
    chunksByProduct.push(info.workerChunks - before);
    helped = info.workerChunks > before;
    if (helped) msUntilHelped = performance.now() - start;
    else if (performance.now() - start > DEADLINE_MS) break;
    else await sleep(10);
  }
  const { WorkerGlobalScope } = scope;
  return {
    crossOriginIsolated: scope.crossOriginIsolated === true,
    hasSharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    inWorkerScope: WorkerGlobalScope !== undefined && globalThis instanceof WorkerGlobalScope,
    numThreads: getNumThreads(),
    shared: info.shared,
    afterFirst,
    products,
    chunksByProduct,
    helped,
    msUntilHelped,
    workers: info.workers,
    workerChunks: info.workerChunks,
    ...worst,
  };
}

run().then(
  (report) => scope.postMessage(report),
  (error: unknown) => scope.postMessage({ error: describeError(error) }),
);
