// The 'wasm' kernel backend: matmul in WebAssembly SIMD, on one thread or a pool sharing its memory,
// and the common elementwise kernels in WebAssembly SIMD on the calling thread (wasm-elementwise.ts).

import type { Kernels, MatmulCall } from '../backend.js';
import { linearBackwardWith } from '../ts-matmul.js';
import { hasRelaxedSimd, hasSharedMemory, hasSimd } from './features.js';
import { matmulWasm } from './generated/matmul-wasm.js';
import { ResidentCopies } from './resident.js';
import {
  createThreadPool,
  hardwareThreads,
  KERNEL_ARITY,
  nodeProcess,
  type ThreadPool,
} from './thread-pool.js';
import { decodeBase64, type WasmApi, type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';
import { createWasmElementwise } from './wasm-elementwise.js';

const PAGE = 65_536;
/** The wasm32 limit, which the kernel modules declare as their maximum. */
const MAX_PAGES = 65_536;
const ALIGN = 64;

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
enum Split {
  Batch = 12,
  Rows = 14,
  Columns = 16,
}

interface MatmulExports {
  matmul: MatmulEntry;
  linearGrad(g: number, y: number, db: number, m: number, n: number): void;
  heapBase(): number;
  blockRows(): number;
  blockDepth(): number;
  blockCols(): number;
}

/** The kernel entry point: pointers and sizes as i32, see assembly/matmul.ts. */
type MatmulEntry = (...args: number[]) => void;

let requestedThreads: number | null = null;
let envThreads: number | undefined;

/** How many threads (counting the caller) large products use, from `setNumThreads`, CHAINRULE_THREADS, or the machine. */
export function getNumThreads(): number {
  if (requestedThreads !== null) return requestedThreads;
  if (envThreads === undefined) {
    // read once: the environment is slow to query and does not change under a running process
    const fromEnv = Number.parseInt(nodeProcess()?.env?.CHAINRULE_THREADS ?? '', 10);
    envThreads =
      Number.isInteger(fromEnv) && fromEnv >= 1
        ? Math.min(fromEnv, 64)
        : Math.max(1, Math.min(hardwareThreads(), 8));
  }
  return envThreads;
}

/**
 * Sets how many threads (counting the caller) the WebAssembly kernels may use for one large product;
 * 1 keeps everything on the calling thread. Overrides the CHAINRULE_THREADS environment variable.
 * Where threads are unavailable (a browser's main thread, a page without cross-origin isolation)
 * the kernels use one thread whatever this says.
 *
 * @example
 * ```ts
 * setNumThreads(2); // the calling thread and one worker
 * ```
 */
export function setNumThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new RangeError(`setNumThreads: expected an integer from 1 to 64, got ${count}`);
  }
  requestedThreads = count;
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/** The state behind one `Kernels` object: a module instance, its memory, and maybe a pool. */
class WasmMatmul {
  private readonly exports: MatmulExports;
  private readonly kernel: MatmulEntry;
  private readonly heapBase: number;
  private readonly mc: number;
  private readonly kc: number;
  private readonly nc: number;
  private view: Float64Array;
  private pool: ThreadPool | null | undefined = undefined;
  /** The most scratch any call has used (bytes from address 0): the ring of copies goes above it. */
  private scratchEnd = 0;

  constructor(
    api: WasmApi,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly maxPages: number,
    private readonly base: Kernels,
    private readonly minFlops: number,
    private readonly threadMinFlops: number,
    readonly resident: ResidentCopies,
  ) {
    const instance = new api.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as MatmulExports;
    this.kernel = this.exports.matmul;
    this.heapBase = roundUp(this.exports.heapBase(), ALIGN);
    this.mc = this.exports.blockRows();
    this.kc = this.exports.blockDepth();
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
  private reserve(bytes: number): boolean {
    const ring = this.resident;
    if (ring.placed !== 0 && bytes > ring.placed) ring.moveTo(0);
    this.scratchEnd = Math.max(this.scratchEnd, bytes);
    return this.grow(ring.placed === 0 ? bytes : Math.max(bytes, ring.end));
  }

  /** Whether the ring of copies has its place above the scratch, placing it on first need. */
  private ringReady(): boolean {
    const ring = this.resident;
    if (ring.capacity === 0) return false;
    if (ring.placed === 0) {
      // with room for the scratch to grow a little (the backward pass needs more than the forward)
      // before it reaches the ring and drops the copies
      const start = roundUp(this.scratchEnd * 1.5 + (1 << 20), PAGE);
      if (!this.grow(start + ring.capacity)) return false;
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
  private threads(count: number): number {
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

  /**
   * C = Aᵀ·B (A stored k×m, B k×n) on `threads` threads by pieces of depth: each piece's product goes
   * to its own m×n block, and the blocks are summed in order. Both operands are padded with zero rows
   * to a whole number of equal pieces. False when the memory cannot hold it.
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
    // one piece per thread: more pieces would balance a late thread, but cost more in sums and
    // padding than they saved (measured on 50×900·900×50: 10% slower with three pieces a thread)
    const pieces = threads;
    const depth = Math.ceil(k / pieces);
    const padded = depth * pieces;
    const kc = Math.min(this.kc, depth);
    const packA = roundUp(roundUp(Math.min(this.mc, m), 4) * kc * 8, ALIGN);
    const scratchSize = packA + roundUp(roundUp(Math.min(this.nc, n), 4) * kc * 8, ALIGN);
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

  /**
   * `Kernels.matmulPair`: with exactly two threads allowed and both products large enough to thread,
   * each runs whole on its own thread (no chunks to balance, and an operand the two share is copied
   * in once), so each result is exactly the one-thread product's; otherwise they run one after the
   * other, each exactly as `matmul` gives it.
   */
  readonly matmulPair = (first: MatmulCall, second: MatmulCall): void => {
    const large = (p: MatmulCall) => p.m * p.k * p.n >= Math.max(this.minFlops, this.threadMinFlops);
    const paired = getNumThreads() === 2 && large(first) && large(second) && this.side(first, second);
    if (paired) return;
    for (const p of [first, second]) this.matmul(p.a, p.b, p.out, p.m, p.k, p.n, p.transA, p.transB, 1, 0, 0);
  };

  /** Both products at once, one on the caller and one on a worker; false when that cannot be arranged. */
  private side(first: MatmulCall, second: MatmulCall): boolean {
    if (this.threads(2) !== 2) return false;
    // every distinct operand once, then each product's C and its packing scratch
    const operands = [first.a, first.b, second.a, second.b];
    const lengths = [first.m * first.k, first.k * first.n, second.m * second.k, second.k * second.n];
    const needed = new Map<Float64Array, number>();
    operands.forEach((x, i) => {
      needed.set(x, Math.max(needed.get(x) ?? 0, lengths[i]!));
    });
    const places = new Map<Float64Array, number>();
    let at = this.heapBase;
    for (const [x, length] of needed) {
      places.set(x, at);
      at = roundUp(at + length * 8, ALIGN);
    }
    const layout = [first, second].map((p) => {
      const c = at;
      at = roundUp(c + p.m * p.n * 8, ALIGN);
      const kc = Math.min(this.kc, p.k);
      const packA = at;
      at = roundUp(packA + roundUp(Math.min(this.mc, p.m), 4) * kc * 8, ALIGN);
      const packB = at;
      at = roundUp(packB + roundUp(Math.min(this.nc, p.n), 4) * kc * 8, ALIGN);
      return { c, packA, packB };
    });
    if (!this.reserve(at)) return false;
    const view = this.view;
    for (const [x, length] of needed) view.set(x.subarray(0, length), places.get(x)! / 8);
    const argSets = [first, second].map((p, i) => {
      const { c, packA, packB } = layout[i]!;
      const flags = [p.transA ? 1 : 0, p.transB ? 1 : 0];
      return [
        packA,
        packB,
        places.get(p.a)!,
        places.get(p.b)!,
        c,
        p.m,
        p.k,
        p.n,
        ...flags,
        0,
        0,
        0,
        1,
        0,
        p.m,
        0,
        p.n,
        0,
        0,
      ];
    });
    this.pool!.runEach(argSets, 2, this.kernel);
    [first, second].forEach((p, i) => {
      const c = layout[i]!.c / 8;
      p.out.set(view.subarray(c, c + p.m * p.n));
    });
    return true;
  }

  /**
   * `Kernels.linearBackward` in one pass through the memory: g, y and x read where the forward pass
   * and the layer above left them when their copies are still resident (else copied in, as w is),
   * the mask and the bias's sums computed in place on g (linearGrad), both products reading dz where
   * it lies, side by side on two threads or one after the other on one, and the results copied out
   * (dx's copy left resident for the layer below). False where that would not give exactly what the
   * separate kernels give (more threads than two, a product that `matmul` would split or leave to
   * the base kernel) or the memory cannot hold it: the caller composes the separate kernels instead.
   */
  fusedLinearBackward(...[g, y, x, w, dx, dw, db, m, k, n]: Parameters<Kernels['linearBackward']>): boolean {
    const flops = m * n * k;
    if ((!dx && !dw) || flops === 0 || flops < this.minFlops) return false;
    // each product as one kernel call, as matmul runs it on one thread; or both at once, as matmulPair
    const threaded = getNumThreads() > 1 && flops >= this.threadMinFlops;
    if (threaded && (getNumThreads() !== 2 || !dx || !dw || this.threads(2) !== 2)) return false;
    let at = this.heapBase;
    const place = (length: number): number => {
      const start = at;
      at = roundUp(at + length * 8, ALIGN);
      return start;
    };
    // room for every operand in the scratch; those found resident are read from the ring instead
    const operands = { g: place(m * n), y: y ? place(m * n) : 0, x: dw ? place(m * k) : 0 };
    const wAt = dx ? place(n * k) : 0;
    const dbAt = db ? place(n) : 0;
    const packs = [dx, dw].map((out, i) => {
      if (!out) return null;
      const [rows, depth] = i === 0 ? [m, n] : [n, m];
      const kc = Math.min(this.kc, depth);
      return {
        a: place(roundUp(Math.min(this.mc, rows), 4) * kc),
        b: place(roundUp(Math.min(this.nc, k), 4) * kc),
        c: place(rows * k),
      };
    });
    if (!this.reserve(at)) return false;
    const view = this.view;
    const ring = this.resident;
    // g, y and x must be different arrays to be read in place: g is masked where it lies
    const inPlace = this.ringReady() && g !== y && g !== x && y !== x;
    const keep: [number, number][] = [];
    for (const [name, array] of [
      ['g', g],
      ['y', y],
      ['x', dw ? x : null],
    ] as const) {
      if (!array) continue;
      const found = inPlace ? ring.find(array) : -1;
      if (found >= 0) {
        operands[name] = found;
        keep.push([found, found + array.length * 8]);
      } else view.set(array, operands[name] / 8);
    }
    if (y) ring.forget(g);
    if (dx) view.set(w, wAt / 8);
    if (dx && inPlace) {
      const slot = ring.claim(dx, keep);
      if (slot >= 0) packs[0]!.c = slot;
    }
    this.exports.linearGrad(operands.g, operands.y, dbAt, m, n);
    // dx = dz·w (m×n · n×k) and dw = dzᵀ·x (dz read transposed: n×m · m×k)
    const products: number[][] = [];
    const outputs: [Float64Array, number][] = [];
    for (const [i, out, rows, depth, b, transA] of [
      [0, dx, m, n, wAt, 0],
      [1, dw, n, m, operands.x, 1],
    ] as const) {
      const pack = packs[i];
      if (!out || !pack) continue;
      const args = [pack.a, pack.b, operands.g, b, pack.c, rows, depth, k, transA, 0, 0, 0];
      products.push([...args, 0, 1, 0, rows, 0, k, 0, 0]); // one batch item, every row and column
      outputs.push([out, pack.c]);
    }
    if (threaded) this.pool!.runEach(products, 2, this.kernel);
    else for (const args of products) this.kernel(...args);
    for (const [out, c] of outputs) out.set(view.subarray(c / 8, c / 8 + out.length));
    if (db) db.set(view.subarray(dbAt / 8, dbAt / 8 + n));
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
    // repack most of the other operand, so the threads split the depth and the partial products are
    // summed. Its k axis is the slow axis of both stored operands, so a piece of depth is contiguous.
    const threads = Math.min(getNumThreads(), Math.floor(flops / this.threadMinFlops) || 1);
    if (threads > 1 && batch === 1 && transA && !transB && k >= DEPTH_SPLIT_RATIO * Math.max(m, n)) {
      const ready = this.threads(threads);
      if (ready > 1 && this.depthSplit(a, b, out, m, k, n, ready)) return;
    }
    const call = { a, b, out, m, k, n, transA, transB };
    if (!this.run(call, batch, aStride, bStride, null, false, false)) {
      this.base.matmul(a, b, out, m, k, n, transA, transB, batch, aStride, bStride);
    }
  };

  /**
   * `Kernels.linear`: the product x·wᵀ as `matmul` runs it, then the bias and relu in WebAssembly
   * on the output before it is copied out; the copies of x and of the output stay resident for the
   * backward pass.
   */
  readonly linear: Kernels['linear'] = (x, w, bias, out, m, k, n, relu) => {
    const call = { a: x, b: w, out, m, k, n, transA: false, transB: true };
    const large = m > 0 && n > 0 && k > 0 && m * n * k >= this.minFlops;
    if (!large || !this.run(call, 1, 0, 0, bias, relu, true))
      this.base.linear(x, w, bias, out, m, k, n, relu);
  };

  /**
   * Copies a (batched) product in, runs it on one thread or several, applies the epilogue (`bias`
   * added to every row, then relu) and copies it out; false when the memory cannot hold it. With
   * `resident`, A's copy and C stay in the ring of copies where the ring has room.
   */
  private run(
    { a, b, out, m, k, n, transA, transB }: MatmulCall,
    batch: number,
    aStride: number,
    bStride: number,
    bias: Float64Array | null,
    relu: boolean,
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
    args.push(0, batch, 0, m, 0, n, bias === null ? 0 : biasAt, relu ? 1 : 0);
    if (threads === 1) {
      this.kernel(...args);
    } else {
      // several chunks per thread, so that a thread the system wakes late leaves its share to the others
      const perChunk = Math.ceil(extent / (threads * CHUNKS_PER_THREAD));
      const chunkSize = split === Split.Batch ? perChunk : Math.max(MIN_CHUNK, roundUp(perChunk, 4));
      const job = { args, split, total: extent, chunkSize, participants: threads };
      this.pool!.run({ ...job, scratchStride: scratchSize }, this.kernel);
    }
    out.set(view.subarray(cAt / 8, cAt / 8 + cLength));
    return true;
  }
}

if (KERNEL_ARITY !== 20) throw new Error('internal: wasm matmul takes 20 arguments');

let compiled: { api: WasmApi; module: WasmModule; shared: boolean; fused: boolean } | null | undefined;

function compile(): typeof compiled {
  const api = wasmApi();
  if (!api || !hasSimd()) return null;
  const fused = hasRelaxedSimd();
  const shared = hasSharedMemory();
  const name = `${fused ? 'relaxed' : 'simd'}${shared ? 'Shared' : ''}` as const;
  // synchronous compilation: the module is about 2 KiB, under the 4 KiB browsers allow on the main thread
  return { api, module: new api.Module(decodeBase64(matmulWasm[name])), shared, fused };
}

/** Facts about a 'wasm' kernels object, for tests and benchmarks. */
export interface WasmKernelInfo {
  /** Relaxed-SIMD fused multiply-add in use. */
  readonly fused: boolean;
  /** Memory shared, so worker threads are possible. */
  readonly shared: boolean;
  /** The elementwise kernels (unary, binary, sumTo) run in WebAssembly too, not only matmul. */
  readonly elementwise: boolean;
  /** Worker threads started so far (0 until a product large enough needs them). */
  readonly workers: number;
  /** Chunks of threaded products that workers (not the calling thread) ran so far. */
  readonly workerChunks: number;
  /** Operands a fused dense layer's backward pass read where earlier kernels left them, not copied in. */
  readonly residentHits: number;
  /**
   * Bytes of WebAssembly memory held by the matmul and elementwise kernels: each memory grows to the
   * largest operands seen, is reused by every later call, and never shrinks.
   */
  readonly memoryBytes: number;
}

/** Thresholds of `createWasmKernels`; tests set them to 0 to send every product through WASM and threads. */
export interface WasmKernelOptions {
  /** Products below this many multiply-adds stay on the base kernel. Default `WASM_MIN_FLOPS`. */
  minFlops?: number;
  /** Multiply-adds each thread must have before another is woken. Default `THREAD_MIN_FLOPS`. */
  threadMinFlops?: number;
  /** Elementwise arrays below this many elements stay on the base kernels. Default `WASM_MIN_ELEMENTS`. */
  minElements?: number;
  /** Bytes kept for resident copies; 0 copies every operand in. Default `RESIDENT_BYTES`. */
  residentBytes?: number;
}

/** The 'wasm' backend: `Kernels` plus what it found at start-up. */
export type WasmKernels = Kernels & { readonly wasm: WasmKernelInfo };

/**
 * The 'wasm' backend built on `base`: matmul runs in WebAssembly SIMD (products below
 * `WASM_MIN_FLOPS` stay on `base.matmul`), and so do the elementwise kernels the module covers on
 * arrays of `WASM_MIN_ELEMENTS` or more; every other kernel is `base`'s. Null where WebAssembly
 * SIMD is unavailable. Each call makes an independent instance with its own memory (grown as
 * products require, reused across calls) and, on first need, its own worker pool.
 */
export function createWasmKernels(base: Kernels, options: WasmKernelOptions = {}): WasmKernels | null {
  if (compiled === undefined) compiled = compile();
  const found = compiled;
  if (!found) return null;
  const { api, module, shared, fused } = found;
  // A shared memory reserves its maximum up front; where 4 GiB of address space is refused (32-bit
  // or mobile browsers), settle for less: larger products then stay on the base kernel.
  let memory: WasmMemory | null = null;
  let maxPages = 0;
  for (const pages of [MAX_PAGES, MAX_PAGES / 4, MAX_PAGES / 16, MAX_PAGES / 64]) {
    try {
      memory = new api.Memory({ initial: 16, maximum: pages, shared });
      maxPages = pages;
      break;
    } catch {}
  }
  if (!memory) return null;
  const minFlops = options.minFlops ?? WASM_MIN_FLOPS;
  const threadMinFlops = Math.max(1, options.threadMinFlops ?? THREAD_MIN_FLOPS);
  const resident = new ResidentCopies(roundUp(Math.max(0, options.residentBytes ?? RESIDENT_BYTES), PAGE));
  const state = new WasmMatmul(api, module, memory, maxPages, base, minFlops, threadMinFlops, resident);
  const elementwise = createWasmElementwise(api, base, options.minElements);
  const kernels: WasmKernels = {
    ...base,
    ...(elementwise && {
      unary: elementwise.unary,
      binary: elementwise.binary,
      sumTo: elementwise.sumTo,
      sumAxis: elementwise.sumAxis,
      maxAxis: elementwise.maxAxis,
    }),
    name: 'wasm',
    wasm: {
      fused,
      shared,
      elementwise: elementwise !== null,
      get workers() {
        return state.workers;
      },
      get workerChunks() {
        return state.workerChunks;
      },
      get residentHits() {
        return resident.hits;
      },
      get memoryBytes() {
        return state.memoryBytes + (elementwise?.memoryBytes ?? 0);
      },
    },
    matmul: state.matmul,
    linear: state.linear,
    linearBackward: (...args) => {
      if (!state.fusedLinearBackward(...args)) linearBackwardWith(kernels, ...args);
    },
    matmulPair: state.matmulPair,
  };
  return kernels;
}
