// Worker threads that run a WebAssembly kernel on a shared memory while the calling thread waits.
//
// The engine's API is synchronous, so a threaded product blocks its caller. The caller describes the
// job in a shared control array (the kernel's arguments and how to cut one range of them into
// chunks), wakes as many workers as it wants helping, and then claims chunks itself like any worker;
// each chunk is claimed with one compare-and-swap, so a worker that the operating system wakes late
// finds the chunks already done instead of holding everyone up. The caller sleeps in Atomics.wait
// only for chunks a worker is still computing. Only Node allows Atomics.wait on the main thread and
// starts a worker from a string synchronously enough to wait for it, so the pool exists in Node
// (reached through `process.getBuiltinModule`, so nothing is imported from Node and bundles stay
// browser-safe); elsewhere `createThreadPool` returns null and the kernels use one thread.
//
// Faults surface at once. A kernel that throws (a WebAssembly trap) records its error's name and
// message in shared memory, and the caller throws an error with that message as soon as the chunks
// in flight are done. In Node a supervisor thread starts the workers and hears when one stops; a
// worker that stops while holding a chunk is a fault of the job, which the caller sees within its
// next wait slice (WAIT_SLICE_MS). Either way the pool stays usable: a dead worker is replaced on the
// next job that wants it, and since no result depends on the thread count, a job that runs with
// fewer helpers gives the same numbers.

import {
  DEAD,
  FAULT_KERNEL,
  KERNEL_ARITY,
  L,
  MAX_ARG_SETS,
  MAX_WORKERS,
  READY,
  report,
  runChunks,
  STARTING,
  supervisorMain,
  workerMain,
} from './pool-program.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

export { KERNEL_ARITY, MAX_ARG_SETS } from './pool-program.js';

const CLOSED = 0xffff;
/** A fine clock where there is one (everywhere the pool runs), typed here for a build without DOM or Node types. */
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now: () => number = clock ? () => clock.now() : Date.now;
const STARTUP_TIMEOUT_MS = 10_000;
/**
 * The longest the caller sleeps at once while workers finish a job: a fault written while it slept
 * is seen within this. A notify wakes it at once; the slice only bounds a wake-up that raced it.
 */
const WAIT_SLICE_MS = 50;
/**
 * Where no supervisor hears a worker die (browsers), a job this long means one did: fail loudly
 * instead of hanging. In Node a death is a fault at once, and a long product may take its time.
 */
const UNSUPERVISED_JOB_TIMEOUT_MS = 600_000;

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
}

/** Node's `process`, when there is one. */
export function nodeProcess(): NodeProcess | undefined {
  const scope = globalThis as { process?: NodeProcess };
  return typeof scope.process?.getBuiltinModule === 'function' ? scope.process : undefined;
}

/** What a worker is started with. */
interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
  text: SharedArrayBuffer;
  index: number;
  entry: string;
}

/**
 * How workers are started here. `blocking`: whether the caller may sleep until a new worker is
 * ready (Node); a browser worker starts only after its parent returns to its event loop, so there
 * the pool uses workers once they have shown up, and the caller works alone until then.
 */
interface Spawner {
  readonly blocking: boolean;
  /** Whether a worker's death is reported as a fault of the job it was running. */
  readonly supervised: boolean;
  spawn(data: WorkerData): void;
  /** Stops worker `index` after `afterMs`, as a crash would (tests); absent where it cannot. */
  stop?(index: number, afterMs: number): void;
  /** Stops every worker (the pool is dropped). */
  close(): void;
}

interface NodeWorker {
  unref(): void;
  terminate(): unknown;
  postMessage(message: unknown): void;
}
interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown; name?: string }) => NodeWorker;
}

/**
 * Node: `worker_threads` from a string. One supervisor thread starts the kernel workers, so that a
 * worker's death is heard while the caller sleeps in Atomics.wait (pool-program.ts); it is unref'd,
 * so that neither it nor its workers keep the process alive.
 */
function nodeSpawner(control: SharedArrayBuffer, text: SharedArrayBuffer): Spawner | null {
  let threads: WorkerThreadsModule | undefined;
  try {
    threads = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsModule | undefined;
  } catch {
    return null;
  }
  const Worker = threads?.Worker;
  if (!Worker) return null;
  let supervisor: NodeWorker | null = null;
  const source = `'use strict';\n${workerMain}main(require('node:worker_threads').workerData);\n`;
  const post = (message: unknown) => {
    if (!supervisor) {
      supervisor = new Worker(supervisorMain, {
        eval: true,
        name: 'chainrule-wasm-supervisor',
        workerData: { control, text, source },
      });
      supervisor.unref();
    }
    supervisor.postMessage(message);
  };
  return {
    blocking: true,
    supervised: true,
    spawn: (data) => post({ spawn: data }),
    stop: (index, afterMs) => post({ stop: { index, afterMs } }),
    close: () => {
      supervisor?.terminate();
      supervisor = null;
    },
  };
}

interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}
interface WebScope {
  crossOriginIsolated?: boolean;
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
  WorkerGlobalScope?: abstract new () => unknown;
}

/**
 * Browsers: Web Workers from a Blob URL, only inside a worker of a cross-origin-isolated page (the
 * main thread of a page may not Atomics.wait, so a synchronous product cannot wait for helpers
 * there). A trap keeps its message here too; a worker's death is not detected (the browser reports
 * it on an event loop that the waiting caller does not turn). Not exercised by the Node test suite.
 */
function webSpawner(): Spawner | null {
  const scope = globalThis as WebScope;
  const { Worker, Blob, URL, WorkerGlobalScope } = scope;
  if (scope.crossOriginIsolated !== true || !Worker || !Blob || !URL || !WorkerGlobalScope) return null;
  if (!(globalThis instanceof WorkerGlobalScope)) return null;
  const started: WebWorker[] = [];
  return {
    blocking: false,
    supervised: false,
    spawn: (data) => {
      const source = `'use strict';\n${workerMain}self.onmessage = (event) => main(event.data);\n`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      worker.postMessage(data);
      started.push(worker);
    },
    close: () => {
      for (const worker of started.splice(0)) worker.terminate();
    },
  };
}

/** One job: the kernel's arguments, with one argument range cut into chunks. */
export interface PoolJob {
  /** The kernel's arguments for participant 0 (the caller); the range arguments are overwritten per chunk. */
  readonly args: readonly number[];
  /** Index of the range's start argument; the next argument is its end. */
  readonly split: number;
  /** Length of the range, and the chunk size it is cut by. */
  readonly total: number;
  readonly chunkSize: number;
  /** Participants, the caller included; at most `size + 1`. */
  readonly participants: number;
  /** Bytes added to arguments 0 and 1 (scratch pointers) per participant. */
  readonly scratchStride: number;
}

/** A set of workers sharing one module and one memory; grows on demand, replaces a worker that died. */
export class ThreadPool {
  private tag = 0;
  private started = 0;

  constructor(
    private readonly spawner: Spawner,
    private readonly control: Int32Array,
    private readonly text: Uint16Array,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly entry: string,
  ) {
    Atomics.store(this.control, L.claim, CLOSED);
  }

  /** Workers started so far, less those that died and were not replaced. */
  get size(): number {
    let alive = 0;
    for (let w = 0; w < this.started; w++) if (Atomics.load(this.control, L.state + w) !== DEAD) alive++;
    return alive;
  }

  /** Chunks that workers (not the caller) have run so far. */
  get helped(): number {
    return Atomics.load(this.control, L.helped);
  }

  /**
   * Starts workers until there are `count` (at most 63), replacing any that died; where the caller
   * may block (Node), waits until they have all instantiated the module. Returns how many workers are
   * ready to help.
   */
  ensure(count: number): number {
    const c = this.control;
    count = Math.min(count, MAX_WORKERS);
    for (let w = 0; w < count; w++) {
      const state = Atomics.load(c, L.state + w);
      if (w < this.started && state !== DEAD) continue;
      Atomics.store(c, L.state + w, STARTING);
      Atomics.store(c, L.busy + w + 1, 0);
      const data = { module: this.module, memory: this.memory, entry: this.entry };
      this.spawner.spawn({
        ...data,
        control: c.buffer as SharedArrayBuffer,
        text: this.text.buffer as SharedArrayBuffer,
        index: w,
      });
    }
    this.started = Math.max(this.started, count);
    const ready = (): number => {
      let n = 0;
      while (n < count && Atomics.load(c, L.state + n) === READY) n++;
      return n;
    };
    if (!this.spawner.blocking) return ready();
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const changes = Atomics.load(c, L.changes);
      const n = ready();
      if (n >= count) return count;
      const dead = Atomics.load(c, L.state + n) === DEAD;
      const left = deadline - Date.now();
      if (dead || left <= 0) {
        throw new Error(`internal: wasm thread pool: only ${n} of ${count} workers started`);
      }
      Atomics.wait(c, L.changes, changes, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /**
   * For tests: stops worker `index` after `afterMs` milliseconds, from outside, as a crash would.
   * False where the pool cannot (browsers).
   */
  stopWorker(index: number, afterMs: number): boolean {
    if (!this.spawner.stop) return false;
    this.spawner.stop(index, afterMs);
    return true;
  }

  /** Stops every worker; the pool must not be used afterwards. */
  close(): void {
    this.spawner.close();
  }

  /**
   * Runs `job` on the caller (participant 0, with `kernel`, its own instance's entry point) and up to
   * `job.participants - 1` workers, and returns when every chunk is done; throws the first fault.
   */
  run(job: PoolJob, kernel: (...args: number[]) => void): void {
    const c = this.control;
    if (job.participants - 1 > this.started) {
      throw new Error(
        `internal: wasm thread pool: ${job.participants} participants, ${this.started} workers`,
      );
    }
    const chunks = Math.ceil(job.total / job.chunkSize);
    if (chunks >= CLOSED) throw new Error(`internal: wasm thread pool: ${chunks} chunks`);
    for (let i = 0; i < KERNEL_ARITY; i++) c[L.args + i] = job.args[i]! | 0;
    c[L.chunkSize] = job.chunkSize;
    c[L.total] = job.total;
    c[L.split] = job.split;
    c[L.scratchStride] = job.scratchStride;
    c[L.participants] = job.participants;
    c[L.ownArgs] = 0;
    this.start(chunks, kernel);
  }

  /**
   * Runs several different products at once, one chunk each (their arguments complete, scratch
   * included), on the caller and up to `participants - 1` workers; returns when all are done.
   */
  runEach(
    argSets: readonly (readonly number[])[],
    participants: number,
    kernel: (...args: number[]) => void,
  ): void {
    const c = this.control;
    if (participants - 1 > this.started || argSets.length > MAX_ARG_SETS) {
      throw new Error(
        `internal: wasm thread pool: ${argSets.length} products on ${participants} participants`,
      );
    }
    argSets.forEach((args, chunk) => {
      for (let i = 0; i < KERNEL_ARITY; i++) c[L.args + chunk * KERNEL_ARITY + i] = args[i]! | 0;
    });
    c[L.participants] = participants;
    c[L.ownArgs] = 1;
    this.start(argSets.length, kernel);
  }

  /** Opens the job described in the control array, takes part in it, and waits for its last chunk. */
  private start(chunks: number, kernel: (...args: number[]) => void): void {
    const c = this.control;
    c[L.chunks] = chunks;
    Atomics.store(c, L.done, 0);
    this.tag = (this.tag % 0xfffe) + 1;
    Atomics.store(c, L.claim, (this.tag << 16) | 0);
    Atomics.store(c, L.generation, this.tag);
    // all sleepers: which ones a counted notify wakes is unspecified, and only some may take part
    Atomics.notify(c, L.generation);
    runChunks(c, this.text, kernel, 0, L, this.tag, report);
    // the workers' last chunks usually end within moments: spin first, as they do, then sleep
    const until = now() + L.spinMs;
    while (Atomics.load(c, L.done) !== chunks && now() < until);
    const deadline = this.spawner.supervised ? Number.POSITIVE_INFINITY : now() + UNSUPERVISED_JOB_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(c, L.done);
      if (done === chunks || Atomics.load(c, L.fault) !== 0) break;
      if (now() > deadline) throw new Error('internal: wasm thread pool: a worker stopped answering');
      Atomics.wait(c, L.done, done, WAIT_SLICE_MS);
    }
    Atomics.store(c, L.claim, (this.tag << 16) | CLOSED);
    if (Atomics.load(c, L.fault) !== 0) this.fault();
  }

  /**
   * After a fault: waits until no live worker still runs a chunk of the job (the claim word is
   * closed, so none can take another), then clears the fault and throws it: a kernel's error with its
   * own name and message, or the supervisor's account of a worker that stopped.
   */
  private fault(): never {
    const c = this.control;
    for (let w = 0; w < this.started; w++) {
      while (Atomics.load(c, L.busy + w + 1) === 1 && Atomics.load(c, L.state + w) !== DEAD) {
        Atomics.wait(c, L.done, Atomics.load(c, L.done), 1);
      }
    }
    const kind = Atomics.load(c, L.fault);
    const length = Atomics.load(this.text, 0);
    const [name = 'Error', message = ''] = String.fromCharCode(...this.text.subarray(1, 1 + length)).split(
      '\n',
    );
    Atomics.store(c, L.fault, 0);
    const WasmRuntimeError = (globalThis as unknown as { WebAssembly?: { RuntimeError?: ErrorConstructor } })
      .WebAssembly?.RuntimeError;
    const Kind =
      kind === FAULT_KERNEL && name === 'RuntimeError' && WasmRuntimeError ? WasmRuntimeError : Error;
    throw new Kind(message);
  }
}

/** A pool for `module` on `memory` (which must be shared), or null where a caller cannot wait for helpers. */
export function createThreadPool(module: WasmModule, memory: WasmMemory, entry: string): ThreadPool | null {
  if (!(memory.buffer instanceof SharedArrayBuffer)) return null;
  const control = new Int32Array(new SharedArrayBuffer(4 * L.size));
  const text = new Uint16Array(new SharedArrayBuffer(2 * (L.textLength + 1)));
  const spawner =
    nodeSpawner(control.buffer as SharedArrayBuffer, text.buffer as SharedArrayBuffer) ?? webSpawner();
  return spawner ? new ThreadPool(spawner, control, text, module, memory, entry) : null;
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
