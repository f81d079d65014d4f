// What the thread pool's threads run: the shared control array's layout, the chunk loop that the
// caller and the workers share, and the workers' and the supervisor's programs as source text (a
// worker needs no file of its own, so bundles and tests load the engine alone).

/** Arguments of the kernel entry point, all i32. */
export const KERNEL_ARITY = 20;
/** Argument sets one job may carry, one per chunk, when its chunks are different products. */
export const MAX_ARG_SETS = 4;
/** Workers a pool may have: one per participant after the caller, each with a state and a busy word. */
export const MAX_WORKERS = 63;

/** Control array layout (Int32 indices), shared with the worker program as JSON. */
export const L = {
  /** Tag of the latest job (16 bits, never 0 after the first); workers sleep on it. */
  generation: 0,
  /** (tag << 16) | next unclaimed chunk; 0xffff in the low half when no job is open. */
  claim: 1,
  /** Chunks of the current job finished; the caller sleeps on it. */
  done: 2,
  /** Bumped whenever a worker's state changes; a caller waiting for workers to start sleeps on it. */
  changes: 3,
  /** What went wrong in the current job: 0 nothing, FAULT_KERNEL or FAULT_WORKER; its text is in the text array. */
  fault: 4,
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
  /** Worker w's state (STARTING, READY or DEAD) at `state + w`. */
  state: 16 + MAX_ARG_SETS * KERNEL_ARITY,
  /** 1 at `busy + p` while participant p claims or runs a chunk: the caller waits for these after a fault. */
  busy: 16 + MAX_ARG_SETS * KERNEL_ARITY + MAX_WORKERS,
  size: 16 + MAX_ARG_SETS * KERNEL_ARITY + 2 * MAX_WORKERS + 1,
  /**
   * Milliseconds a worker spins after a job before it sleeps (not an index). A trade measured on the
   * project's 2-core machine (bench/README.md): 1–2 ms kept the MLP step's worker awake across the
   * optimizer's update (112 → 133–140 steps/s), but slowed the allocation-heavy moons epoch by up to
   * 30%, since a spinning worker takes the core V8's parallel garbage collection would use.
   */
  spinMs: 0.5,
  /** UTF-16 code units of a fault's text kept (not an index); the text array holds its length first. */
  textLength: 1024,
};
/** Worker states. */
export const STARTING = 1;
export const READY = 2;
export const DEAD = 3;
/** Faults: a kernel threw (a WebAssembly trap), or a worker stopped while it held a chunk. */
export const FAULT_KERNEL = 1;
export const FAULT_WORKER = 2;

/**
 * Records the first fault of a job and wakes the caller; later faults of the same job are dropped.
 * The text is the error's name and message on two lines. Shared as source text, so it uses nothing
 * but its parameters.
 */
export function report(c: Int32Array, text: Uint16Array, layout: typeof L, kind: number, what: string): void {
  if (Atomics.compareExchange(c, layout.fault, 0, kind) !== 0) return;
  const length = Math.min(what.length, layout.textLength);
  for (let i = 0; i < length; i++) text[i + 1] = what.charCodeAt(i);
  Atomics.store(text, 0, length);
  Atomics.notify(c, layout.done);
}

/**
 * Claims and runs chunks of job `tag` until none is left or the job has a fault. Shared verbatim by
 * the caller and the worker program (as source text), so it must use nothing but its parameters.
 *
 * A claim is a compare-and-swap on the tagged claim word, so it can only succeed while job `tag` is
 * open: the caller closes the word before it rewrites the job description, and a claim that
 * succeeded keeps the job open (its chunk is not done yet), so the description read after a claim is
 * always the claimed job's. The busy word is raised before the claim and lowered after the chunk, so
 * a caller that closes the claim word and then sees every live participant's busy word down knows
 * that nobody still reads the old job.
 */
export function runChunks(
  c: Int32Array,
  text: Uint16Array,
  kernel: (...args: number[]) => void,
  participant: number,
  layout: typeof L,
  tag: number,
  record: typeof report,
): void {
  for (;;) {
    Atomics.store(c, layout.busy + participant, 1);
    const word = Atomics.load(c, layout.claim);
    const chunk = word & 0xffff;
    const over = word >>> 16 !== tag || chunk >= Atomics.load(c, layout.chunks);
    if (over || Atomics.load(c, layout.fault) !== 0) {
      Atomics.store(c, layout.busy + participant, 0);
      return;
    }
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
    } catch (error) {
      const e = error as { name?: unknown; message?: unknown };
      // 1: FAULT_KERNEL (this function is source text, and sees no constant outside it)
      record(c, text, layout, 1, `${String(e?.name ?? 'Error')}\n${String(e?.message ?? error)}`);
    }
    Atomics.store(c, layout.busy + participant, 0);
    if (participant > 0) Atomics.add(c, layout.helped, 1);
    if (Atomics.add(c, layout.done, 1) + 1 === chunks) Atomics.notify(c, layout.done);
  }
}

/**
 * The worker's program after its data has arrived: instantiate the kernel module on the shared
 * memory, report ready, then help with each job it is woken for.
 */
export const workerMain = `function main({ module, memory, control, text: textBuffer, index, entry }) {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports[entry];
  const c = new Int32Array(control);
  const text = new Uint16Array(textBuffer);
  const layout = ${JSON.stringify(L)};
  const report = ${report.toString()};
  const runChunks = ${runChunks.toString()};
  let seen = Atomics.load(c, layout.generation);
  Atomics.store(c, layout.state + index, ${READY});
  Atomics.add(c, layout.changes, 1);
  Atomics.notify(c, layout.changes);
  for (;;) {
    // spin a moment before sleeping: the next product (the next layer, the next step) usually comes
    // soon, and waking a sleeping thread costs far more than this, above all in a virtual machine
    const until = performance.now() + layout.spinMs;
    while (Atomics.load(c, layout.generation) === seen && performance.now() < until);
    Atomics.wait(c, layout.generation, seen);
    seen = Atomics.load(c, layout.generation);
    if (index + 1 < Atomics.load(c, layout.participants)) {
      runChunks(c, text, kernel, index + 1, layout, seen, report);
    }
  }
}
`;

/**
 * Node's supervisor: a thread that starts the kernel workers and hears when one stops. The caller
 * cannot: it sleeps in Atomics.wait during a job, and a worker's 'exit' and 'error' events are
 * delivered on the event loop of the thread that started it, which here never sleeps for long. A
 * worker that stops while it holds a chunk is a fault of the job, written where the caller looks; one
 * that stops between jobs is only marked dead, and the caller starts another in its place.
 */
export const supervisorMain = `'use strict';
const { Worker, parentPort, workerData } = require('node:worker_threads');
const { control, text: textBuffer, source } = workerData;
const c = new Int32Array(control);
const text = new Uint16Array(textBuffer);
const layout = ${JSON.stringify(L)};
const report = ${report.toString()};
const workers = [];
function stopped(index, worker, why) {
  if (workers[index] !== worker || Atomics.load(c, layout.state + index) === ${DEAD}) return;
  if (Atomics.load(c, layout.busy + index + 1) === 1) {
    report(c, text, layout, ${FAULT_WORKER}, 'Error\\nwasm thread pool: worker ' + index + ' stopped during a job: ' + why);
  }
  Atomics.store(c, layout.state + index, ${DEAD});
  Atomics.add(c, layout.changes, 1);
  Atomics.notify(c, layout.changes);
}
parentPort.on('message', (message) => {
  if (message.spawn) {
    const { index } = message.spawn;
    const worker = new Worker(source, { eval: true, name: 'chainrule-wasm-' + index, workerData: message.spawn });
    workers[index] = worker;
    worker.on('error', (error) => stopped(index, worker, String(error && error.message || error)));
    worker.on('exit', (code) => stopped(index, worker, 'exit code ' + code));
  } else if (message.stop) {
    const { index, afterMs } = message.stop;
    setTimeout(() => workers[index] && workers[index].terminate(), afterMs);
  }
});
`;
