// AssemblyScript source of the WebAssembly elementwise kernels: f64x2 loops over operands the host
// has copied into this module's memory.
//
// Each op gives exactly the numbers of the TypeScript loop it replaces (src/kernels/ts-elementwise.ts):
// IEEE add, sub, mul and div round alike everywhere; f64x2.min and f64x2.max treat NaN and signed
// zeros as Math.min and Math.max do; the masks (step, sign, gtHalf, reluGrad, ...) pick whole lanes with
// bitselect and give NaN where the comparison is unordered. So the backend can switch between the two
// at any size without changing a result. The loops are templates in loops.ts, compiled once per op by
// the exported dispatchers (generated/dispatch.ts); the lanes, op codes and dispatchers are generated
// from the op declarations by scripts/build-wasm.mjs, and the host numbers ops the same way.

import { BINARY_RELU_GRAD } from './generated/ops';

export { binaryColumns, binaryRows, binaryScalar, unary } from './generated/dispatch';
export { maxAxis, sumAxis, sumEachRow } from './reduce';

/** Exported for assembly/matmul.ts, whose dense-layer backward masks with the same lanes. */
export const RELU_GRAD: i32 = BINARY_RELU_GRAD;

/** The first byte the host may use. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Column sums of a `rows` × `width` matrix, each summed down the rows in order (as the TypeScript
 * loop adds them, so the numbers agree exactly): out[j] = ((0 + x[0, j]) + x[1, j]) + ….
 */
export function sumRows(x: usize, out: usize, rows: i32, width: i32): void {
  const bytes = (<usize>width) << 3;
  const pairBytes = (<usize>(width & ~1)) << 3;
  memory.fill(out, 0, bytes);
  for (let r = 0; r < rows; r++) {
    let i: usize = 0;
    for (; i < pairBytes; i += 16) v128.store(out + i, f64x2.add(v128.load(out + i), v128.load(x + i)));
    if (i < bytes) store<f64>(out + i, load<f64>(out + i) + load<f64>(x + i));
    x += bytes;
  }
}
