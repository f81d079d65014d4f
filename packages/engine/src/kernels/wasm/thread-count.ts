// How many threads the WebAssembly kernels use: setNumThreads, the CHAINRULE_THREADS variable, or the
// machine, never more than the machine runs at once.

import { describeNumber } from '../../errors.js';
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
 * (Node's `os.availableParallelism()`, a browser's `navigator.hardwareConcurrency`). The public
 * `getNumThreads` (kernels/index.ts) documents it for users.
 *
 * @internal
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
 * Sets the thread count for large products; a count above the machine's is clamped when read,
 * one outside 1 to 64 refused. The public `setNumThreads` (kernels/index.ts) documents it for users.
 *
 * @internal
 */
export function setNumThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
    throw new RangeError(
      `setNumThreads: expected an integer from 1 to ${MAX_THREADS}, got ${describeNumber(count)}`,
    );
  }
  requestedThreads = count;
}
