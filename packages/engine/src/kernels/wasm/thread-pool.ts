// Worker threads that run a WebAssembly kernel on a shared memory while the calling thread waits.
//
// The engine's API is synchronous, so a threaded product blocks its caller: the caller posts one job
// per worker into a shared control array, wakes them with Atomics.notify, computes its own share, then
// sleeps in Atomics.wait until the last worker has counted itself out. Only Node allows Atomics.wait
// on the main thread and can start a worker from a string synchronously enough to wait for it, so
// the pool exists in Node (through `process.getBuiltinModule`, so nothing is imported from Node and
// bundles stay browser-safe); elsewhere `createThreadPool` returns null and the kernels use one thread.

import type { WasmMemory, WasmModule } from './wasm-api.js';

/** Control array layout (Int32 indices). */
const GENERATION = 0; // bumped once per job; workers sleep on it
const PENDING = 1; // workers still running the current job; the caller sleeps on it
const READY = 2; // workers that have instantiated the module and are waiting for jobs
const FAILED = 3; // set by a worker whose kernel threw
const SLOTS = 8; // first job slot; slot w = [active, ...kernel arguments]
/** Arguments of the kernel entry point, all i32. */
export const KERNEL_ARITY = 16;
const SLOT_SIZE = KERNEL_ARITY + 1;
const MAX_WORKERS = 63;
const STARTUP_TIMEOUT_MS = 10_000;
/** A job that takes this long means a worker died; fail loudly instead of hanging. */
const JOB_TIMEOUT_MS = 600_000;

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (error: unknown) => void): void;
}
interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown; name?: string }) => NodeWorker;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
}

/** Node's `process`, when there is one. */
export function nodeProcess(): NodeProcess | undefined {
  const scope = globalThis as { process?: NodeProcess };
  return typeof scope.process?.getBuiltinModule === 'function' ? scope.process : undefined;
}

/**
 * The worker's whole program. It instantiates the kernel module on the shared memory, reports ready,
 * and then runs the kernel entry point for each job posted into its slot. Plain JavaScript in a
 * string, so starting a worker needs no file of its own.
 */
const workerSource = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, entry } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports[entry];
const c = new Int32Array(control);
const slot = ${SLOTS} + index * ${SLOT_SIZE};
let generation = Atomics.load(c, ${GENERATION});
Atomics.add(c, ${READY}, 1);
Atomics.notify(c, ${READY});
for (;;) {
  Atomics.wait(c, ${GENERATION}, generation);
  generation = Atomics.load(c, ${GENERATION});
  if (Atomics.load(c, slot) !== 1) continue;
  Atomics.store(c, slot, 0);
  try {
    kernel(${Array.from({ length: KERNEL_ARITY }, (_, i) => `c[slot + ${i + 1}]`).join(', ')});
  } catch {
    Atomics.store(c, ${FAILED}, 1);
  }
  if (Atomics.sub(c, ${PENDING}, 1) === 1) Atomics.notify(c, ${PENDING});
}
`;

/** A set of workers sharing one module and one memory; grows on demand, never shrinks. */
export class ThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (SLOTS + MAX_WORKERS * SLOT_SIZE)));
  private workers = 0;

  constructor(
    private readonly threads: WorkerThreadsModule,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly entry: string,
  ) {}

  /** Workers running now. */
  get size(): number {
    return this.workers;
  }

  /**
   * Starts workers until there are `count` (at most 63) and waits until each has instantiated the
   * module. Workers are unref'd: they never keep a Node process alive. Returns the workers ready.
   */
  ensure(count: number): number {
    count = Math.min(count, MAX_WORKERS);
    if (count <= this.workers) return this.workers;
    for (let index = this.workers; index < count; index++) {
      const worker = new this.threads.Worker(workerSource, {
        eval: true,
        name: `chainrule-wasm-${index}`,
        workerData: {
          module: this.module,
          memory: this.memory,
          control: this.control.buffer,
          index,
          entry: this.entry,
        },
      });
      worker.unref();
      // seen only once the caller's event loop turns again; the wait below times out meanwhile
      worker.on('error', () => {
        Atomics.store(this.control, FAILED, 1);
      });
    }
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const ready = Atomics.load(this.control, READY);
      if (ready >= count) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`internal: wasm thread pool: only ${ready} of ${count} workers started`);
      Atomics.wait(this.control, READY, ready, left);
    }
    this.workers = count;
    return count;
  }

  /**
   * Runs `jobs[w]` (kernel arguments) on worker w and `own` on the calling thread at the same time,
   * and returns when all have finished. `jobs.length` must not exceed `size`.
   */
  run(jobs: readonly (readonly number[])[], own: () => void): void {
    const c = this.control;
    if (jobs.length > this.workers)
      throw new Error(`internal: wasm thread pool: ${jobs.length} jobs, ${this.workers} workers`);
    Atomics.store(c, PENDING, jobs.length);
    for (let w = 0; w < jobs.length; w++) {
      const slot = SLOTS + w * SLOT_SIZE;
      const args = jobs[w]!;
      for (let i = 0; i < KERNEL_ARITY; i++) c[slot + 1 + i] = args[i]! | 0;
      Atomics.store(c, slot, 1);
    }
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    let ownError: unknown = null;
    try {
      own();
    } catch (error) {
      ownError = error;
    }
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const pending = Atomics.load(c, PENDING);
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error('internal: wasm thread pool: a worker stopped answering');
      Atomics.wait(c, PENDING, pending, 1000);
    }
    if (ownError !== null) throw ownError;
    if (Atomics.exchange(c, FAILED, 0) !== 0)
      throw new Error('internal: wasm thread pool: a worker kernel failed');
  }
}

/** A pool for `module` on `memory` (which must be shared), or null where threads cannot block-wait. */
export function createThreadPool(module: WasmModule, memory: WasmMemory, entry: string): ThreadPool | null {
  const node = nodeProcess();
  if (!node || !(memory.buffer instanceof SharedArrayBuffer)) return null;
  let threads: WorkerThreadsModule | undefined;
  try {
    threads = node.getBuiltinModule?.('node:worker_threads') as WorkerThreadsModule | undefined;
  } catch {
    return null;
  }
  if (!threads?.Worker) return null;
  return new ThreadPool(threads, module, memory, entry);
}

/** How many threads the machine offers (Node's `availableParallelism`, or the browser's count). */
export function hardwareThreads(): number {
  const node = nodeProcess();
  try {
    const os = node?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    if (os?.availableParallelism) return os.availableParallelism();
  } catch {}
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}
