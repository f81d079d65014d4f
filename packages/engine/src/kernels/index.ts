// The kernel registry: which backend the tensor ops call, and how many threads a backend may use.

import type { Kernels } from './backend.js';
import { tsKernels } from './ts-kernels.js';
import {
  createWasmKernels,
  setNumThreads as setWasmThreads,
  getNumThreads as wasmThreads,
} from './wasm/index.js';

/** The kernel backends chainrule knows. */
export type BackendName = 'ts' | 'wasm';

const backends = new Map<string, Kernels>([['ts', tsKernels]]);
// WebAssembly SIMD where it exists (matmul there, everything else the TS loops), else TS alone
const wasmKernels = createWasmKernels(tsKernels);
if (wasmKernels) backends.set('wasm', wasmKernels);
// CHAINRULE_BACKEND=ts|wasm chooses at start-up; an unavailable choice falls back to the default
const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  ?.CHAINRULE_BACKEND;
let current: Kernels = backends.get(fromEnv ?? '') ?? wasmKernels ?? tsKernels;

/** @internal The active kernels. */
export function kernels(): Kernels {
  return current;
}

/**
 * @internal Makes a backend available to `setBackend`. Its kernels keep the `Kernels` contract, and
 * one part of it is easy to miss: where a kernel's comment says an output may arrive with any
 * contents (not zeroed), the kernel writes every element of it and never adds into what is there.
 */
export function registerBackend(k: Kernels): void {
  backends.set(k.name, k);
}

/**
 * Chooses the kernel backend for tensor operations. Results never differ beyond floating-point rounding.
 *
 * @example
 * ```ts
 * setBackend('ts');
 * getBackend(); // 'ts'
 * ```
 */
export function setBackend(name: BackendName): void {
  const k = backends.get(name);
  if (k === undefined) {
    throw new RangeError(
      `setBackend: unknown or unavailable backend '${String(name)}' (available: ${[...backends.keys()].join(', ')})`,
    );
  }
  current = k;
}

/**
 * The name of the active kernel backend.
 *
 * @example
 * ```ts
 * getBackend(); // 'wasm' where WebAssembly SIMD exists (the default), else 'ts'
 * ```
 */
export function getBackend(): BackendName {
  return current.name as BackendName;
}

/**
 * How many threads (counting the caller) a kernel backend may use for one large operation: the last
 * `setNumThreads`, else the CHAINRULE_THREADS environment variable, else the machine's parallelism
 * (at most 8); never more than the machine runs at once (a larger count is clamped). The `ts`
 * backend always runs on the calling thread; `wasm` splits large matrix products among this many.
 *
 * @example
 * ```ts
 * setNumThreads(1);
 * getNumThreads(); // 1
 * ```
 */
export function getNumThreads(): number {
  return wasmThreads();
}

/**
 * Sets how many threads (counting the caller) a kernel backend may use for one large operation; 1
 * keeps everything on the calling thread. Overrides the CHAINRULE_THREADS environment variable.
 * Results never depend on it beyond floating-point rounding. Where threads are unavailable (a
 * browser's main thread, a page without cross-origin isolation) the kernels use one thread whatever
 * this says.
 *
 * A count above what the machine runs at once (Node's `os.availableParallelism()`, a browser's
 * `navigator.hardwareConcurrency`) is clamped to it, as is CHAINRULE_THREADS: more threads than
 * cores only take turns on them, and each idle worker still holds its memory (about 13 MB in
 * Node). `getNumThreads()` reports the count in use. A count that is not an integer from 1 to 64 is
 * refused with a RangeError.
 *
 * @example
 * ```ts
 * setNumThreads(2); // the calling thread and one worker (one thread on a one-core machine)
 * setNumThreads(64); // clamped: on a 2-core machine, getNumThreads() is 2
 * getNumThreads() <= 64; // true
 * ```
 */
export function setNumThreads(count: number): void {
  setWasmThreads(count);
}
