// One instance of the WebAssembly matmul kernel on its memory, with the pool of threads that share
// that memory: operands copied in, the product run on one thread or several, the result copied out.
// The fused dense-layer steps over the same instance are in matmul-fused.ts; the backend that owns
// the instances is wasm-kernels.ts.

import type { Kernels, MatmulCall } from '../backend.js';
import { MATMUL_BLOCK_DEPTH } from '../ts-matmul.js';
import type { ResidentCopies } from './resident.js';
import { getNumThreads } from './thread-count.js';
import { createThreadPool, type ThreadPool } from './thread-pool.js';
import type { WasmApi, WasmMemory, WasmModule } from './wasm-api.js';

export const PAGE = 65_536;

/** The wasm32 limit, which the kernel modules declare as their maximum. */
export const MAX_PAGES = 65_536;
export const ALIGN = 64;

/** What `run` does to the product before copying it out: a dense layer's bias (one value per row of C, or per column) and relu. */
type Epilogue = { readonly bias: Float64Array | null; readonly relu: boolean; readonly biasPerRow: boolean };
const NO_EPILOGUE: Epilogue = { bias: null, relu: false, biasPerRow: false };

/**
 * Below this many multiply-adds per product (batch·m·n·k) the TypeScript kernel wins: copying into
 * and out of WebAssembly memory and packing panels cost more than the SIMD saves. Measured with
 * bench/src/matmul-wasm.ts on the project's machine: TypeScript faster at 8×8×8, even at 10×10×10,
 * WebAssembly faster from 12×12×12 and on every skinny shape from 1×10·10×128 up.
 */
export const WASM_MIN_FLOPS = 1000;
/**
 * Each extra thread must get at least this many multiply-adds, or waking it and repacking an operand
 * for its chunks costs more than it saves. Measured on the project's idle 2-core machine, n×n
 * products: two threads lose at 48³, win from 64³ (+13%), 80³ (+15%), 96³ (+34%); this threshold
 * starts the second thread at about 80³, leaving a margin for machines busy with other work.
 */
export const THREAD_MIN_FLOPS = 1 << 18;
/**
 * Bytes of WebAssembly memory kept for copies that a fused dense layer's backward pass reads where
 * its forward pass left them (resident.ts): a moons epoch leaves about 3 MB, an MLP step at batch 128
 * about 2 MB. Memory held once touched, never per call.
 */
export const RESIDENT_BYTES = 16 << 20;
/** Chunks per thread: more balance the load when a thread starts late, fewer repack op(B) less often. */
const CHUNKS_PER_THREAD = 3;
/** A product Aᵀ·B at least this many times deeper than wide splits its depth among threads. */
const DEPTH_SPLIT_RATIO = 4;
/** Rows or columns per chunk at least: each chunk packs its own copy of one operand, which must be worth it. */
const MIN_CHUNK = 16;
/** The kernel argument where each range a thread pool may cut starts (its end is the next argument). */
export enum Split {
  Batch = 12,
  Rows = 14,
  Columns = 16,
}

export interface MatmulExports {
  matmul: MatmulEntry;
  linearGrad(g: number, y: number, db: number, m: number, n: number, perRow: number): void;
  biasPerRow(c: number, bias: number, m: number, n: number, relu: number): void;
  heapBase(): number;
  blockRows(): number;
  blockDepth(): number;
  blockCols(): number;
}

/** The kernel entry point: pointers and sizes as i32, see assembly/matmul.ts. */
export type MatmulEntry = (...args: number[]) => void;

export const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * Thrown by an instance whose memory would have to grow past its `largeBytes` for a call: the backend
 * runs that call again on a temporary instance (wasm-kernels.ts). Thrown before the call has changed
 * anything but where copies live.
 */
export class TooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`internal: wasm matmul: ${bytes} bytes asked of a memory kept below its limit`);
  }
}

/** How one instance is set up: its thresholds, and the memory it may keep. */
export interface MatmulSettings {
  readonly api: WasmApi;
  readonly module: WasmModule;
  readonly base: Kernels;
  readonly minFlops: number;
  readonly threadMinFlops: number;
  /** Bytes past which the memory does not grow: the call throws TooLarge instead. */
  readonly largeBytes: number;
}

/**
 * The state behind one `Kernels` object's products: a module instance, its memory, and maybe a pool.
 * Its fields are open to matmul-fused.ts, which runs the fused dense-layer steps on the same instance.
 */
export class MatmulInstance {
  readonly exports: MatmulExports;
  readonly kernel: MatmulEntry;
  readonly heapBase: number;
  readonly mc: number;
  readonly kc: number;
  readonly nc: number;
  readonly minFlops: number;
  readonly threadMinFlops: number;
  private readonly base: Kernels;
  private readonly module: WasmModule;
  view: Float64Array;
  pool: ThreadPool | null | undefined = undefined;
  /** The most scratch any call has used (bytes from address 0): the ring of copies goes above it. */
  private scratchEnd = 0;

  constructor(
    private readonly settings: MatmulSettings,
    private readonly memory: WasmMemory,
    private readonly maxPages: number,
    readonly resident: ResidentCopies,
  ) {
    const { api, module } = settings;
    this.module = module;
    this.base = settings.base;
    this.minFlops = settings.minFlops;
    this.threadMinFlops = settings.threadMinFlops;
    const instance = new api.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as MatmulExports;
    this.kernel = this.exports.matmul;
    this.heapBase = roundUp(this.exports.heapBase(), ALIGN);
    this.mc = this.exports.blockRows();
    this.kc = this.exports.blockDepth();
    // the depth blocks fix the order of every sum: the same on every backend (ts-matmul.ts)
    if (this.kc !== MATMUL_BLOCK_DEPTH)
      throw new Error(`internal: wasm matmul blocks ${this.kc} deep, the ts kernel ${MATMUL_BLOCK_DEPTH}`);
    this.nc = this.exports.blockCols();
    this.view = new Float64Array(memory.buffer);
  }

  /** Worker threads started so far. */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /** Chunks of threaded products that workers ran. */
  get workerChunks(): number {
    return this.pool?.helped ?? 0;
  }

  /** Bytes of WebAssembly memory held. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  get shared(): boolean {
    return this.memory.buffer instanceof SharedArrayBuffer;
  }

  /**
   * Makes room for a call's scratch, the bytes below `bytes`: moves the ring of copies out of its way
   * (dropping them; the ring is placed again above) and grows the memory if needed.
   */
  reserve(bytes: number): boolean {
    if (bytes > this.settings.largeBytes && bytes > this.memory.buffer.byteLength) throw new TooLarge(bytes);
    const ring = this.resident;
    if (ring.placed !== 0 && bytes > ring.placed) ring.moveTo(0);
    this.scratchEnd = Math.max(this.scratchEnd, bytes);
    return this.grow(ring.placed === 0 ? bytes : Math.max(bytes, ring.end));
  }

  /** Whether the ring of copies has its place above the scratch, placing it on first need. */
  ringReady(): boolean {
    const ring = this.resident;
    if (ring.capacity === 0) return false;
    if (ring.placed === 0) {
      // with room for the scratch to grow a little (the backward pass needs more than the forward)
      // before it reaches the ring and drops the copies; never past the memory's limit
      const start = roundUp(this.scratchEnd * 1.5 + (1 << 20), PAGE);
      const end = start + ring.capacity;
      if (end > this.settings.largeBytes && end > this.memory.buffer.byteLength) return false;
      if (!this.grow(end)) return false;
      ring.moveTo(start);
    }
    return true;
  }

  /** Grows the memory to hold `bytes` (rarely: only when a product is larger than any before). */
  private grow(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > this.maxPages) return false;
      try {
        this.memory.grow(pages);
      } catch {
        return false; // the system refused the memory: the base kernel needs none
      }
    }
    if (this.view.buffer !== this.memory.buffer || this.view.length * 8 !== this.memory.buffer.byteLength) {
      this.view = new Float64Array(this.memory.buffer);
    }
    return true;
  }

  /**
   * Threads ready for a product that wants `count` (the caller included): starts the pool on first
   * need, and gives 1 when threads are unavailable or failed to start.
   */
  threads(count: number): number {
    if (this.pool === undefined)
      this.pool = this.shared ? createThreadPool(this.module, this.memory, 'matmul') : null;
    if (this.pool === null) return 1;
    try {
      return 1 + this.pool.ensure(count - 1);
    } catch {
      this.pool = null;
      return 1;
    }
  }

  /** Stops the pool's workers: for a temporary instance, once its call is done. */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  /**
   * C = Aᵀ·B (A stored k×m, B k×n) on `threads` threads by pieces of depth: each piece is one whole
   * depth block (`kc` deep, the last one padded with zero rows), its partial product goes to its own
   * m×n block, and the blocks are summed in order. That is exactly the order in which one thread adds
   * the blocks' partial sums (`MATMUL_BLOCK_DEPTH`), so the numbers do not depend on the thread
   * count. False when the product has fewer than two blocks, when the partial products would take
   * more memory than the operands, or when the memory cannot hold it.
   */
  private depthSplit(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    m: number,
    k: number,
    n: number,
    threads: number,
  ): boolean {
    const depth = this.kc;
    const pieces = Math.ceil(k / depth);
    if (pieces < 2 || pieces * m * n > k * (m + n)) return false;
    const padded = depth * pieces;
    const packA = roundUp(roundUp(Math.min(this.mc, m), 4) * depth * 8, ALIGN);
    const scratchSize = packA + roundUp(roundUp(Math.min(this.nc, n), 4) * depth * 8, ALIGN);
    const aAt = this.heapBase;
    const bAt = roundUp(aAt + padded * m * 8, ALIGN);
    const cAt = roundUp(bAt + padded * n * 8, ALIGN);
    const scratchAt = roundUp(cAt + pieces * m * n * 8, ALIGN);
    if (!this.reserve(scratchAt + threads * scratchSize)) return false;
    const view = this.view;
    view.set(a.subarray(0, k * m), aAt / 8);
    view.fill(0, aAt / 8 + k * m, aAt / 8 + padded * m);
    view.set(b.subarray(0, k * n), bAt / 8);
    view.fill(0, bAt / 8 + k * n, bAt / 8 + padded * n);
    const args = [scratchAt, scratchAt + packA, aAt, bAt, cAt, m, depth, n, 1, 0, depth * m, depth * n];
    args.push(0, pieces, 0, m, 0, n, 0, 0); // batch items, rows, columns; no epilogue
    // several pieces a thread where the depth has them, so a thread woken late leaves its share
    const job = { args, split: Split.Batch, total: pieces, chunkSize: 1, participants: threads };
    this.pool!.run({ ...job, scratchStride: scratchSize }, this.kernel);
    const size = m * n;
    const c = cAt / 8;
    out.set(view.subarray(c, c + size));
    for (let p = 1; p < pieces; p++) {
      const from = c + p * size;
      for (let i = 0; i < size; i++) out[i]! += view[from + i]!;
    }
    return true;
  }

  /** `Kernels.matmul`: copy in, run on one thread or several, copy out. */
  readonly matmul: Kernels['matmul'] = (a, b, out, m, k, n, transA, transB, batch, aStride, bStride) => {
    if (m === 0 || n === 0 || batch === 0) return;
    if (k === 0) {
      out.fill(0, 0, batch * m * n);
      return;
    }
    const flops = batch * m * n * k;
    if (flops < this.minFlops) {
      this.base.matmul(a, b, out, m, k, n, transA, transB, batch, aStride, bStride);
      return;
    }
    // Xᵀ·G, a dense layer's weight gradient, is deep and narrow: a chunk of its rows or columns would
    // repack most of the other operand, so the threads split the depth at whole blocks and the partial
    // products are summed in order. Its k axis is the slow axis of both stored operands, so a piece of
    // depth is contiguous.
    const threads = Math.min(getNumThreads(), Math.floor(flops / this.threadMinFlops) || 1);
    if (threads > 1 && batch === 1 && transA && !transB && k >= DEPTH_SPLIT_RATIO * Math.max(m, n)) {
      const ready = this.threads(threads);
      if (ready > 1 && this.depthSplit(a, b, out, m, k, n, ready)) return;
    }
    const call = { a, b, out, m, k, n, transA, transB };
    if (!this.run(call, batch, aStride, bStride, NO_EPILOGUE, false)) {
      this.base.matmul(a, b, out, m, k, n, transA, transB, batch, aStride, bStride);
    }
  };

  /**
   * `Kernels.linear`: the product x·op(w) as `matmul` runs it, then the bias and relu in WebAssembly
   * on the output before it is copied out; the copies of x and of the output stay resident for the
   * backward pass.
   */
  readonly linear: Kernels['linear'] = (x, w, bias, out, m, k, n, relu, layout) => {
    const call = { a: x, b: w, out, m, k, n, transA: false, transB: layout.wTransposed };
    const large = m > 0 && n > 0 && k > 0 && m * n * k >= this.minFlops;
    const epilogue = { bias, relu, biasPerRow: layout.biasPerRow };
    if (!large || !this.run(call, 1, 0, 0, epilogue, true))
      this.base.linear(x, w, bias, out, m, k, n, relu, layout);
  };

  /**
   * Copies a (batched) product in, runs it on one thread or several, applies the epilogue (the bias
   * added to every row, or across each row when `biasPerRow`, then relu) and copies it out; false when the memory cannot hold it. With
   * `resident`, A's copy and C stay in the ring of copies where the ring has room.
   */
  private run(
    { a, b, out, m, k, n, transA, transB }: MatmulCall,
    batch: number,
    aStride: number,
    bStride: number,
    { bias, relu, biasPerRow }: Epilogue,
    resident: boolean,
  ): boolean {
    let threads = Math.min(getNumThreads(), Math.floor((batch * m * n * k) / this.threadMinFlops) || 1);
    // What the threads split: whole batch items when there are enough of them; else the rows of C
    // or its columns, whichever repacks less, since every chunk packs its own copy of the other
    // operand: a chunk of rows packs all of op(B) (k×n), a chunk of columns all of op(A) (m×k).
    const split =
      batch >= 2 * threads || (batch >= threads && Math.max(m, n) < MIN_CHUNK * threads)
        ? Split.Batch
        : n > m
          ? Split.Columns
          : Split.Rows;
    const extent = split === Split.Batch ? batch : split === Split.Columns ? n : m;
    if (split !== Split.Batch) threads = Math.min(threads, Math.ceil(extent / MIN_CHUNK));
    if (threads > 1) threads = this.threads(threads);

    const aLength = aStride === 0 ? m * k : (batch - 1) * aStride + m * k;
    const bLength = bStride === 0 ? k * n : (batch - 1) * bStride + k * n;
    const cLength = batch * m * n;
    const kc = Math.min(this.kc, k);
    const packA = roundUp(Math.min(this.mc, m), 4) * kc * 8;
    const packB = roundUp(Math.min(this.nc, n), 4) * kc * 8;
    let aAt = this.heapBase;
    const bAt = roundUp(aAt + aLength * 8, ALIGN);
    let cAt = roundUp(bAt + bLength * 8, ALIGN);
    const biasAt = roundUp(cAt + cLength * 8, ALIGN);
    const scratchAt = roundUp(biasAt + (bias?.length ?? 0) * 8, ALIGN);
    const scratchSize = roundUp(packA, ALIGN) + roundUp(packB, ALIGN);
    if (!this.reserve(scratchAt + threads * scratchSize)) return false;
    // a dense layer's input and output go to the ring, where its backward pass will read them
    if (resident && aLength === a.length && this.ringReady()) {
      const aSlot = this.resident.claim(a, []);
      if (aSlot >= 0) aAt = aSlot;
      const cSlot = this.resident.claim(out, aSlot >= 0 ? [[aSlot, aSlot + aLength * 8]] : []);
      if (cSlot >= 0) cAt = cSlot;
    }
    const view = this.view;
    view.set(aLength === a.length ? a : a.subarray(0, aLength), aAt / 8);
    view.set(bLength === b.length ? b : b.subarray(0, bLength), bAt / 8);
    if (bias !== null) view.set(bias, biasAt / 8);

    const scratchB = scratchAt + roundUp(packA, ALIGN);
    const args = [
      scratchAt,
      scratchB,
      aAt,
      bAt,
      cAt,
      m,
      k,
      n,
      transA ? 1 : 0,
      transB ? 1 : 0,
      aStride,
      bStride,
    ];
    // batch items, rows, columns; then the epilogue, applied to each block of C where it is computed
    // (a bias per row of C, and the relu after it, in a pass of their own once C is done)
    const rowBias = bias !== null && biasPerRow;
    args.push(0, batch, 0, m, 0, n, bias === null || rowBias ? 0 : biasAt, relu && !rowBias ? 1 : 0);
    if (threads === 1) {
      this.kernel(...args);
    } else {
      // several chunks per thread, so that a thread the system wakes late leaves its share to the others
      const perChunk = Math.ceil(extent / (threads * CHUNKS_PER_THREAD));
      const chunkSize = split === Split.Batch ? perChunk : Math.max(MIN_CHUNK, roundUp(perChunk, 4));
      const job = { args, split, total: extent, chunkSize, participants: threads };
      this.pool!.run({ ...job, scratchStride: scratchSize }, this.kernel);
    }
    if (rowBias) this.exports.biasPerRow(cAt, biasAt, m, n, relu ? 1 : 0); // a bias comes with batch 1
    out.set(view.subarray(cAt / 8, cAt / 8 + cLength));
    return true;
  }
}
