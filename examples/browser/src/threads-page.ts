// The threads page's script, in a cross-origin-isolated page: checks that the main thread, which may
// not Atomics.wait, computes alone even with setNumThreads(2), then starts src/threads-worker.ts as a
// module Web Worker and publishes both reports as `globalThis.chainrule` (and as text in the page).

import { setNumThreads } from '@chainrule/engine';
import { describeError, difference, onTs, operands, wasmInfo } from './threads-common.js';
import type { WorkerReport } from './threads-worker.js';

/** What the page computed on its main thread. */
export interface MainThreadReport {
  crossOriginIsolated: boolean;
  hasSharedArrayBuffer: boolean;
  /** The 'wasm' kernels' memory is shared here too. */
  shared: boolean;
  /** Pool workers started and chunks they ran after one large product: the main thread starts none. */
  workers: number;
  workerChunks: number;
  maxAbsDiff: number;
  maxAbs: number;
}

/** What the page publishes; the test checks every field. */
export interface ThreadsPageResults {
  main: MainThreadReport;
  worker: WorkerReport | { error: string };
}

/** How long the page waits for the worker's report. */
const TIMEOUT_MS = 15_000;

interface WebWorker {
  onmessage: ((event: { data: WorkerReport | { error: string } }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}
interface PageScope {
  crossOriginIsolated?: boolean;
  Worker: new (url: string, options: { type: 'module'; name?: string }) => WebWorker;
  chainrule?: ThreadsPageResults | { error: string };
  document?: { getElementById(id: string): { textContent: string } | null };
}
const scope = globalThis as unknown as PageScope;

function onMainThread(): MainThreadReport {
  setNumThreads(2);
  const info = wasmInfo();
  const [left, right] = operands();
  const product = left.matmul(right);
  return {
    crossOriginIsolated: scope.crossOriginIsolated === true,
    hasSharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    shared: info.shared,
    workers: info.workers,
    workerChunks: info.workerChunks,
    ...difference(product, onTs(left, right)),
  };
}

function fromWorker(): Promise<WorkerReport | { error: string }> {
  return new Promise((resolve) => {
    const worker = new scope.Worker('/threads-worker.js', { type: 'module', name: 'chainrule-threads' });
    const timer = setTimeout(
      () => resolve({ error: `no report from the worker in ${TIMEOUT_MS} ms` }),
      TIMEOUT_MS,
    );
    worker.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      resolve({ error: `the worker failed: ${event.message ?? 'no message (did its script load?)'}` });
    };
  });
}

async function compute(): Promise<ThreadsPageResults> {
  const main = onMainThread();
  return { main, worker: await fromWorker() };
}

compute().then(
  (results) => publish(results),
  (error: unknown) => publish({ error: describeError(error) }),
);

function publish(results: ThreadsPageResults | { error: string }): void {
  scope.chainrule = results;
  const out = scope.document?.getElementById('out');
  if (out) out.textContent = JSON.stringify(results, null, 2);
}
