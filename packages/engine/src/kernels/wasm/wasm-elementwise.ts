// The 'wasm' backend's elementwise kernels: operands copied into a private WebAssembly memory, f64x2
// loops (assembly/elementwise.ts), the result copied out. Copies run at memcpy speed, several times
// faster than a JavaScript loop over the same elements, so the round trip pays from a few hundred
// elements on. The module covers the ops that declare a SIMD form (src/ops/elementwise), numbered as
// simd.ts numbers them; the numbers are exactly those of the TypeScript kernels, which take every
// other case (exp, log, tanh, pow, the transcendentals, general broadcasts, small arrays).

import { binarySimdCode, simdParams, unarySimdCode } from '../../ops/elementwise/simd.js';
import type { Kernels } from '../backend.js';
import { isTrailing } from '../ts-elementwise.js';
import { elementwiseWasm } from './generated/elementwise-wasm.js';
import { decodeBase64, type WasmApi, type WasmMemory } from './wasm-api.js';

const PAGE = 65_536;
/** The wasm32 limit on pages. */
const MAX_PAGES = 65_536;
const ALIGN = 64;

/**
 * Below this many elements the TypeScript loop is as fast: the call into WebAssembly and the copies
 * have a fixed cost. Measured with bench/src/elementwise.ts on the project's machine: at 50 elements
 * TypeScript is ahead or level (WebAssembly 0.6–1.2×), at 100 WebAssembly is 0.9× (relu) to 1.6×,
 * at 200 1.3–2.4×, and from 1000 on 2–7×; relu, the cheapest loop, crosses over last.
 */
export const WASM_MIN_ELEMENTS = 128;

interface ElementwiseExports {
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
  binaryScalar(op: number, a: number, s: number, scalarFirst: number, out: number, n: number): void;
  sumRows(x: number, out: number, rows: number, width: number): void;
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/** The kernels `Kernels.unary`, `binary` and `sumTo` over one module instance and its memory. */
class WasmElementwise {
  private readonly exports: ElementwiseExports;
  private readonly base: number;
  private view: Float64Array;

  constructor(
    api: WasmApi,
    private readonly memory: WasmMemory,
    private readonly fallback: Kernels,
    private readonly minElements: number,
  ) {
    const module = new api.Module(decodeBase64(elementwiseWasm.simd));
    const instance = new api.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as ElementwiseExports;
    this.base = roundUp(this.exports.heapBase(), ALIGN);
    this.view = new Float64Array(memory.buffer);
  }

  /**
   * Room for two arrays of `first` and `second` doubles from the heap base: their byte addresses,
   * or null when the memory cannot grow that far or the system refuses (the caller falls back to
   * TypeScript).
   */
  private place(first: number, second: number): [number, number] | null {
    const firstAt = this.base;
    const secondAt = roundUp(firstAt + first * 8, ALIGN);
    const bytes = secondAt + second * 8;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return null;
      try {
        this.memory.grow(pages);
      } catch {
        return null; // the system refused the memory: TypeScript needs none
      }
    }
    // growing a private memory detaches the old buffer
    if (this.view.buffer !== this.memory.buffer) this.view = new Float64Array(this.memory.buffer);
    return [firstAt, secondAt];
  }

  readonly unary: Kernels['unary'] = (op, x, out, params) => {
    const code = unarySimdCode(op);
    const n = x.length;
    const at = code === undefined || n < this.minElements ? null : this.place(n, 0);
    if (at === null) {
      this.fallback.unary(op, x, out, params);
      return;
    }
    const [xAt] = at;
    this.view.set(x, xAt / 8);
    this.exports.unary(code!, xAt, xAt, n, ...simdParams(params));
    out.set(this.view.subarray(xAt / 8, xAt / 8 + n));
  };

  /** The cases the module covers: equal sizes, a scalar operand, a row repeated down the rows. */
  readonly binary: Kernels['binary'] = (op, a, aShape, b, bShape, out, outShape, params) => {
    const code = binarySimdCode(op);
    const n = out.length;
    let done = false;
    if (code !== undefined && n >= this.minElements) {
      if (a.length === n && (b.length === 1 || b.length === n || isTrailing(bShape, outShape))) {
        done = this.fullWith(code, a, b, false, out);
      } else if (b.length === n && (a.length === 1 || isTrailing(aShape, outShape))) {
        done = this.fullWith(code, b, a, true, out);
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
    const at = this.place(n, other.length);
    if (at === null) return false;
    const [fullAt, otherAt] = at;
    this.view.set(full, fullAt / 8);
    if (other.length === 1) this.exports.binaryScalar(code, fullAt, other[0]!, otherFirst ? 1 : 0, fullAt, n);
    else {
      this.view.set(other, otherAt / 8);
      const width = other.length;
      const [first, firstRow, second, secondRow] = otherFirst
        ? [otherAt, 0, fullAt, width * 8]
        : [fullAt, width * 8, otherAt, 0];
      this.exports.binaryRows(code, first, firstRow, second, secondRow, fullAt, n / width, width);
    }
    out.set(this.view.subarray(fullAt / 8, fullAt / 8 + n));
    return true;
  }

  readonly sumTo: Kernels['sumTo'] = (x, xShape, out, outShape) => {
    const width = out.length;
    const rowSums =
      x.length >= this.minElements && width > 1 && width < x.length && isTrailing(outShape, xShape);
    const at = rowSums ? this.place(x.length, width) : null;
    if (at === null) {
      this.fallback.sumTo(x, xShape, out, outShape);
      return;
    }
    const [xAt, outAt] = at;
    this.view.set(x, xAt / 8);
    this.exports.sumRows(xAt, outAt, x.length / width, width);
    out.set(this.view.subarray(outAt / 8, outAt / 8 + width));
  };
}

/** The elementwise kernels and the bytes of WebAssembly memory they hold (the largest operands seen). */
export type WasmElementwiseKernels = Pick<Kernels, 'unary' | 'binary' | 'sumTo'> & {
  readonly memoryBytes: number;
};

/**
 * `unary`, `binary` and `sumTo` in WebAssembly SIMD, falling back to `base` for what the module does
 * not cover; null where the module cannot be compiled synchronously here (a browser's main thread
 * may refuse), in which case the backend keeps `base`'s kernels.
 *
 * @internal
 */
export function createWasmElementwise(
  api: WasmApi,
  base: Kernels,
  minElements = WASM_MIN_ELEMENTS,
): WasmElementwiseKernels | null {
  try {
    const memory = new api.Memory({ initial: 16, maximum: MAX_PAGES });
    const k = new WasmElementwise(api, memory, base, minElements);
    return {
      unary: k.unary,
      binary: k.binary,
      sumTo: k.sumTo,
      get memoryBytes() {
        return memory.buffer.byteLength;
      },
    };
  } catch {
    return null;
  }
}
