// A module instance on a private WebAssembly memory that grows to the operands it is given, and, for
// operands larger than a training step's, a temporary instance on a memory of its own that the
// garbage collector takes back after the call (a WebAssembly memory never shrinks).

import type { WasmApi, WasmMemory, WasmModule } from './wasm-api.js';

const PAGE = 65_536;
/** The wasm32 limit on pages. */
const MAX_PAGES = 65_536;
const ALIGN = 64;

/**
 * Bytes of WebAssembly memory above which an operation runs in a temporary memory, released after
 * it, instead of growing the memory kept for the life of the process. A training step's operands
 * take a few MB (a moons epoch about 3, an MLP step at batch 128 about 2); one product on a 2.4 GB
 * tensor would otherwise pin 5 GB for good. Where memory lives never changes a result: both memories
 * run the same code on the same numbers in the same order.
 */
export const LARGE_BYTES = 64 << 20;

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/** Where one call's arrays go: the exports of the instance holding them, a view of its memory, byte addresses. */
export interface Placement<E> {
  readonly exports: E;
  readonly view: Float64Array;
  readonly at: readonly number[];
}

/** One module on a private memory, reused by every call, plus temporary ones for large calls. */
export class PrivateArena<E extends { heapBase(): number }> {
  private readonly memory: WasmMemory;
  private readonly exports: E;
  private readonly base: number;
  private view: Float64Array;

  constructor(
    private readonly api: WasmApi,
    private readonly module: WasmModule,
    private readonly largeBytes: number,
  ) {
    this.memory = new api.Memory({ initial: 16, maximum: MAX_PAGES });
    this.exports = new api.Instance(module, { env: { memory: this.memory } }).exports as unknown as E;
    this.base = roundUp(this.exports.heapBase(), ALIGN);
    this.view = new Float64Array(this.memory.buffer);
  }

  /** Bytes held by the memory kept between calls (temporary memories are not counted: they are let go). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Room for arrays of the given numbers of doubles, one after the other from the heap base: in the
   * kept memory, grown if need be, or, past `largeBytes`, in a temporary memory of just that size.
   * Null when the memory cannot grow that far or the system refuses (the caller falls back).
   */
  place(lengths: readonly number[]): Placement<E> | null {
    const at: number[] = [];
    let end = this.base;
    for (const length of lengths) {
      at.push(end);
      end = roundUp(end + length * 8, ALIGN);
    }
    if (end > this.largeBytes && end > this.memory.buffer.byteLength) return this.temporary(end, at);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return null;
      try {
        this.memory.grow(pages);
      } catch {
        return null; // the system refused the memory: TypeScript needs none
      }
    }
    // growing a private memory detaches the old buffer
    if (this.view.buffer !== this.memory.buffer) this.view = new Float64Array(this.memory.buffer);
    return { exports: this.exports, view: this.view, at };
  }

  /** A fresh instance on a memory of `bytes`, which nothing keeps once the caller is done with it. */
  private temporary(bytes: number, at: number[]): Placement<E> | null {
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) return null;
    try {
      const memory = new this.api.Memory({ initial: pages, maximum: pages });
      const instance = new this.api.Instance(this.module, { env: { memory } });
      return { exports: instance.exports as unknown as E, view: new Float64Array(memory.buffer), at };
    } catch {
      return null;
    }
  }
}
