// @chainrule/engine/internal: the kernel layer below the public API, for the project's own benchmarks
// and examples that measure it. Not a stable API: names and signatures here change without notice.
// Users import `@chainrule/engine`; nothing here is needed to use the engine.

// A backend for `registerBackend` is built with `defineKernels` (every kernel named, or it does not
// compile) and writes every element of the outputs that arrive unfilled (see `registerBackend`);
// `examples/browser` reads `kernels()` and its `wasm` facts to check where products ran.
export {
  type BinaryKernelOp,
  type DenseLayout,
  defineKernels,
  type Kernels,
  type KernelTable,
  type MatmulCall,
  type StridedView,
  type UnaryKernelOp,
} from './kernels/backend.js';
export { kernels, registerBackend } from './kernels/index.js';
export { tsKernels } from './kernels/ts-kernels.js';
export { MATMUL_BLOCK_DEPTH } from './kernels/ts-matmul.js';
export {
  createWasmKernels,
  LARGE_BYTES,
  THREAD_MIN_FLOPS,
  WASM_MIN_ELEMENTS,
  WASM_MIN_FLOPS,
  type WasmKernelInfo,
  type WasmKernelOptions,
  type WasmKernels,
} from './kernels/wasm/index.js';
// Dense layers written with separate ops run fused (ops/tensor/fusion.ts); benchmarks and tests turn
// that off to compare, and every number is the same either way.
export { setFusion } from './ops/tensor/fusion.js';
