// How many threads the WebAssembly kernels use: setNumThreads, the CHAINRULE_THREADS variable, or the
// machine, never more than the machine runs at once.

import { hardwareThreads, nodeProcess } from './thread-pool.js';

/** The most threads a count may name at all (the pool's 63 workers and the caller). */
const MAX_THREADS = 64;

let requestedThreads: number | null = null;
let envThreads: number | undefined;
let machine: number | undefined;

/** Threads the machine runs at once, read once (it does not change under a running process). */
function machineThreads(): number {
  if (machine === undefined) machine = Math.max(1, Math.min(hardwareThreads(), MAX_THREADS));
  return machine;
}

/**
 * How many threads (counting the caller) large products use: what `setNumThreads` asked for, else
 * CHAINRULE_THREADS, else the machine's count up to 8; never more than the machine runs at once
 * (Node's `os.availableParallelism()`, a browser's `navigator.hardwareConcurrency`).
 *
 * @example
 * ```ts
 * getNumThreads() >= 1; // true
 * ```
 */
export function getNumThreads(): number {
  if (requestedThreads !== null) return Math.min(requestedThreads, machineThreads());
  if (envThreads === undefined) {
    // read once: the environment is slow to query and does not change under a running process
    const fromEnv = Number.parseInt(nodeProcess()?.env?.CHAINRULE_THREADS ?? '', 10);
    envThreads = Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : Math.min(machineThreads(), 8);
  }
  return Math.min(envThreads, machineThreads());
}

/**
 * Sets how many threads (counting the caller) the WebAssembly kernels may use for one large product;
 * 1 keeps everything on the calling thread. Overrides the CHAINRULE_THREADS environment variable.
 *
 * A count above what the machine runs at once (Node's `os.availableParallelism()`, a browser's
 * `navigator.hardwareConcurrency`) is clamped to it: more threads than cores only take turns on
 * them, and each idle worker still holds its memory (about 13 MB in Node). `getNumThreads()` then
 * reports the count in use. Counts that are not integers from 1 to 64 are refused. Where threads are
 * unavailable (a browser's main thread, a page without cross-origin isolation) the kernels use one
 * thread whatever this says. No result depends on the count.
 *
 * @example
 * ```ts
 * setNumThreads(1); // everything on the calling thread
 * getNumThreads(); // 1
 * setNumThreads(64); // on a 2-core machine: the caller and one worker
 * getNumThreads() <= 64; // true
 * ```
 */
export function setNumThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
    throw new RangeError(`setNumThreads: expected an integer from 1 to ${MAX_THREADS}, got ${count}`);
  }
  requestedThreads = count;
}
