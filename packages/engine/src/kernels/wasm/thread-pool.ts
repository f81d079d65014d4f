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

import type { WasmMemory, WasmModule } from './wasm-api.js';

/** Arguments of the kernel entry point, all i32. */
export const KERNEL_ARITY = 20;
/** Argument sets one job may carry, one per chunk, when its chunks are different products. */
export const MAX_ARG_SETS = 4;

/** Control array layout (Int32 indices), shared with the worker program as JSON. */
const L = {
  /** Tag of the latest job (16 bits, never 0 after the first); workers sleep on it. */
  generation: 0,
  /** (tag << 16) | next unclaimed chunk; 0xffff in the low half when no job is open. */
  claim: 1,
  /** Chunks of the current job finished; the caller sleeps on it. */
  done: 2,
  /** Workers that have instantiated the module and wait for jobs. */
  ready: 3,
  /** Set when a kernel threw. */
  failed: 4,
  /** The job: chunk count, chunk size, length of the range cut, index of the range's start argument. */
  chunks: 5,
  chunkSize: 6,
  total: 7,
  split: 8,
  /** Bytes between consecutive participants' scratch (arguments 0 and 1 are participant 0's). */
  scratchStride: 9,
  /** Participants allowed (the caller is 0, worker w is w + 1). */
  participants: 10,
  /** Chunks run by workers since the pool started: evidence for tests that workers really helped. */
  helped: 11,
  /** 1 when each chunk has its own argument set (at `args + chunk·KERNEL_ARITY`) and no range is cut. */
  ownArgs: 12,
  args: 16,
  size: 16 + MAX_ARG_SETS * KERNEL_ARITY,
  /**
   * Milliseconds a worker spins after a job before it sleeps (not an index). A trade measured on the
   * project's 2-core machine (bench/README.md): 1–2 ms kept the MLP step's worker awake across the
   * optimizer's update (112 → 133–140 steps/s), but slowed the allocation-heavy moons epoch by up to
   * 30%, since a spinning worker takes the core V8's parallel garbage collection would use.
   */
  spinMs: 0.5,
};
const CLOSED = 0xffff;
/** A fine clock where there is one (everywhere the pool runs), typed here for a build without DOM or Node types. */
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now: () => number = clock ? () => clock.now() : Date.now;
const MAX_WORKERS = 63;
const STARTUP_TIMEOUT_MS = 10_000;
/** A job that takes this long means a worker died; fail loudly instead of hanging. */
const JOB_TIMEOUT_MS = 600_000;

/**
 * Claims and runs chunks of job `tag` until none is left. Shared verbatim by the caller and the
 * worker program (as source text), so it must use nothing but its parameters.
 *
 * A claim is a compare-and-swap on the tagged claim word, so it can only succeed while job `tag` is
 * open: the caller closes the word before it rewrites the job description, and a claim that
 * succeeded keeps the job open (its chunk is not done yet), so the description read after a claim is
 * always the claimed job's.
 */
function runChunks(
  c: Int32Array,
  kernel: (...args: number[]) => void,
  participant: number,
  layout: typeof L,
  tag: number,
): void {
  for (;;) {
    const word = Atomics.load(c, layout.claim);
    const chunk = word & 0xffff;
    if (word >>> 16 !== tag || chunk >= Atomics.load(c, layout.chunks)) return;
    if (Atomics.compareExchange(c, layout.claim, word, word + 1) !== word) continue;
    const chunks = c[layout.chunks]!;
    const args: number[] = [];
    if (c[layout.ownArgs] === 1) {
      // a product of its own, with its own scratch
      for (let i = 0; i < 20; i++) args.push(c[layout.args + chunk * 20 + i]!);
    } else {
      for (let i = 0; i < 20; i++) args.push(c[layout.args + i]!);
      const size = c[layout.chunkSize]!;
      const split = c[layout.split]!;
      args[split] = chunk * size;
      args[split + 1] = Math.min(c[layout.total]!, chunk * size + size);
      const scratch = participant * c[layout.scratchStride]!;
      args[0] += scratch;
      args[1] += scratch;
    }
    try {
      kernel(...args);
    } catch {
      Atomics.store(c, layout.failed, 1);
    }
    if (participant > 0) Atomics.add(c, layout.helped, 1);
    if (Atomics.add(c, layout.done, 1) + 1 === chunks) Atomics.notify(c, layout.done);
  }
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

/** What a worker is started with. */
interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
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
  spawn(body: string, data: WorkerData): void;
}

/**
 * The worker's program after its data has arrived: instantiate the kernel module on the shared
 * memory, report ready, then help with each job it is woken for. Plain JavaScript in a string, so a
 * worker needs no file of its own.
 */
const workerMain = `function main({ module, memory, control, index, entry }) {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports[entry];
  const c = new Int32Array(control);
  const layout = ${JSON.stringify(L)};
  const runChunks = ${runChunks.toString()};
  let seen = Atomics.load(c, layout.generation);
  Atomics.add(c, layout.ready, 1);
  Atomics.notify(c, layout.ready);
  for (;;) {
    // spin a moment before sleeping: the next product (the next layer, the next step) usually comes
    // soon, and waking a sleeping thread costs far more than this, above all in a virtual machine
    const until = performance.now() + layout.spinMs;
    while (Atomics.load(c, layout.generation) === seen && performance.now() < until);
    Atomics.wait(c, layout.generation, seen);
    seen = Atomics.load(c, layout.generation);
    if (index + 1 < Atomics.load(c, layout.participants)) runChunks(c, kernel, index + 1, layout, seen);
  }
}
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (error: unknown) => void): void;
}
interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown; name?: string }) => NodeWorker;
}

/** Node: `worker_threads` from a string, unref'd so that no worker keeps the process alive. */
function nodeSpawner(onError: () => void): Spawner | null {
  let threads: WorkerThreadsModule | undefined;
  try {
    threads = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsModule | undefined;
  } catch {
    return null;
  }
  const Worker = threads?.Worker;
  if (!Worker) return null;
  return {
    blocking: true,
    spawn: (body, data) => {
      const source = `'use strict';\n${body}main(require('node:worker_threads').workerData);\n`;
      const worker = new Worker(source, {
        eval: true,
        name: `chainrule-wasm-${data.index}`,
        workerData: data,
      });
      worker.unref();
      // heard only when the caller's event loop turns; a startup wait times out meanwhile
      worker.on('error', onError);
    },
  };
}

interface WebWorker {
  postMessage(message: unknown): void;
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
 * there). Not exercised by the Node test suite.
 */
function webSpawner(): Spawner | null {
  const scope = globalThis as WebScope;
  const { Worker, Blob, URL, WorkerGlobalScope } = scope;
  if (scope.crossOriginIsolated !== true || !Worker || !Blob || !URL || !WorkerGlobalScope) return null;
  if (!(globalThis instanceof WorkerGlobalScope)) return null;
  return {
    blocking: false,
    spawn: (body, data) => {
      const source = `'use strict';\n${body}self.onmessage = (event) => main(event.data);\n`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      new Worker(url).postMessage(data);
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

/** A set of workers sharing one module and one memory; grows on demand, never shrinks. */
export class ThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * L.size));
  private tag = 0;
  private started = 0;

  constructor(
    private readonly spawner: Spawner,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly entry: string,
  ) {
    Atomics.store(this.control, L.claim, CLOSED);
  }

  /** Workers started so far. */
  get size(): number {
    return this.started;
  }

  /** Chunks that workers (not the caller) have run so far. */
  get helped(): number {
    return Atomics.load(this.control, L.helped);
  }

  /** Marks the pool failed: the next job reports it. */
  readonly fail = (): void => {
    Atomics.store(this.control, L.failed, 1);
  };

  /**
   * Starts workers until there are `count` (at most 63); where the caller may block (Node), waits
   * until they have all instantiated the module. Returns how many workers are ready to help.
   */
  ensure(count: number): number {
    count = Math.min(count, MAX_WORKERS);
    for (; this.started < count; this.started++) {
      const data = {
        module: this.module,
        memory: this.memory,
        control: this.control.buffer,
        entry: this.entry,
      };
      this.spawner.spawn(workerMain, { ...data, index: this.started });
    }
    if (!this.spawner.blocking) return Math.min(count, Atomics.load(this.control, L.ready));
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const ready = Atomics.load(this.control, L.ready);
      if (ready >= count) return count;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`internal: wasm thread pool: only ${ready} of ${count} workers started`);
      Atomics.wait(this.control, L.ready, ready, left);
    }
  }

  /**
   * Runs `job` on the caller (participant 0, with `kernel`, its own instance's entry point) and up to
   * `job.participants - 1` workers, and returns when every chunk is done.
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
    runChunks(c, kernel, 0, L, this.tag);
    // the workers' last chunks usually end within moments: spin first, as they do, then sleep
    const until = now() + L.spinMs;
    while (Atomics.load(c, L.done) !== chunks && now() < until);
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(c, L.done);
      if (done === chunks) break;
      if (Date.now() > deadline) throw new Error('internal: wasm thread pool: a worker stopped answering');
      Atomics.wait(c, L.done, done, 1000);
    }
    Atomics.store(c, L.claim, (this.tag << 16) | CLOSED);
    if (Atomics.exchange(c, L.failed, 0) !== 0)
      throw new Error('internal: wasm thread pool: a kernel failed');
  }
}

/** A pool for `module` on `memory` (which must be shared), or null where a caller cannot wait for helpers. */
export function createThreadPool(module: WasmModule, memory: WasmMemory, entry: string): ThreadPool | null {
  if (!(memory.buffer instanceof SharedArrayBuffer)) return null;
  let pool: ThreadPool | null = null;
  const spawner = nodeSpawner(() => pool?.fail()) ?? webSpawner();
  if (spawner) pool = new ThreadPool(spawner, module, memory, entry);
  return pool;
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
