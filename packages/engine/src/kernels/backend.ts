// The kernel interface: synchronous loops over Float64Arrays that know nothing of graphs.

import type { Params } from '../ops/elementwise/declaration.js';
import type { BinaryOpName, UnaryOpName } from '../ops/elementwise/index.js';

/**
 * Elementwise functions of one array: every unary op declared in `ops/elementwise`, the internal
 * masks included (`step` is [x > 0], `isZero` is [x = 0]).
 */
export type UnaryKernelOp = UnaryOpName;

/**
 * Elementwise functions of two arrays: every binary op declared in `ops/elementwise`. `gtHalf` is 1
 * where a > b, 1/2 where a = b and 0 where a < b: how maximum and minimum share their gradient at
 * ties, as PyTorch does. `reluGrad` is a·[b > 0], the relu backward in one pass: exactly the numbers
 * of a·step(b).
 */
export type BinaryKernelOp = BinaryOpName;

/**
 * The operations a kernel backend provides: every loop over a tensor's elements that the engine runs
 * is one of these, so a backend can be swapped (TypeScript loops, WebAssembly SIMD) without touching
 * an op. Every kernel writes into an output array the caller allocated (or returns a number) and
 * never allocates per element. A backend is a `KernelTable` (`defineKernels`): an op added here
 * without an implementation in a backend does not compile (test/kernel-ops.typecheck.ts).
 *
 * What a kernel keeps. No kernel keeps a reference to an argument, or to anything reached through
 * it, after it returns, with one exception: the 'wasm' backend's dense-layer kernels (`linear`,
 * `linearBackward`) leave copies of some operands in WebAssembly memory (wasm/resident.ts) and
 * record each against its array in a WeakMap, a weak reference that keeps nothing alive. A later
 * kernel reads such a copy instead of the array only when all of these hold: the slot has not been
 * overwritten since, the argument is the same array object, the slot is as long as the array, and
 * the array has never escaped (escape.ts: the public API handed it out through `data` or adopted it
 * in `new Tensor`), so only the engine can have written it, and the engine writes only into arrays
 * it has just allocated, before a kernel keeps a copy of them. Otherwise the array is copied in again.
 *
 * No result depends on the backend, the thread count or a size threshold: the 'ts' and 'wasm'
 * kernels give the same bits (matrix products sum in one order, `MATMUL_BLOCK_DEPTH`, and round each
 * multiply and add as 'ts' does: no fused multiply-add, even where relaxed SIMD would allow one).
 *
 * @internal
 */
export interface Kernels {
  /** The backend's name, as `getBackend()` reports it. */
  readonly name: string;
  /**
   * out[i] = op(x[i]) with the op's parameters (elu's alpha, clamp's bounds), if any. `out` may be `x`.
   * `out` may arrive with any contents (output.ts: allocated without the zero fill): every element is
   * written.
   */
  unary(op: UnaryKernelOp, x: Float64Array, out: Float64Array, params?: Params): void;
  /**
   * out = op(a, b) with NumPy broadcasting: `outShape` is the broadcast of `aShape` and `bShape`
   * (already checked). `out` may alias an operand of the output's shape. As for `unary`, every
   * element of `out` is written, whatever it held.
   */
  binary(
    op: BinaryKernelOp,
    a: Float64Array,
    aShape: readonly number[],
    b: Float64Array,
    bShape: readonly number[],
    out: Float64Array,
    outShape: readonly number[],
    params?: Params,
  ): void;
  /**
   * out = where(cond, a, b) with NumPy broadcasting of the three: a's element where cond's is nonzero
   * (NaN included), else b's. `outShape` is the broadcast of the three shapes (already checked); `out`
   * aliases no operand.
   */
  where(
    cond: Float64Array,
    condShape: readonly number[],
    a: Float64Array,
    aShape: readonly number[],
    b: Float64Array,
    bShape: readonly number[],
    out: Float64Array,
    outShape: readonly number[],
  ): void;
  /** Copies `x` of shape `xShape` broadcast to `outShape` into `out`. */
  broadcastTo(
    x: Float64Array,
    xShape: readonly number[],
    out: Float64Array,
    outShape: readonly number[],
  ): void;
  /** Sums `x` of shape `xShape` down to `outShape`, which broadcasts to `xShape`: undoes a broadcast. */
  sumTo(x: Float64Array, xShape: readonly number[], out: Float64Array, outShape: readonly number[]): void;
  /** x viewed as [outer, len, inner]: out[o, i] = Σ_j x[o, j, i]. */
  sumAxis(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void;
  /** x viewed as [outer, len, inner]: out[o, i] = max_j x[o, j, i] (NaN if any is NaN). */
  maxAxis(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void;
  /**
   * x viewed as [outer, len, inner]: out[o, j, i] = Σ_{k ≤ j} x[o, k, i], added in order of k (from the
   * end, Σ_{k ≥ j}, when `reverse`). `out` never aliases `x`.
   */
  cumsum(
    x: Float64Array,
    outer: number,
    len: number,
    inner: number,
    reverse: boolean,
    out: Float64Array,
  ): void;
  /**
   * Batched matrix product C = op(A)·op(B), overwriting every element of `out` (which may arrive
   * with any contents: output.ts). For batch item t, A starts at `t·aStride` and holds m×k (k×m when
   * `transA`, read transposed), B starts at `t·bStride` and holds k×n (n×k when `transB`), C starts
   * at `t·m·n` and holds m×n, all row-major. A stride of 0 broadcasts one matrix over the batch.
   * `out` never aliases `a` or `b`.
   */
  matmul(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    batch: number,
    aStride: number,
    bStride: number,
  ): void;
  /**
   * A dense layer's forward, fused: `out` (m×n) = x·op(w) + bias, then max(·, 0) when `relu`, where x
   * is m×k and op(w) is k×n: w stored n×k and read transposed (as `Linear` stores its weight) when
   * `layout.wTransposed`, else stored k×n. The bias is null, or holds n values added to every row, or
   * (`layout.biasPerRow`, a bias of shape [m, 1]) m values, one added across each row. The numbers
   * are exactly those of `matmul` followed by the binary add and the unary relu of the same backend,
   * each result rounded as those ops round it; fused, the product's output is not copied out and back
   * in twice more. `out` aliases nothing; it may arrive with any contents (output.ts), and every
   * element is written.
   */
  linear(
    x: Float64Array,
    w: Float64Array,
    bias: Float64Array | null,
    out: Float64Array,
    m: number,
    k: number,
    n: number,
    relu: boolean,
    layout: DenseLayout,
  ): void;
  /**
   * A dense layer's backward, fused: given the output gradient `g` (m×n) and, for a relu layer, its
   * output `y` (null otherwise), dz = g where y > 0 (g·0 where y <= 0, NaN where y is NaN), then
   * dx = dz·op(w)ᵀ (m×k), dw = the gradient of w as `layout` stores it (dzᵀ·x, n×k, when
   * `wTransposed`; else xᵀ·dz, k×n) and db = dz summed down the rows (n), or along each row (m) when
   * `layout.biasPerRow`, each into its array when that is not null. The numbers are exactly those of
   * the binary reluGrad, `matmulPair` (or two `matmul` calls) and `sumTo` of the same backend; fused,
   * dz is computed where the products read it. The outputs alias nothing. dx and dw may arrive with
   * any contents (output.ts) and are written whole; db arrives zeroed.
   */
  linearBackward(
    g: Float64Array,
    y: Float64Array | null,
    x: Float64Array,
    w: Float64Array,
    dx: Float64Array | null,
    dw: Float64Array | null,
    db: Float64Array | null,
    m: number,
    k: number,
    n: number,
    layout: DenseLayout,
  ): void;
  /**
   * Two independent products of single matrices, exactly as two `matmul` calls give them (a backend
   * may compute each whole on one thread where `matmul` would split it): a layer's input gradient and
   * weight gradient, which a backend with threads may run side by side. Each `out` may arrive with
   * any contents (output.ts) and is written whole, as `matmul` overwrites its output.
   */
  matmulPair(first: MatmulCall, second: MatmulCall): void;
  /** x viewed as [outer, len, inner]: out[o, i] = Π_j x[o, j, i], multiplied in order of j; 1 when len is 0. */
  prodAxis(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void;
  /**
   * x viewed as [outer, len, inner]: out[o, i] = the first j where x[o, j, i] is the maximum over j,
   * a NaN counting as the maximum (the first NaN wins), as NumPy's argmax. len ≥ 1 unless outer·inner = 0.
   */
  argmaxAxis(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void;
  /** Copies `x` of `shape` with its axes reordered into `out`: axis d of `out` is axis dims[d] of `x`. */
  permute(x: Float64Array, shape: readonly number[], dims: readonly number[], out: Float64Array): void;
  /**
   * x viewed as [outer, xLen, inner], `index` and `out` as [outer, len, inner]: out[o, j, i] =
   * x[o, index[o, j, i], i]. Every index is in [0, xLen) (the op checks).
   */
  gather(
    x: Float64Array,
    xLen: number,
    index: Int32Array,
    outer: number,
    len: number,
    inner: number,
    out: Float64Array,
  ): void;
  /**
   * gather's reverse: x and `index` viewed as [outer, len, inner], `out` as [outer, outLen, inner]:
   * out[o, index[o, j, i], i] += x[o, j, i], added in order of (o, j, i) onto what `out` holds.
   */
  scatterAdd(
    x: Float64Array,
    index: Int32Array,
    outer: number,
    len: number,
    inner: number,
    out: Float64Array,
    outLen: number,
  ): void;
  /** `out` viewed as [outer, Σ widths]: row o is row o of each part in turn, part p viewed as [outer, widths[p]]. */
  concat(parts: readonly Float64Array[], widths: readonly number[], outer: number, out: Float64Array): void;
  /** The elements of `x` (of shape view.inShape) that `view` selects, into `out` in row-major order of the selection. */
  slice(x: Float64Array, view: StridedView, out: Float64Array): void;
  /** slice's reverse: `x` written where `view` selects in `out` (of shape view.inShape); the rest of `out` is left as it is. */
  unslice(x: Float64Array, view: StridedView, out: Float64Array): void;
  /** out[i] = value. */
  fill(out: Float64Array, value: number): void;
  /** out[i] = start + i·step, each element computed from i. */
  arange(out: Float64Array, start: number, step: number): void;
  /** `out` viewed as rows×cols: out[i·cols + i] = value for i < min(rows, cols); the rest is left as it is. */
  fillDiagonal(out: Float64Array, rows: number, cols: number, value: number): void;
  /** out[i] = next(), called once per element in order of i (draws from a generator). */
  generate(out: Float64Array, next: () => number): void;
  /** out[i] = f(inputs[0][i], inputs[1][i], …), called once per element in order of i (a custom op). */
  map(inputs: readonly Float64Array[], f: (...args: number[]) => number, out: Float64Array): void;
  /** The first i where test(x[i]) holds, or -1: the ops' checks of their inputs. */
  findIndex(x: Float64Array, test: (v: number) => boolean): number;
  /** The first i where x[i] < min or x[i] > max, or -1 (NaN is never outside): domain and sign checks. */
  findOutside(x: Float64Array, min: number, max: number): number;
  /** The first i where x[i] is NaN, or -1. */
  findNaN(x: Float64Array): number;
  /**
   * The elements of x as indices into `out` (of x's length): -1 when every one is an integer in
   * [0, bound), else the position of the first that is not.
   */
  toIndices(x: Float64Array, bound: number, out: Int32Array): number;
}

/** Every operation of `Kernels`, each one required: what a backend must implement. */
export type KernelTable = { readonly [K in keyof Kernels]-?: Kernels[K] };

/**
 * A backend from its table of kernels. The table names every operation: an operation added to
 * `Kernels` without an implementation here is a type error, in every backend.
 *
 * @internal
 */
export function defineKernels<T extends KernelTable>(table: T): T {
  return table;
}

/**
 * A strided selection of an array of shape `inShape`: per axis, the first index, the step between
 * indices and how many are taken (a normalised slice).
 */
export interface StridedView {
  readonly inShape: readonly number[];
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly counts: readonly number[];
}

/** How `Kernels.linear` reads its weight and bias. */
export interface DenseLayout {
  /** The weight is stored n×k and read transposed (`Linear`'s layout, x·wᵀ); else it is k×n (x·w). */
  readonly wTransposed: boolean;
  /** The bias holds one value per row of the output (shape [m, 1]); else one per column (n values). */
  readonly biasPerRow: boolean;
}

/** `Linear`'s layout: x·wᵀ with w stored [out, in], a bias per output column. */
export const LINEAR_LAYOUT: DenseLayout = Object.freeze({ wTransposed: true, biasPerRow: false });

/** One product C = op(A)·op(B) of single matrices, as `Kernels.matmul` takes it with batch 1. */
export interface MatmulCall {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly out: Float64Array;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
}
