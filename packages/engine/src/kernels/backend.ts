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
 * The operations a kernel backend provides. Every kernel writes into an output array the caller
 * allocated and never allocates per element, so a backend can be swapped (TypeScript loops,
 * WebAssembly SIMD) without touching an op. A kernel may keep a copy of an argument's contents for a
 * later call (the WebAssembly backend's ring of a dense layer's operands) only while the array has
 * not escaped (escape.ts): an array the public API handed out or adopted may be written by code
 * outside the engine at any time, so its copy is never read. No result depends on the backend, the
 * thread count or a size threshold beyond floating-point rounding.
 *
 * @internal
 */
export interface Kernels {
  /** The backend's name, as `getBackend()` reports it. */
  readonly name: string;
  /** out[i] = op(x[i]) with the op's parameters (elu's alpha, clamp's bounds), if any. `out` may be `x`. */
  unary(op: UnaryKernelOp, x: Float64Array, out: Float64Array, params?: Params): void;
  /**
   * out = op(a, b) with NumPy broadcasting: `outShape` is the broadcast of `aShape` and `bShape`
   * (already checked). `out` may alias an operand of the output's shape.
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
   * Batched matrix product C = op(A)·op(B), overwriting `out`. For batch item t, A starts at
   * `t·aStride` and holds m×k (k×m when `transA`, read transposed), B starts at `t·bStride` and holds
   * k×n (n×k when `transB`), C starts at `t·m·n` and holds m×n, all row-major. A stride of 0
   * broadcasts one matrix over the batch. `out` never aliases `a` or `b`.
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
   * A dense layer's forward, fused: `out` (m×n) = x·wᵀ + bias, then max(·, 0) when `relu`, where x is
   * m×k and w is n×k (row-major, as `Linear` stores its weight) and bias has n elements or is null.
   * The numbers are exactly those of `matmul` (transB) followed by the binary add and the unary relu
   * of the same backend, each result rounded as those ops round it; fused, the product's output is
   * not copied out and back in twice more. `out` aliases nothing.
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
  ): void;
  /**
   * A dense layer's backward, fused: given the output gradient `g` (m×n) and, for a relu layer, its
   * output `y` (null otherwise), dz = g where y > 0 (g·0 where y <= 0, NaN where y is NaN), then
   * dx = dz·w (m×k), dw = dzᵀ·x (n×k) and db = dz summed down the rows (n), each into its array
   * when that is not null. The numbers are exactly those of the binary reluGrad, `matmulPair` (or
   * two `matmul` calls) and `sumTo` of the same backend; fused, dz is computed where the products read
   * it. The outputs alias nothing.
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
  ): void;
  /**
   * Two independent products of single matrices, as two `matmul` calls give them up to rounding (a
   * backend may compute each whole on one thread where `matmul` would split it): a layer's input
   * gradient and weight gradient, which a backend with threads may run side by side. Optional;
   * without it the ops make the two calls.
   */
  matmulPair?(first: MatmulCall, second: MatmulCall): void;
}

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
