// Output arrays that a kernel writes in full, allocated without the zero fill where the platform
// allows it.
//
// A Float64Array from `new` is zero-filled memory: for a [900, 50] activation that fill costs more than
// the WebAssembly kernel that then overwrites every element (20–35 µs against 16 µs, bench/README.md,
// "Separate ops"). Node's `Buffer.allocUnsafeSlow` hands out memory without the fill; browsers have
// nothing like it and get a plain array. Only a caller whose kernel assigns every element of its
// output may use this: the elementwise kernels do (`Kernels.unary`, `Kernels.binary`, in both
// backends: test/wasm-elementwise.test.ts runs every op into zeros and into other contents and
// compares), and a kernel that adds into its output (sumTo, a product's accumulation) must not get one.

/** Node's allocator without the zero fill, where there is one. */
const allocUnsafeSlow = (globalThis as { Buffer?: { allocUnsafeSlow?: (bytes: number) => Uint8Array } })
  .Buffer?.allocUnsafeSlow;

/** Below this many elements the zero fill costs less than the unfilled allocation's own overhead. */
export const UNFILLED_MIN_ELEMENTS = 1024;

/**
 * A Float64Array of `length` elements whose contents are unspecified until a kernel writes every one
 * of them. The array owns its memory (its `buffer` is exactly its bytes), as `new Float64Array` does.
 *
 * @internal
 */
export function outputArray(length: number): Float64Array {
  if (allocUnsafeSlow === undefined || length < UNFILLED_MIN_ELEMENTS) return new Float64Array(length);
  const bytes = allocUnsafeSlow(length * 8);
  return new Float64Array(bytes.buffer, bytes.byteOffset, length);
}
