// Run-time detection of WebAssembly features: SIMD and threads, which the kernels need, and relaxed SIMD,
// which they never use (its fused multiply-add rounds otherwise than the ts loops; tests check that a
// runtime offering it still gets the ts bits).

import { wasmApi } from './wasm-api.js';

/** A module whose one function is (v128, v128) -> v128 f64x2.mul: valid iff SIMD is supported. */
const simdProbe = Uint8Array.of(
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x07, 0x01, 0x60, 0x02, 0x7b, 0x7b, 0x01, 0x7b], // type: (v128, v128) -> v128
  ...[0x03, 0x02, 0x01, 0x00], // one function of type 0
  ...[0x0a, 0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0xfd, 0xf2, 0x01, 0x0b], // f64x2.mul
);

/** A module whose one function is (v128, v128, v128) -> v128 f64x2.relaxed_madd (opcode 0xfd 0x107). */
const relaxedProbe = Uint8Array.of(
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b],
  ...[0x03, 0x02, 0x01, 0x00],
  ...[0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x87, 0x02, 0x0b],
);

function validates(bytes: Uint8Array): boolean {
  try {
    return wasmApi()?.validate(bytes) === true;
  } catch {
    return false;
  }
}

/** Whether WebAssembly with 128-bit SIMD is available (every current browser, Node 16.4+). */
export function hasSimd(): boolean {
  return validates(simdProbe);
}

/** Whether relaxed SIMD validates (Chrome 114+, Firefox 120+; Node 20 only with a V8 flag). */
export function hasRelaxedSimd(): boolean {
  return validates(relaxedProbe);
}

/**
 * Whether a shared `WebAssembly.Memory` can be created: Node, or a cross-origin-isolated page.
 * Without it the kernels use a private memory and run on the calling thread alone.
 */
export function hasSharedMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const scope = globalThis as { crossOriginIsolated?: boolean };
  if (scope.crossOriginIsolated === false) return false;
  const api = wasmApi();
  if (!api) return false;
  try {
    const memory = new api.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
