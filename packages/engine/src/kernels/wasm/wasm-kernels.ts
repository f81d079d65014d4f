// The 'wasm' kernel backend: matmul in WebAssembly SIMD, on one thread or a pool sharing its memory
// (matmul-instance.ts, matmul-fused.ts), and the common elementwise kernels and reductions in
// WebAssembly SIMD on the calling thread (wasm-elementwise.ts, wasm-reduce.ts).
//
// Memory is given back after large operations. A WebAssembly memory never shrinks, so the memory
// kept between calls grows only to LARGE_BYTES (a training step's operands take a few MB); a call
// that needs more runs on a temporary instance with a memory (and threads) of its own, dropped when
// the call returns. The temporary instance runs the same code with the same thresholds and thread
// count, so where an operation's memory lives never changes its numbers.

import { defineKernels, type Kernels } from '../backend.js';
import { linearBackwardWith } from '../ts-matmul.js';
import { hasSharedMemory, hasSimd } from './features.js';
import { matmulWasm } from './generated/matmul-wasm.js';
import { fusedLinearBackward, matmulPair } from './matmul-fused.js';
import {
  MAX_PAGES,
  MatmulInstance,
  type MatmulSettings,
  PAGE,
  RESIDENT_BYTES,
  roundUp,
  THREAD_MIN_FLOPS,
  TooLarge,
  WASM_MIN_FLOPS,
} from './matmul-instance.js';
import { ResidentCopies } from './resident.js';
import { KERNEL_ARITY } from './thread-pool.js';
import { decodeBase64, type WasmApi, type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';
import { LARGE_BYTES } from './wasm-arena.js';
import { createWasmElementwise } from './wasm-elementwise.js';

if (KERNEL_ARITY !== 20) throw new Error('internal: wasm matmul takes 20 arguments');

let compiled: { api: WasmApi; module: WasmModule; shared: boolean } | null | undefined;

function compile(): typeof compiled {
  const api = wasmApi();
  if (!api || !hasSimd()) return null;
  const shared = hasSharedMemory();
  const name = shared ? 'simdShared' : 'simd';
  // synchronous compilation: the module is about 2 KiB, under the 4 KiB browsers allow on the main thread
  return { api, module: new api.Module(decodeBase64(matmulWasm[name])), shared };
}

/** Facts about a 'wasm' kernels object, for tests and benchmarks. */
export interface WasmKernelInfo {
  /** Memory shared, so worker threads are possible. */
  readonly shared: boolean;
  /** The elementwise kernels and reductions (unary, binary, sumTo, sumAxis, maxAxis) run in WebAssembly too. */
  readonly elementwise: boolean;
  /** Worker threads started so far (0 until a product large enough needs them). */
  readonly workers: number;
  /** Chunks of threaded products that workers (not the calling thread) ran so far. */
  readonly workerChunks: number;
  /** Operands a fused dense layer's backward pass read where earlier kernels left them, not copied in. */
  readonly residentHits: number;
  /**
   * Bytes of WebAssembly memory kept by the matmul and elementwise kernels: each memory grows to the
   * largest operands seen up to `largeBytes`, is reused by every later call, and never shrinks.
   */
  readonly memoryBytes: number;
  /** Matrix products (or fused layer steps) that ran in a temporary memory, released after them. */
  readonly largeOperations: number;
}

/** Thresholds of `createWasmKernels`; tests set them to 0 to send every product through WASM and threads. */
export interface WasmKernelOptions {
  /** Products below this many multiply-adds stay on the base kernel. Default `WASM_MIN_FLOPS`. */
  minFlops?: number;
  /** Multiply-adds each thread must have before another is woken. Default `THREAD_MIN_FLOPS`. */
  threadMinFlops?: number;
  /** Elementwise arrays below this many elements stay on the base kernels. Default `WASM_MIN_ELEMENTS`. */
  minElements?: number;
  /** Bytes kept for resident copies; 0 copies every operand in. Default `RESIDENT_BYTES`. */
  residentBytes?: number;
  /** Bytes of memory kept between calls, past which a call runs in a temporary memory. Default `LARGE_BYTES`. */
  largeBytes?: number;
}

/** The 'wasm' backend: `Kernels` plus what it found at start-up. */
export type WasmKernels = Kernels & { readonly wasm: WasmKernelInfo };

/**
 * The 'wasm' backend built on `base`: matmul runs in WebAssembly SIMD (products below
 * `WASM_MIN_FLOPS` stay on `base.matmul`), and so do the elementwise kernels the module covers on
 * arrays of `WASM_MIN_ELEMENTS` or more; every other kernel is `base`'s. Null where WebAssembly
 * SIMD is unavailable. Each call makes an independent instance with its own memory (grown as
 * products require up to `LARGE_BYTES`, reused across calls) and, on first need, its own worker
 * pool; a product that needs more memory runs on a temporary instance, released after it.
 */
export function createWasmKernels(base: Kernels, options: WasmKernelOptions = {}): WasmKernels | null {
  if (compiled === undefined) compiled = compile();
  const found = compiled;
  if (!found) return null;
  const { api, module, shared } = found;
  const made = newMemory(api, shared);
  if (!made) return null;
  const settings: MatmulSettings = {
    api,
    module,
    base,
    minFlops: options.minFlops ?? WASM_MIN_FLOPS,
    threadMinFlops: Math.max(1, options.threadMinFlops ?? THREAD_MIN_FLOPS),
    largeBytes: options.largeBytes ?? LARGE_BYTES,
  };
  const resident = new ResidentCopies(roundUp(Math.max(0, options.residentBytes ?? RESIDENT_BYTES), PAGE));
  const state = new MatmulInstance(settings, made.memory, made.maxPages, resident);
  let largeOperations = 0;
  /** `body` on the kept instance, or, when that would grow its memory past the limit, on a temporary one. */
  const sized = <T>(body: (instance: MatmulInstance) => T): T => {
    try {
      return body(state);
    } catch (error) {
      if (!(error instanceof TooLarge)) throw error;
    }
    const own = newMemory(api, shared);
    const limitless = { ...settings, largeBytes: Number.POSITIVE_INFINITY };
    // where the system refuses even that, the kept instance grows after all (or falls back, as it would)
    const instance = new MatmulInstance(
      limitless,
      own?.memory ?? made.memory,
      own?.maxPages ?? 0,
      new ResidentCopies(0),
    );
    if (!own) return body(instance);
    largeOperations++;
    try {
      return body(instance);
    } finally {
      instance.close();
    }
  };
  const elementwise = createWasmElementwise(api, base, options.minElements, settings.largeBytes);
  const kernels: WasmKernels = defineKernels({
    name: 'wasm',
    wasm: {
      shared,
      elementwise: elementwise !== null,
      get workers() {
        return state.workers;
      },
      get workerChunks() {
        return state.workerChunks;
      },
      get residentHits() {
        return resident.hits;
      },
      get memoryBytes() {
        return state.memoryBytes + (elementwise?.memoryBytes ?? 0);
      },
      get largeOperations() {
        return largeOperations;
      },
    },
    matmul: (...args) => sized((s) => s.matmul(...args)),
    linear: (...args) => sized((s) => s.linear(...args)),
    linearBackward: (...args) => {
      if (!sized((s) => fusedLinearBackward(s, ...args))) linearBackwardWith(kernels, ...args);
    },
    matmulPair: (first, second) => sized((s) => matmulPair(s, first, second)),
    // in WebAssembly where the module has them, else the base backend's
    unary: elementwise?.unary ?? base.unary,
    binary: elementwise?.binary ?? base.binary,
    sumTo: elementwise?.sumTo ?? base.sumTo,
    sumAxis: elementwise?.sumAxis ?? base.sumAxis,
    maxAxis: elementwise?.maxAxis ?? base.maxAxis,
    // no WebAssembly code: the base backend's kernels, named one by one so that a kernel added to
    // the interface must be placed here too
    broadcastTo: base.broadcastTo,
    where: base.where,
    cumsum: base.cumsum,
    prodAxis: base.prodAxis,
    argmaxAxis: base.argmaxAxis,
    permute: base.permute,
    gather: base.gather,
    scatterAdd: base.scatterAdd,
    concat: base.concat,
    slice: base.slice,
    unslice: base.unslice,
    fill: base.fill,
    arange: base.arange,
    fillDiagonal: base.fillDiagonal,
    generate: base.generate,
    map: base.map,
    findIndex: base.findIndex,
    findOutside: base.findOutside,
    findNaN: base.findNaN,
    toIndices: base.toIndices,
  });
  return kernels;
}

/**
 * A memory for a matmul instance, shared where threads are possible. A shared memory reserves its
 * maximum up front; where 4 GiB of address space is refused (32-bit or mobile browsers), settle for
 * less: larger products then stay on the base kernel. Null where none can be made.
 */
function newMemory(api: WasmApi, shared: boolean): { memory: WasmMemory; maxPages: number } | null {
  for (const pages of [MAX_PAGES, MAX_PAGES / 4, MAX_PAGES / 16, MAX_PAGES / 64]) {
    try {
      return { memory: new api.Memory({ initial: 16, maximum: pages, shared }), maxPages: pages };
    } catch {}
  }
  return null;
}
