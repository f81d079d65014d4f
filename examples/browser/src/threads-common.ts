// What the threads page and its worker share: one product large enough for the thread pool, checked
// against the 'ts' backend, and a look at the active 'wasm' kernels' thread pool.

import { createRng, getBackend, setBackend, Tensor } from '@chainrule/engine';
// internal, for the test only: the active kernels, whose `wasm` facts count the chunks workers ran
import { kernels, type WasmKernelInfo, type WasmKernels } from '@chainrule/engine/internal';

/**
 * n×n·n×n: 256³ ≈ 16.8M multiply-adds, 64 times THREAD_MIN_FLOPS (2¹⁸), and 256 rows, 16 times
 * MIN_CHUNK, so with setNumThreads(2) the 'wasm' kernel asks the pool for a second thread.
 */
export const SIZE = 256;

/** The product's two operands, the same in the page and the worker (seeded). */
export function operands(): [Tensor, Tensor] {
  const rng = createRng(11);
  return [Tensor.randn([SIZE, SIZE], { rng }), Tensor.randn([SIZE, SIZE], { rng })];
}

/** The active backend's facts about its thread pool; throws unless the active backend is 'wasm'. */
export function wasmInfo(): WasmKernelInfo {
  const info = (kernels() as Partial<WasmKernels>).wasm;
  if (getBackend() !== 'wasm' || !info)
    throw new Error(`the active backend is '${getBackend()}', not 'wasm'`);
  return info;
}

/** left·right on the 'ts' backend, then back to 'wasm'. */
export function onTs(left: Tensor, right: Tensor): Tensor {
  setBackend('ts');
  try {
    return left.matmul(right);
  } finally {
    setBackend('wasm');
  }
}

/** The largest |x - y| and the largest |y|: the relative error is their ratio. */
export function difference(x: Tensor, y: Tensor): { maxAbsDiff: number; maxAbs: number } {
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < y.data.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x.data[i]! - y.data[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(y.data[i]!));
  }
  return { maxAbsDiff, maxAbs };
}

/** Turns anything thrown into text that survives postMessage and JSON. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
}
