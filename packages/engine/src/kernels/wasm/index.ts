// The WebAssembly SIMD backend's entry: the kernels factory and the thread-count setting.

export { hasRelaxedSimd, hasSharedMemory, hasSimd } from './features.js';
export { WASM_MIN_ELEMENTS } from './wasm-elementwise.js';
export {
  createWasmKernels,
  getNumThreads,
  setNumThreads,
  THREAD_MIN_FLOPS,
  WASM_MIN_FLOPS,
  type WasmKernelInfo,
  type WasmKernelOptions,
  type WasmKernels,
} from './wasm-kernels.js';
