// Output arrays that a kernel writes in full, allocated without the zero fill where the platform
// allows it.
//
// A Float64Array from `new` is zero-filled memory: for a [900, 50] activation that fill costs more than
// the WebAssembly kernel that then overwrites every element (20–35 µs against 16 µs, bench/README.md,
// "Separate ops"). Node's `Buffer.allocUnsafeSlow` hands out memory without the fill; browsers have
// nothing like it and get a plain array. Only a caller whose kernel assigns every element of its
// output may use this: the `Kernels` interface (backend.ts) says which outputs may arrive with any
// contents, and a kernel that adds into its output (sumTo, a bias gradient) must not get one.
//
// How that is checked: test/wasm-elementwise.test.ts runs every TypeScript op and layout into zeros and
// into other contents and compares; the product tests (wasm-matmul, linear, thread-determinism) start
// their outputs filled with NaN. The WebAssembly kernels write into their own memory and the host
// copies the whole output range back, so a skipped element would arrive as whatever the arena held
// there; the bit-for-bit comparisons with the TypeScript kernels over random inputs would show it.

/** Node's allocator without the zero fill, where there is one. */
const allocUnsafeSlow = (globalThis as { Buffer?: { allocUnsafeSlow?: (bytes: number) => Uint8Array } })
  .Buffer?.allocUnsafeSlow;

/** Below this many elements the zero fill costs less than the unfilled allocation's own overhead. */
export const UNFILLED_MIN_ELEMENTS = 1024;

/**
 * Above this many elements (1 GiB) an output is allocated with `new`: a Node Buffer has a ceiling of
 * its own (4 GiB on Node 20 and 21, less on 32-bit builds) below a Float64Array's, and at this size
 * the fill is a small part of any kernel's time.
 */
export const UNFILLED_MAX_ELEMENTS = 2 ** 27;

/** Whether `outputArray(length)` hands out memory without the zero fill. @internal */
export function allocatesUnfilled(length: number): boolean {
  return allocUnsafeSlow !== undefined && length >= UNFILLED_MIN_ELEMENTS && length <= UNFILLED_MAX_ELEMENTS;
}

/**
 * A Float64Array of `length` elements whose contents are unspecified until a kernel writes every one
 * of them. The array owns its memory (its `buffer` is exactly its bytes), as `new Float64Array` does.
 *
 * @internal
 */
export function outputArray(length: number): Float64Array {
  const bytes = allocatesUnfilled(length) ? allocUnsafeSlow?.(length * 8) : undefined;
  return bytes ? new Float64Array(bytes.buffer, bytes.byteOffset, length) : new Float64Array(length);
}
