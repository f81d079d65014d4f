// The 'wasm' backend's elementwise kernels: operands copied into a private WebAssembly memory, f64x2
// loops (assembly/elementwise.ts), the result copied out. Copies run at memcpy speed, several times
// faster than a JavaScript loop over the same elements, so the round trip pays from a few hundred
// elements on. The module covers the ops that declare a SIMD form (src/ops/elementwise), numbered as
// simd.ts numbers them; the numbers are exactly those of the TypeScript kernels, which take every
// other case (exp, log, tanh, pow, the transcendentals, broadcasts other than a scalar, a row or a
// column, small arrays). The reductions over the same module are in wasm-reduce.ts.

import { binarySimdCode, simdParams, unarySimdCode } from '../../ops/elementwise/simd.js';
import type { Kernels } from '../backend.js';
import { isTrailing } from '../ts-elementwise.js';
import { elementwiseWasm } from './generated/elementwise-wasm.js';
import { decodeBase64, type WasmApi } from './wasm-api.js';
import { LARGE_BYTES, PrivateArena } from './wasm-arena.js';
import { createWasmReduce, isColumn } from './wasm-reduce.js';

/**
 * Below this many elements the TypeScript loop is as fast: the call into WebAssembly and the copies
 * have a fixed cost. Measured with bench/src/elementwise.ts on the project's machine: at 50 elements
 * TypeScript is ahead or level (WebAssembly 0.6–1.2×), at 100 WebAssembly is 0.9× (relu) to 1.6×,
 * at 200 1.3–2.4×, and from 1000 on 2–7×; relu, the cheapest loop, crosses over last.
 */
export const WASM_MIN_ELEMENTS = 128;

/** The exports of assembly/elementwise.ts (reductions included, see wasm-reduce.ts). */
export interface ElementwiseExports {
  heapBase(): number;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binaryRows(
    op: number,
    a: number,
    aRow: number,
    b: number,
    bRow: number,
    out: number,
    rows: number,
    width: number,
  ): void;
  binaryColumns(
    op: number,
    full: number,
    col: number,
    colFirst: number,
    out: number,
    rows: number,
    width: number,
  ): void;
  binaryScalar(op: number, a: number, s: number, scalarFirst: number, out: number, n: number): void;
  sumRows(x: number, out: number, rows: number, width: number): void;
  sumEachRow(x: number, out: number, rows: number, width: number): void;
  sumAxis(x: number, outer: number, len: number, inner: number, out: number): void;
  maxAxis(x: number, outer: number, len: number, inner: number, out: number): void;
}

/** The kernels `Kernels.unary` and `binary` over one module and its memory. */
class WasmElementwise {
  constructor(
    private readonly arena: PrivateArena<ElementwiseExports>,
    private readonly fallback: Kernels,
    private readonly minElements: number,
  ) {}

  readonly unary: Kernels['unary'] = (op, x, out, params) => {
    const code = unarySimdCode(op);
    const n = x.length;
    const place = code === undefined || n < this.minElements ? null : this.arena.place([n]);
    if (place === null) {
      this.fallback.unary(op, x, out, params);
      return;
    }
    const {
      exports,
      view,
      at: [xAt],
    } = place;
    view.set(x, xAt! / 8);
    exports.unary(code!, xAt!, xAt!, n, ...simdParams(params));
    out.set(view.subarray(xAt! / 8, xAt! / 8 + n));
  };

  /** The cases the module covers: equal sizes, a scalar operand, a row repeated down the rows, a column repeated across. */
  readonly binary: Kernels['binary'] = (op, a, aShape, b, bShape, out, outShape, params) => {
    const code = binarySimdCode(op);
    const n = out.length;
    let done = false;
    if (code !== undefined && n >= this.minElements) {
      if (a.length === n && (b.length === 1 || b.length === n || isTrailing(bShape, outShape))) {
        done = this.fullWith(code, a, b, false, out);
      } else if (b.length === n && (a.length === 1 || isTrailing(aShape, outShape))) {
        done = this.fullWith(code, b, a, true, out);
      } else if (a.length === n && isColumn(bShape, outShape)) {
        done = this.fullWithColumn(code, a, b, false, out);
      } else if (b.length === n && isColumn(aShape, outShape)) {
        done = this.fullWithColumn(code, b, a, true, out);
      }
    }
    if (!done) this.fallback.binary(op, a, aShape, b, bShape, out, outShape, params);
  };

  /**
   * op(full, other) into `out`, or op(other, full) when `otherFirst`, where `other` is a scalar, a
   * row repeated down `full`'s rows, or as long as `full`. The result overwrites `full`'s copy, which
   * each output element reads only at its own place.
   */
  private fullWith(
    code: number,
    full: Float64Array,
    other: Float64Array,
    otherFirst: boolean,
    out: Float64Array,
  ): boolean {
    const n = full.length;
    const place = this.arena.place([n, other.length]);
    if (place === null) return false;
    const { exports, view, at } = place;
    const [fullAt, otherAt] = at as [number, number];
    view.set(full, fullAt / 8);
    if (other.length === 1) exports.binaryScalar(code, fullAt, other[0]!, otherFirst ? 1 : 0, fullAt, n);
    else {
      view.set(other, otherAt / 8);
      const width = other.length;
      const [first, firstRow, second, secondRow] = otherFirst
        ? [otherAt, 0, fullAt, width * 8]
        : [fullAt, width * 8, otherAt, 0];
      exports.binaryRows(code, first, firstRow, second, secondRow, fullAt, n / width, width);
    }
    out.set(view.subarray(fullAt / 8, fullAt / 8 + n));
    return true;
  }

  /** op(full, column) into `out`, or op(column, full) when `columnFirst`: one value per row of `full`. */
  private fullWithColumn(
    code: number,
    full: Float64Array,
    column: Float64Array,
    columnFirst: boolean,
    out: Float64Array,
  ): boolean {
    const n = full.length;
    const place = this.arena.place([n, column.length]);
    if (place === null) return false;
    const { exports, view, at } = place;
    const [fullAt, columnAt] = at as [number, number];
    view.set(full, fullAt / 8);
    view.set(column, columnAt / 8);
    const rows = column.length;
    exports.binaryColumns(code, fullAt, columnAt, columnFirst ? 1 : 0, fullAt, rows, n / rows);
    out.set(view.subarray(fullAt / 8, fullAt / 8 + n));
    return true;
  }
}

/** The elementwise kernels and the bytes of WebAssembly memory they hold (the largest operands seen). */
export type WasmElementwiseKernels = Pick<Kernels, 'unary' | 'binary' | 'sumTo' | 'sumAxis' | 'maxAxis'> & {
  readonly memoryBytes: number;
};

/**
 * `unary`, `binary`, `sumTo`, `sumAxis` and `maxAxis` in WebAssembly SIMD, falling back to `base`
 * for what the module does not cover; null where the module cannot be compiled synchronously here (a
 * browser's main thread may refuse), in which case the backend keeps `base`'s kernels. Operands
 * over `largeBytes` go through a temporary memory (wasm-arena.ts).
 *
 * @internal
 */
export function createWasmElementwise(
  api: WasmApi,
  base: Kernels,
  minElements = WASM_MIN_ELEMENTS,
  largeBytes = LARGE_BYTES,
): WasmElementwiseKernels | null {
  try {
    const module = new api.Module(decodeBase64(elementwiseWasm.simd));
    const arena = new PrivateArena<ElementwiseExports>(api, module, largeBytes);
    const k = new WasmElementwise(arena, base, minElements);
    const reduce = createWasmReduce(arena, base, minElements);
    return {
      unary: k.unary,
      binary: k.binary,
      ...reduce,
      get memoryBytes() {
        return arena.memoryBytes;
      },
    };
  } catch {
    return null;
  }
}
