// The WebAssembly SIMD backend's entry: the kernels factory and the thread-count setting.

export { hasRelaxedSimd, hasSharedMemory, hasSimd } from './features.js';
export { THREAD_MIN_FLOPS, WASM_MIN_FLOPS } from './matmul-instance.js';
export { getNumThreads, setNumThreads } from './thread-count.js';
export { LARGE_BYTES } from './wasm-arena.js';
export { WASM_MIN_ELEMENTS } from './wasm-elementwise.js';
export {
  createWasmKernels,
  type WasmKernelInfo,
  type WasmKernelOptions,
  type WasmKernels,
} from './wasm-kernels.js';
