// Tensor: an n-d float64 node of the graph, with NumPy broadcasting and PyTorch's autograd semantics.

import { describe, formatNumber, formatShape, ShapeError } from './errors.js';
import { backpropagate } from './graph/backward.js';
import { GraphNode } from './graph/node.js';
import { isRecording } from './graph/recording.js';
import { normalizeSlice, type SliceIndex, type SliceSpec } from './ops/slice.js';
import { type Raw, type TensorOpAttrs, type TensorOpName, tensorOps } from './ops/tensor-ops.js';
import { createRng, type Rng } from './random.js';
import { broadcastShapes, checkShape, normalizeAxis, sameShape, sizeOf } from './shape.js';
import { flattenInto, type NestedArray, nestedShape, unflatten } from './tensor-create.js';
import type { BackwardOptions } from './value.js';

/** What the elementwise ops accept as their other operand: a Tensor or a number. */
export type TensorLike = Tensor | number;

/** Options of `tensor()` and the constructors. */
export interface TensorOptions {
  /** The shape to read flat data as; by default the nested array's shape, or `[length]` for flat data. */
  shape?: readonly number[];
  /** Whether gradients should flow into this leaf. Default false. */
  requiresGrad?: boolean;
  /** A name for `toDot`. */
  label?: string;
}

/** Options of the random constructors. */
export interface RandomOptions {
  /** The generator to draw from (see `createRng`); by default a shared generator seeded with 0. */
  rng?: Rng;
  /** Whether gradients should flow into this leaf. Default false. */
  requiresGrad?: boolean;
}

let sharedRng: Rng | null = null;
function rngOf(options: RandomOptions): Rng {
  if (options.rng !== undefined) return options.rng;
  sharedRng ??= createRng(0);
  return sharedRng;
}

/**
 * An n-dimensional array of float64 that records how it was computed. Storage is a contiguous
 * row-major `Float64Array` the garbage collector frees. Operations broadcast like NumPy; tensors
 * with `requiresGrad` (and everything computed from them) are recorded, and `backward()` fills
 * `grad` on them, as in PyTorch.
 *
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = w.matmul(tensor([1, -1])).pow(2).sum();
 * loss.backward();
 * w.grad!.toArray(); // [[-2, 2], [-2, 2]]
 * ```
 */
export class Tensor extends GraphNode<Tensor> {
  /** The size of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The elements in row-major order. Optimizers update it in place. */
  readonly data: Float64Array;
  /** A name for `toDot`; empty by default. */
  label: string;
  /** @internal */
  _requiresGrad: boolean;
  /** @internal The attributes of the op that made this tensor (null for a leaf). */
  readonly _attrs: unknown;

  /**
   * A leaf tensor over `data` read with `shape` (the array is used as it is, not copied). Most code
   * uses `tensor()` instead, which copies and accepts nested arrays.
   *
   * @example
   * ```ts
   * const t = new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
   * ```
   */
  constructor(data: Float64Array, shape: readonly number[], options: Omit<TensorOptions, 'shape'> = {}) {
    if (!(data instanceof Float64Array))
      throw new TypeError(`Tensor: expected a Float64Array, got ${describe(data)}`);
    const checked = checkShape(shape, 'Tensor');
    if (sizeOf(checked) !== data.length) {
      throw new ShapeError(`Tensor: ${data.length} values do not fill shape ${formatShape(checked)}`);
    }
    super('', []);
    this.shape = checked;
    this.data = data;
    this.label = options.label ?? '';
    this._requiresGrad = options.requiresGrad ?? false;
    this._attrs = null;
  }

  /** @internal The output of `op`; recorded when recording is on and an input requires grad. */
  static _apply<K extends TensorOpName>(op: K, inputs: Tensor[], attrs: TensorOpAttrs[K]): Tensor {
    const raw: Raw = tensorOps[op].forward(inputs, attrs);
    const out = new Tensor(raw.data, raw.shape);
    if (isRecording() && inputs.some((t) => t._requiresGrad)) {
      const writable = out as unknown as { op: string; parents: readonly Tensor[]; _attrs: unknown };
      writable.op = op;
      writable.parents = inputs;
      writable._attrs = attrs;
      out._requiresGrad = true;
    }
    return out;
  }

  /** @internal A constant leaf (a gradient mask, a detached maximum). */
  _constant(data: Float64Array, shape: readonly number[]): Tensor {
    return new Tensor(data, shape);
  }

  // ---- fields -------------------------------------------------------------------------------

  /**
   * Whether gradients flow into this tensor. Settable on leaves only; a computed tensor requires grad
   * exactly when one of its inputs did.
   *
   * @example
   * ```ts
   * const w = Tensor.zeros([3]); w.requiresGrad = true;
   * ```
   */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(flag: boolean) {
    if (typeof flag !== 'boolean')
      throw new TypeError(`requiresGrad: expected a boolean, got ${describe(flag)}`);
    if (this.op !== '') {
      throw new Error(
        `requiresGrad: only a leaf tensor can change it; this one was made by ${this.op} (use detach())`,
      );
    }
    this._requiresGrad = flag;
  }

  /**
   * The accumulated gradient, shaped like this tensor, or null before any backward pass. Treat it as
   * read-only; assign null (or call `zeroGrad()`) to reset.
   *
   * @example
   * ```ts
   * const x = tensor([1, 2], { requiresGrad: true }); x.mul(x).sum().backward();
   * x.grad!.toArray(); // [2, 4]
   * ```
   */
  get grad(): Tensor | null {
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor))
      throw new TypeError(`grad: expected a Tensor or null, got ${describe(g)}`);
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new ShapeError(
        `grad: a gradient of shape ${formatShape(g.shape)} for a tensor of shape ${formatShape(this.shape)}`,
      );
    }
    this._grad = g;
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  // ---- graph hooks ----------------------------------------------------------------------------

  /** @internal */
  get _tracked(): boolean {
    return this._requiresGrad;
  }

  /** @internal */
  _vjp(g: Tensor): readonly (Tensor | null)[] {
    const rule = tensorOps[this.op as TensorOpName] as unknown as {
      backward(g: Tensor, out: Tensor, needs: readonly boolean[]): (Tensor | null)[];
    };
    if (rule === undefined) throw new Error(`internal: no backward rule for tensor op '${this.op}'`);
    return rule.backward(
      g,
      this,
      this.parents.map((p) => p._requiresGrad),
    );
  }

  /** @internal */
  _sumGrads(a: Tensor, b: Tensor): Tensor {
    return a.add(b);
  }

  /** @internal */
  _seed(op: string): Tensor {
    if (this.data.length !== 1) {
      throw new ShapeError(
        `${op}: needs a single-element output, got shape ${formatShape(this.shape)}: reduce it first (sum, mean)${op === 'backward' ? ' or pass a gradient of the same shape' : ''}`,
      );
    }
    return new Tensor(new Float64Array([1]), this.shape);
  }

  /** @internal */
  _zerosLike(): Tensor {
    return new Tensor(new Float64Array(this.data.length), this.shape);
  }

  /** @internal */
  override _asInput(): Tensor {
    return this._requiresGrad ? this : new Tensor(this.data, this.shape, { requiresGrad: true });
  }

  /** @internal A leaf's gradient is its own array: never the caller's seed or another leaf's. */
  override _keepGrad(g: Tensor, createGraph: boolean): Tensor {
    return createGraph || this.op !== '' ? g : new Tensor(g.data.slice(), g.shape);
  }

  /** @internal */
  override _fitGrad(g: Tensor, childOp: string): Tensor {
    if (sameShape(g.shape, this.shape)) return g;
    const joint = broadcastShapes(this.shape, g.shape, childOp);
    if (!sameShape(joint, g.shape)) {
      throw new Error(
        `internal: ${childOp} produced a gradient of shape ${formatShape(g.shape)} for an input of shape ${formatShape(this.shape)}`,
      );
    }
    return g.sumTo(this.shape);
  }

  /** @internal */
  _summary(): { label: string; data: string; grad: string } {
    const show = (t: Tensor | null): string => {
      if (t === null) return 'none';
      if (t.size <= 4) return `${formatShape(t.shape)} ${Array.from(t.data, formatNumber).join(' ')}`;
      return formatShape(t.shape);
    };
    return { label: this.label, data: show(this), grad: show(this._grad) };
  }

  // ---- elementwise ----------------------------------------------------------------------------

  private binary(op: 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum', other: TensorLike): Tensor {
    return Tensor._apply(op, [this, toTensor(other, op)], null);
  }

  /**
   * this + other, broadcasting as NumPy does.
   *
   * @example
   * ```ts
   * tensor([[1], [2]]).add(tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
   * ```
   */
  add(other: TensorLike): Tensor {
    return this.binary('add', other);
  }

  /**
   * this - other, broadcasting. For `2 - t` write `sub(2, t)`.
   *
   * @example
   * ```ts
   * tensor([3, 4]).sub(1).toArray(); // [2, 3]
   * ```
   */
  sub(other: TensorLike): Tensor {
    return this.binary('sub', other);
  }

  /**
   * this · other elementwise, broadcasting.
   *
   * @example
   * ```ts
   * tensor([1, 2]).mul(3).toArray(); // [3, 6]
   * ```
   */
  mul(other: TensorLike): Tensor {
    return this.binary('mul', other);
  }

  /**
   * this / other elementwise, broadcasting.
   *
   * @example
   * ```ts
   * tensor([1, 2]).div(2).toArray(); // [0.5, 1]
   * ```
   */
  div(other: TensorLike): Tensor {
    return this.binary('div', other);
  }

  /**
   * this raised to a power, elementwise: a number or a tensor of exponents (broadcasting). A negative
   * base needs an integer exponent.
   *
   * @example
   * ```ts
   * tensor([2, 3]).pow(2).toArray(); // [4, 9]
   * ```
   */
  pow(exponent: TensorLike): Tensor {
    if (typeof exponent === 'number') {
      if (!Number.isFinite(exponent))
        throw new TypeError(`pow: the exponent must be a finite number, got ${exponent}`);
      if (!Number.isInteger(exponent)) {
        const i = this.data.findIndex((v) => v < 0);
        if (i >= 0)
          throw new RangeError(
            `pow: a negative base ${this.data[i]} (element ${i}) has no real power ${exponent}`,
          );
      }
      return Tensor._apply('pow', [this], { exponent });
    }
    const b = toTensor(exponent, 'pow');
    const out = Tensor._apply('pow', [this, b], { exponent: null });
    if (!this.data.some(Number.isNaN) && !b.data.some(Number.isNaN)) {
      const i = out.data.findIndex(Number.isNaN);
      if (i >= 0) throw new RangeError(`pow: element ${i} raises a negative base to a non-integer power`);
    }
    return out;
  }

  /**
   * The larger of this and other, elementwise; at a tie each gets half the gradient.
   *
   * @example
   * ```ts
   * tensor([1, 5]).maximum(3).toArray(); // [3, 5]
   * ```
   */
  maximum(other: TensorLike): Tensor {
    return this.binary('maximum', other);
  }

  /**
   * The smaller of this and other, elementwise; at a tie each gets half the gradient.
   *
   * @example
   * ```ts
   * tensor([1, 5]).minimum(3).toArray(); // [1, 3]
   * ```
   */
  minimum(other: TensorLike): Tensor {
    return this.binary('minimum', other);
  }

  /**
   * -this.
   *
   * @example
   * ```ts
   * tensor([1, -2]).neg().toArray(); // [-1, 2]
   * ```
   */
  neg(): Tensor {
    return Tensor._apply('neg', [this], null);
  }

  /**
   * e to the power of each element.
   *
   * @example
   * ```ts
   * tensor([0]).exp().toArray(); // [1]
   * ```
   */
  exp(): Tensor {
    return Tensor._apply('exp', [this], null);
  }

  /**
   * The natural logarithm of each element; log(0) = -Infinity, a negative element is a RangeError.
   *
   * @example
   * ```ts
   * tensor([1, Math.E]).log().toArray(); // [0, 1]
   * ```
   */
  log(): Tensor {
    const i = this.data.findIndex((v) => v < 0);
    if (i >= 0)
      throw new RangeError(`log: element ${i} is ${this.data[i]}, outside the domain of log (x >= 0)`);
    return Tensor._apply('log', [this], null);
  }

  /**
   * The hyperbolic tangent of each element.
   *
   * @example
   * ```ts
   * tensor([0]).tanh().toArray(); // [0]
   * ```
   */
  tanh(): Tensor {
    return Tensor._apply('tanh', [this], null);
  }

  /**
   * max(x, 0) per element; the gradient at 0 is 0.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).relu().toArray(); // [0, 2]
   * ```
   */
  relu(): Tensor {
    return Tensor._apply('relu', [this], null);
  }

  /**
   * 1 / x per element.
   *
   * @example
   * ```ts
   * tensor([2, 4]).reciprocal().toArray(); // [0.5, 0.25]
   * ```
   */
  reciprocal(): Tensor {
    return Tensor._apply('reciprocal', [this], null);
  }

  /**
   * |x| per element; the gradient at 0 is 0.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).abs().toArray(); // [1, 2]
   * ```
   */
  abs(): Tensor {
    return Tensor._apply('abs', [this], null);
  }

  /**
   * The logistic function per element, recorded as the walkthrough's four nodes A = -x, B = exp(A),
   * C = B + 1, D = 1 / C when every element is ≥ 0, and as B = exp(x), C = B + 1, R = 1 / C,
   * D = B·R when every element is < 0: in each form the exponential is at most 1, so value and gradient
   * stay finite and exact for every finite input. A tensor with both signs takes
   * e^min(x, 0) / (1 + e^-|x|), which is each of the two forms on its own elements (derivatives of every
   * order included).
   *
   * @example
   * ```ts
   * tensor([0, 1000, -1000]).sigmoid().toArray(); // [0.5, 1, 0]
   * ```
   */
  sigmoid(): Tensor {
    let nonNegative = true;
    let negative = true;
    for (let i = 0; i < this.data.length; i++) {
      const v = this.data[i]!;
      if (v >= 0) negative = false;
      else if (v < 0) nonNegative = false;
    }
    if (nonNegative) return this.neg().exp().add(1).reciprocal();
    if (negative) {
      const b = this.exp();
      return b.mul(b.add(1).reciprocal());
    }
    // Constant per-element masks pick the form, so every derivative is that form's: x·[x < 0] is
    // min(x, 0) and x·(±1) is |x| without a kink (min and abs would split or drop gradients at 0 and
    // make the second derivative wrong there).
    // (With an infinite element, x·0 would be NaN: there min and abs stand in, exact to first order.)
    if (!this.data.every((v) => Number.isFinite(v) || Number.isNaN(v))) {
      return this.minimum(0).exp().mul(this.abs().neg().exp().add(1).reciprocal());
    }
    const negMask = new Float64Array(this.data.length);
    const sign = new Float64Array(this.data.length);
    for (let i = 0; i < sign.length; i++) {
      const isNeg = this.data[i]! < 0;
      negMask[i] = isNeg ? 1 : 0;
      sign[i] = isNeg ? -1 : 1;
    }
    const shifted = this.mul(this._constant(negMask, this.shape)).exp(); // e^min(x, 0)
    const tail = this.mul(this._constant(sign, this.shape)).neg().exp(); // e^-|x|
    return shifted.mul(tail.add(1).reciprocal());
  }

  // ---- linear algebra -------------------------------------------------------------------------

  /**
   * The matrix product with NumPy's rules: 1-D·1-D is the inner product, a 1-D operand is a row (left)
   * or column (right) vector that is removed from the result, and leading (batch) axes broadcast.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).matmul(tensor([1, 1])).toArray(); // [3, 7]
   * tensor([1, 2, 3]).matmul(tensor([4, 5, 6])).item();       // 32
   * ```
   */
  matmul(other: Tensor): Tensor {
    if (!(other instanceof Tensor)) throw new TypeError(`matmul: expected a Tensor, got ${describe(other)}`);
    if (this.ndim === 0 || other.ndim === 0) {
      throw new ShapeError(
        `matmul: cannot multiply ${formatShape(this.shape)} by ${formatShape(other.shape)}: scalars have no matrix product (use mul)`,
      );
    }
    const k = this.shape[this.ndim - 1]!;
    const kb = other.ndim === 1 ? other.shape[0]! : other.shape[other.ndim - 2]!;
    if (k !== kb) {
      throw new ShapeError(
        `matmul: cannot multiply ${formatShape(this.shape)} by ${formatShape(other.shape)}: inner dimensions ${k} and ${kb} differ`,
      );
    }
    const a = this.ndim === 1 ? this.reshape([1, k]) : this;
    const b = other.ndim === 1 ? other.reshape([kb, 1]) : other;
    try {
      broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
    } catch {
      throw new ShapeError(
        `matmul: cannot multiply ${formatShape(this.shape)} by ${formatShape(other.shape)}: batch dimensions do not broadcast`,
      );
    }
    let out = a._matmul(b, false, false);
    if (this.ndim === 1 || other.ndim === 1) {
      const shape = out.shape.slice(0, -2);
      if (this.ndim !== 1) shape.push(out.shape[out.ndim - 2]!);
      if (other.ndim !== 1) shape.push(out.shape[out.ndim - 1]!);
      out = out.reshape(shape);
    }
    return out;
  }

  /** @internal op(this)·op(b) on operands of rank ≥ 2 whose shapes are already checked. */
  _matmul(b: Tensor, transA: boolean, transB: boolean): Tensor {
    return Tensor._apply('matmul', [this, b], { transA, transB });
  }

  // ---- reductions -----------------------------------------------------------------------------

  /**
   * The axis a reduction named `op` runs over: null for all elements, else a non-negative index. A 0-D
   * tensor accepts 0 and -1, as in PyTorch, and reduces over its one element.
   */
  private reductionAxis(axis: number | null | undefined, keepDims: unknown, op: string): number | null {
    if (typeof keepDims !== 'boolean')
      throw new TypeError(`${op}: keepDims must be a boolean, got ${describe(keepDims)}`);
    if (axis === undefined || axis === null) return null;
    if (this.ndim === 0 && (axis === 0 || axis === -1)) return null;
    return normalizeAxis(axis, this.ndim, op);
  }

  private reduction(op: 'sum' | 'max', axis: number | null | undefined, keepDims: boolean): Tensor {
    return Tensor._apply(op, [this], { axis: this.reductionAxis(axis, keepDims, op), keepDims });
  }

  /** A 0-D tensor as [1] for the ops over an axis (softmax and its kin), and the axis to use. */
  private withAxis(axis: number, op: string): [Tensor, number] {
    if (this.ndim === 0 && (axis === 0 || axis === -1)) return [this.reshape([1]), 0];
    return [this, normalizeAxis(axis, this.ndim, op)];
  }

  /**
   * The sum of all elements, or along one axis (negative axes count from the end); `keepDims` keeps
   * the reduced axis with size 1.
   *
   * @example
   * ```ts
   * const t = tensor([[1, 2], [3, 4]]);
   * t.sum().item();            // 10
   * t.sum(0).toArray();        // [4, 6]
   * t.sum(-1, true).toArray(); // [[3], [7]]
   * ```
   */
  sum(axis?: number | null, keepDims = false): Tensor {
    return this.reduction('sum', axis, keepDims);
  }

  /**
   * The mean of all elements, or along one axis.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).mean(1).toArray(); // [1.5, 3.5]
   * ```
   */
  mean(axis?: number | null, keepDims = false): Tensor {
    // the arguments are checked here first, so an error names mean, not the sum inside it
    const ax = this.reductionAxis(axis, keepDims, 'mean');
    const count = ax === null ? this.size : this.shape[ax]!;
    return this.sum(ax, keepDims).div(count);
  }

  /**
   * The maximum of all elements, or along one axis; the gradient goes to the maximal elements
   * (shared evenly at ties).
   *
   * @example
   * ```ts
   * tensor([[1, 5], [7, 2]]).max(1).toArray(); // [5, 7]
   * ```
   */
  max(axis?: number | null, keepDims = false): Tensor {
    const ax = this.reductionAxis(axis, keepDims, 'max');
    this.checkNotEmpty(ax, 'max', 'maximum');
    return Tensor._apply('max', [this], { axis: ax, keepDims });
  }

  /** Refuses a maximum or minimum over no elements (other axes of an empty tensor may be reduced). */
  private checkNotEmpty(axis: number | null, op: string, what: string): void {
    if (axis === null ? this.size === 0 : this.shape[axis] === 0) {
      throw new RangeError(
        `${op}: cannot take the ${what} over no elements: ${axis === null ? 'the tensor' : `axis ${axis}`} of ${formatShape(this.shape)} is empty`,
      );
    }
  }

  /**
   * The minimum of all elements, or along one axis.
   *
   * @example
   * ```ts
   * tensor([[1, 5], [7, 2]]).min(1).toArray(); // [1, 2]
   * ```
   */
  min(axis?: number | null, keepDims = false): Tensor {
    const ax = this.reductionAxis(axis, keepDims, 'min');
    this.checkNotEmpty(ax, 'min', 'minimum');
    return this.neg().max(ax, keepDims).neg();
  }

  /**
   * The index of the maximum along an axis (of all elements, flattened, without one), as a tensor
   * that takes no gradient. Ties go to the first index; a NaN counts as the maximum, as in NumPy.
   *
   * @example
   * ```ts
   * tensor([[1, 5], [7, 2]]).argmax(1).toArray(); // [1, 0]
   * ```
   */
  argmax(axis?: number | null): Tensor {
    if (this.size === 0)
      throw new RangeError(`argmax: an empty tensor ${formatShape(this.shape)} has no maximum`);
    if (axis === undefined || axis === null) {
      // a NaN is the maximum, as in NumPy: the first one wins
      let best = 0;
      for (let i = 1; i < this.size && !Number.isNaN(this.data[best]!); i++) {
        const v = this.data[i]!;
        if (v > this.data[best]! || Number.isNaN(v)) best = i;
      }
      return new Tensor(new Float64Array([best]), []);
    }
    const ax = normalizeAxis(axis, this.ndim, 'argmax');
    const len = this.shape[ax]!;
    let inner = 1;
    for (let d = ax + 1; d < this.ndim; d++) inner *= this.shape[d]!;
    const outer = this.size / (len * inner);
    const out = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        let bestValue = this.data[o * len * inner + i]!;
        for (let j = 1; j < len && !Number.isNaN(bestValue); j++) {
          const v = this.data[(o * len + j) * inner + i]!;
          if (v > bestValue || Number.isNaN(v)) {
            best = j;
            bestValue = v;
          }
        }
        out[o * inner + i] = best;
      }
    }
    const shape = this.shape.slice();
    shape.splice(ax, 1);
    return new Tensor(out, shape);
  }

  /**
   * log Σ exp(x) along an axis, computed stably: the maximum m is subtracted first and added back,
   * log Σ exp(x - m) + m, so large inputs do not overflow.
   *
   * @example
   * ```ts
   * tensor([[1000, 1000]]).logSumExp(1).toArray(); // [1000.6931471805599]
   * ```
   */
  logSumExp(axis: number, keepDims = false): Tensor {
    if (typeof keepDims !== 'boolean') {
      throw new TypeError(`logSumExp: keepDims must be a boolean, got ${describe(keepDims)}`);
    }
    const [x, ax] = this.withAxis(axis, 'logSumExp');
    const m = x._detachedMax(ax);
    const out = x.sub(m).exp().sum(ax, true).log().add(m);
    if (this.ndim === 0) return out.reshape([]);
    return keepDims ? out : out.reshape(this.shape.filter((_, d) => d !== ax));
  }

  /**
   * log softmax along an axis (default the last), computed as (x - m) - log Σ exp(x - m) with m the
   * maximum: stable for any input, and exact where the shifted values are.
   *
   * @example
   * ```ts
   * tensor([0, 0]).logSoftmax().toArray(); // [-0.6931471805599453, -0.6931471805599453]
   * ```
   */
  logSoftmax(axis = -1): Tensor {
    const [x, ax] = this.withAxis(axis, 'logSoftmax');
    const z = x.sub(x._detachedMax(ax));
    return z.sub(z.exp().sum(ax, true).log()).reshape(this.shape);
  }

  /**
   * softmax along an axis (default the last): exp(x - m) / Σ exp(x - m) with m the maximum, so no
   * exponential overflows.
   *
   * @example
   * ```ts
   * tensor([1000, 1000]).softmax().toArray(); // [0.5, 0.5]
   * ```
   */
  softmax(axis = -1): Tensor {
    const [x, ax] = this.withAxis(axis, 'softmax');
    const e = x.sub(x._detachedMax(ax)).exp();
    return e.div(e.sum(ax, true)).reshape(this.shape);
  }

  /** The maximum along an axis with keepDims, as a constant; non-finite maxima become 0 so x - m stays defined. */
  private _detachedMax(axis: number): Tensor {
    if (this.size === 0) {
      // an empty axis still leaves one (zero) shift per slice: [2,0] along axis 1 has shape [2,1]
      const shape = this.shape.map((d, i) => (i === axis ? 1 : d));
      return this._constant(new Float64Array(sizeOf(shape)), shape);
    }
    const m = this.detach().max(axis, true);
    for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) m.data[i] = 0;
    return m;
  }

  // ---- shape ----------------------------------------------------------------------------------

  /**
   * The same elements read with another shape (one axis may be -1, inferred). Shares storage.
   *
   * @example
   * ```ts
   * Tensor.arange(6).reshape([2, 3]).shape; // [2, 3]
   * Tensor.arange(6).reshape([-1, 2]).shape; // [3, 2]
   * Tensor.arange(6).reshape(3, 2).shape;    // [3, 2], PyTorch's spelling
   * ```
   */
  reshape(...dims: [readonly number[]] | number[]): Tensor {
    // reshape([2, 3]) as NumPy writes it, reshape(2, 3) as PyTorch does
    const raw: unknown = dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims;
    if (!Array.isArray(raw) || raw.some((d) => typeof d !== 'number')) {
      throw new TypeError(`reshape: expected an array of integers, got ${describe(dims[0])}`);
    }
    const shape = raw as readonly number[];
    const target = shape.slice();
    const free = target.indexOf(-1);
    if (target.filter((d) => d === -1).length > 1)
      throw new RangeError(`reshape: only one axis can be -1, got ${formatShape(target)}`);
    if (free >= 0) {
      const rest = sizeOf(target.filter((_, i) => i !== free));
      if (rest === 0 || this.size % rest !== 0) {
        throw new ShapeError(
          `reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)}`,
        );
      }
      target[free] = this.size / rest;
    }
    checkShape(target, 'reshape');
    if (sizeOf(target) !== this.size) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`,
      );
    }
    if (sameShape(target, this.shape)) return this;
    return Tensor._apply('reshape', [this], { shape: target });
  }

  /**
   * The tensor with all axes flattened into one.
   *
   * @example
   * ```ts
   * Tensor.zeros([2, 3]).flatten().shape; // [6]
   * ```
   */
  flatten(): Tensor {
    return this.reshape([this.size]);
  }

  /**
   * Inserts an axis of size 1 at `axis` (negative counts from the end of the result).
   *
   * @example
   * ```ts
   * tensor([1, 2]).unsqueeze(0).shape; // [1, 2]
   * ```
   */
  unsqueeze(axis: number): Tensor {
    const ax = normalizeAxis(axis, this.ndim + 1, 'unsqueeze');
    const shape = this.shape.slice();
    shape.splice(ax, 0, 1);
    return this.reshape(shape);
  }

  /**
   * Removes an axis of size 1 (every such axis without an argument).
   *
   * @example
   * ```ts
   * Tensor.zeros([1, 3, 1]).squeeze().shape; // [3]
   * ```
   */
  squeeze(axis?: number): Tensor {
    if (axis === undefined) return this.reshape(this.shape.filter((d) => d !== 1));
    const ax = normalizeAxis(axis, this.ndim, 'squeeze');
    if (this.shape[ax] !== 1) {
      throw new ShapeError(
        `squeeze: axis ${axis} of ${formatShape(this.shape)} has size ${this.shape[ax]}, not 1`,
      );
    }
    return this.reshape(this.shape.filter((_, d) => d !== ax));
  }

  /**
   * Reorders the axes: axis i of the result is axis `dims[i]` of this tensor.
   *
   * @example
   * ```ts
   * Tensor.zeros([2, 3, 4]).permute(2, 0, 1).shape; // [4, 2, 3]
   * ```
   */
  permute(...dims: number[]): Tensor {
    if (dims.length !== this.ndim) {
      throw new RangeError(`permute: ${dims.length} axes given for a tensor of rank ${this.ndim}`);
    }
    const normal = dims.map((d) => normalizeAxis(d, this.ndim, 'permute'));
    if (new Set(normal).size !== normal.length) {
      throw new RangeError(`permute: the axes [${dims.join(',')}] repeat an axis`);
    }
    if (normal.every((d, i) => d === i)) return this;
    return Tensor._apply('permute', [this], { dims: normal });
  }

  /**
   * Swaps two axes; without arguments on a 2-D tensor, the matrix transpose (a 0-D or 1-D tensor is
   * returned as it is), as in PyTorch.
   *
   * @example
   * ```ts
   * tensor([[1, 2, 3]]).transpose().shape;          // [3, 1]
   * Tensor.zeros([2, 3, 4]).transpose(0, 2).shape; // [4, 3, 2]
   * ```
   */
  transpose(dim0?: number, dim1?: number): Tensor {
    if (dim0 === undefined && dim1 === undefined) {
      if (this.ndim < 2) return this;
      if (this.ndim > 2) {
        throw new RangeError(`transpose: a tensor of rank ${this.ndim} needs the two axes to swap`);
      }
      return this.permute(1, 0);
    }
    if (dim0 === undefined || dim1 === undefined)
      throw new RangeError('transpose: give both axes or neither');
    const a = normalizeAxis(dim0, this.ndim, 'transpose');
    const b = normalizeAxis(dim1, this.ndim, 'transpose');
    const dims = this.shape.map((_, i) => i);
    dims[a] = b;
    dims[b] = a;
    return this.permute(...dims);
  }

  /**
   * All axes reversed (the matrix transpose for 2-D), as NumPy's `.T`.
   *
   * @example
   * ```ts
   * tensor([[1, 2, 3]]).T.shape; // [3, 1]
   * ```
   */
  get T(): Tensor {
    return this.permute(...this.shape.map((_, i) => this.ndim - 1 - i));
  }

  /**
   * This tensor's elements repeated along broadcast axes to `shape`, as NumPy's `broadcast_to`; the
   * gradient sums the copies back.
   *
   * @example
   * ```ts
   * tensor([1, 2]).broadcastTo([2, 2]).toArray(); // [[1, 2], [1, 2]]
   * ```
   */
  broadcastTo(shape: readonly number[]): Tensor {
    const target = checkShape(shape, 'broadcastTo');
    const joint = broadcastShapes(this.shape, target, 'broadcastTo');
    if (!sameShape(joint, target)) {
      throw new ShapeError(
        `broadcastTo: cannot broadcast ${formatShape(this.shape)} to ${formatShape(target)}`,
      );
    }
    if (sameShape(target, this.shape)) return this;
    return Tensor._apply('broadcastTo', [this], { shape: target });
  }

  /**
   * Sums this tensor down to `shape`, a shape that broadcasts to this one: the reverse of `broadcastTo`,
   * and what the reverse pass does to a broadcast gradient.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).sumTo([2]).toArray(); // [4, 6]
   * ```
   */
  sumTo(shape: readonly number[]): Tensor {
    const target = checkShape(shape, 'sumTo');
    const joint = broadcastShapes(target, this.shape, 'sumTo');
    if (!sameShape(joint, this.shape)) {
      throw new ShapeError(`sumTo: cannot sum ${formatShape(this.shape)} down to ${formatShape(target)}`);
    }
    if (sameShape(target, this.shape)) return this;
    return Tensor._apply('sumTo', [this], { shape: target });
  }

  /**
   * Basic slicing, one index per leading axis: a number picks one position and drops the axis,
   * `[start, end, step]` keeps a range as Python's `start:end:step` (parts optional, negatives count
   * from the end), `null` keeps the whole axis. The result is a copy.
   *
   * @example
   * ```ts
   * const t = Tensor.arange(12).reshape([3, 4]);
   * t.slice(1).toArray();                 // [4, 5, 6, 7]
   * t.slice(null, [1, 3]).shape;          // [3, 2]
   * t.slice([0, 3, 2], -1).toArray();     // [3, 11]
   * ```
   */
  slice(...indices: SliceIndex[]): Tensor {
    return this._slice(normalizeSlice(this.shape, indices, 'slice'));
  }

  /**
   * Picks elements along an axis by index, as PyTorch's `gather` and NumPy's `take_along_axis`:
   * `index` has this tensor's rank and shape except along `axis`, and out[…, j, …] is
   * this[…, index[…, j, …], …]. The gradient goes back to the picked positions (summed where one is
   * picked twice). Picking each row's label from log-probabilities is `logp.gather(1, labels)`.
   *
   * @example
   * ```ts
   * tensor([[1, 2, 3], [4, 5, 6]]).gather(1, tensor([[2], [0]])).toArray(); // [[3], [4]]
   * ```
   */
  gather(axis: number, index: Tensor): Tensor {
    if (!(index instanceof Tensor))
      throw new TypeError(`gather: the index must be a Tensor, got ${describe(index)}`);
    const ax = normalizeAxis(axis, this.ndim, 'gather');
    if (index.ndim !== this.ndim || index.shape.some((d, i) => i !== ax && d !== this.shape[i])) {
      throw new ShapeError(
        `gather: an index of shape ${formatShape(index.shape)} does not fit a tensor of shape ${formatShape(this.shape)} along axis ${axis}: the shapes must agree on every other axis`,
      );
    }
    const len = this.shape[ax]!;
    const picks = new Int32Array(index.size);
    for (let i = 0; i < picks.length; i++) {
      const k = index.data[i]!;
      if (!Number.isInteger(k) || k < 0 || k >= len) {
        throw new RangeError(
          `gather: index ${k} (element ${i}) is out of range for axis ${axis} of size ${len}`,
        );
      }
      picks[i] = k;
    }
    return this._gather(ax, picks, index.shape);
  }

  /** @internal gather with checked indices. */
  _gather(axis: number, index: Int32Array, indexShape: readonly number[]): Tensor {
    return Tensor._apply('gather', [this], { axis, index, indexShape });
  }

  /** @internal gather's transpose: zeros of `inShape` with this tensor's elements added at the picks. */
  _scatterAdd(axis: number, index: Int32Array, inShape: readonly number[]): Tensor {
    return Tensor._apply('scatterAdd', [this], { axis, index, inShape });
  }

  /** @internal */
  _slice(spec: SliceSpec): Tensor {
    return Tensor._apply('slice', [this], { spec });
  }

  /** @internal The slice's inverse: zeros of the sliced tensor's shape with this tensor written in place. */
  _unslice(spec: SliceSpec): Tensor {
    return Tensor._apply('unslice', [this], { spec });
  }

  // ---- values ---------------------------------------------------------------------------------

  /**
   * The single element of a one-element tensor, as a number.
   *
   * @example
   * ```ts
   * tensor([[3]]).item(); // 3
   * ```
   */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        `item: a tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not one`,
      );
    }
    return this.data[0]!;
  }

  /**
   * The elements as nested arrays (a number for a 0-D tensor).
   *
   * @example
   * ```ts
   * Tensor.eye(2).toArray(); // [[1, 0], [0, 1]]
   * ```
   */
  toArray(): NestedArray {
    return unflatten(this.data, this.shape);
  }

  /**
   * A leaf sharing this tensor's storage that takes no gradient: the graph stops here.
   *
   * @example
   * ```ts
   * const prediction = tensor([1, 2], { requiresGrad: true }).mul(3);
   * const target = prediction.detach();
   * target.requiresGrad; // false
   * ```
   */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Backpropagates from this tensor: adds d(this)/d(t) to `grad` of every tensor below it that requires
   * grad. Without `gradient` this must hold a single element; otherwise `gradient` (of this tensor's
   * shape) is the vector in the vector-Jacobian product. Gradients accumulate over calls.
   *
   * @example
   * ```ts
   * const x = tensor([1, 2, 3], { requiresGrad: true });
   * x.mul(x).sum().backward();
   * x.grad!.toArray(); // [2, 4, 6]
   * ```
   */
  backward(gradient?: Tensor | NestedArray | BackwardOptions, options: BackwardOptions = {}): void {
    // backward({ createGraph: true }) reads as Value's backward(options): a plain object is options
    if (isOptions(gradient)) {
      this.backward(undefined, gradient);
      return;
    }
    if (!this._requiresGrad) {
      throw new Error(
        'backward: this tensor does not require grad: no tensor it was computed from has requiresGrad: true',
      );
    }
    let seed: Tensor;
    if (gradient === undefined) seed = this._seed('backward');
    else {
      seed = gradient instanceof Tensor ? gradient : fromNested(gradient, 'backward');
      if (!sameShape(seed.shape, this.shape)) {
        throw new ShapeError(
          `backward: the gradient has shape ${formatShape(seed.shape)} but the tensor has shape ${formatShape(this.shape)}`,
        );
      }
      // a gradient the caller owns is copied: every array the pass reads as a gradient is then one
      // it made itself, which a kernel may have kept a copy of (kernels/wasm/resident.ts)
      if (seed === gradient && !options.createGraph) seed = new Tensor(seed.data.slice(), seed.shape);
    }
    backpropagate(this, seed, options.createGraph ?? false);
  }

  /**
   * Resets this tensor's accumulated gradient to null.
   *
   * @example
   * ```ts
   * const w = tensor([1, 2], { requiresGrad: true });
   * w.sum().backward();
   * w.zeroGrad(); w.grad; // null
   * ```
   */
  zeroGrad(): void {
    this._grad = null;
  }

  /** `tensor([[1, 2], [3, 4]], shape=[2,2])` and, when it requires grad, `requiresGrad=true`. */
  override toString(): string {
    const body = JSON.stringify(this.toArray()).replaceAll(',', ', ');
    return `tensor(${body}, shape=${formatShape(this.shape)}${this._requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  /**
   * Joins tensors along an existing axis; all other axes must agree.
   *
   * @example
   * ```ts
   * Tensor.concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
   * ```
   */
  static concat(tensors: readonly Tensor[], axis = 0): Tensor {
    if (!Array.isArray(tensors) || tensors.length === 0)
      throw new TypeError('concat: expected a non-empty array of tensors');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`concat: element ${i} is ${describe(t)}, not a Tensor`);
    });
    const first = tensors[0]!;
    if (first.ndim === 0) throw new ShapeError('concat: cannot join 0-D tensors (use stack)');
    const ax = normalizeAxis(axis, first.ndim, 'concat');
    for (const t of tensors) {
      if (t.ndim !== first.ndim || t.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
        throw new ShapeError(
          `concat: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} differ outside axis ${axis}`,
        );
      }
    }
    if (tensors.length === 1) return first;
    return Tensor._apply('concat', tensors.slice(), { axis: ax });
  }

  /**
   * Joins tensors of one shape along a new axis.
   *
   * @example
   * ```ts
   * Tensor.stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
   * ```
   */
  static stack(tensors: readonly Tensor[], axis = 0): Tensor {
    if (!Array.isArray(tensors) || tensors.length === 0)
      throw new TypeError('stack: expected a non-empty array of tensors');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`stack: element ${i} is ${describe(t)}, not a Tensor`);
    });
    const first = tensors[0]!;
    for (const t of tensors) {
      if (!sameShape(t.shape, first.shape)) {
        throw new ShapeError(
          `stack: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} are not all equal`,
        );
      }
    }
    const ax = normalizeAxis(axis, first.ndim + 1, 'stack');
    return Tensor.concat(
      tensors.map((t) => t.unsqueeze(ax)),
      ax,
    );
  }

  // ---- constructors -----------------------------------------------------------------------------

  /**
   * A tensor of zeros.
   *
   * @example
   * ```ts
   * Tensor.zeros([2, 3]).shape; // [2, 3]
   * ```
   */
  static zeros(shape: readonly number[], options: Omit<TensorOptions, 'shape'> = {}): Tensor {
    return Tensor.full(shape, 0, options);
  }

  /**
   * A tensor of ones.
   *
   * @example
   * ```ts
   * Tensor.ones([2]).toArray(); // [1, 1]
   * ```
   */
  static ones(shape: readonly number[], options: Omit<TensorOptions, 'shape'> = {}): Tensor {
    return Tensor.full(shape, 1, options);
  }

  /**
   * A tensor filled with one number.
   *
   * @example
   * ```ts
   * Tensor.full([2], 7).toArray(); // [7, 7]
   * ```
   */
  static full(shape: readonly number[], fill: number, options: Omit<TensorOptions, 'shape'> = {}): Tensor {
    const s = checkShape(shape, 'full');
    if (typeof fill !== 'number')
      throw new TypeError(`full: the fill value must be a number, got ${describe(fill)}`);
    const data = new Float64Array(sizeOf(s));
    if (!Object.is(fill, 0)) data.fill(fill); // -0 too: 1/-0 is -Infinity
    return new Tensor(data, s, options);
  }

  /**
   * Standard normal draws (Box–Muller from the given generator).
   *
   * @example
   * ```ts
   * const w = Tensor.randn([3, 2], { rng: createRng(1), requiresGrad: true });
   * ```
   */
  static randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
    const s = checkShape(shape, 'randn');
    const rng = rngOf(options);
    const data = new Float64Array(sizeOf(s));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return new Tensor(data, s, { requiresGrad: options.requiresGrad ?? false });
  }

  /**
   * Uniform draws from [0, 1).
   *
   * @example
   * ```ts
   * Tensor.rand([4], { rng: createRng(1) });
   * ```
   */
  static rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
    const s = checkShape(shape, 'rand');
    const rng = rngOf(options);
    const data = new Float64Array(sizeOf(s));
    for (let i = 0; i < data.length; i++) data[i] = rng.next();
    return new Tensor(data, s, { requiresGrad: options.requiresGrad ?? false });
  }

  /**
   * Evenly spaced numbers in [start, stop): `arange(n)` is 0, 1, …, n-1.
   *
   * @example
   * ```ts
   * Tensor.arange(4).toArray();       // [0, 1, 2, 3]
   * Tensor.arange(1, 2, 0.5).toArray(); // [1, 1.5]
   * ```
   */
  static arange(start: number, stop?: number, step = 1): Tensor {
    const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
    for (const [name, v] of [
      ['start', lo],
      ['stop', hi],
      ['step', step],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new TypeError(`arange: ${name} must be a finite number, got ${String(v)}`);
    }
    if (step === 0) throw new RangeError('arange: step must not be 0');
    const n = Math.max(0, Math.ceil((hi - lo) / step));
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = lo + i * step;
    return new Tensor(data, [n]);
  }

  /**
   * The n×m identity matrix (m defaults to n).
   *
   * @example
   * ```ts
   * Tensor.eye(2).toArray(); // [[1, 0], [0, 1]]
   * ```
   */
  static eye(n: number, m = n, options: Omit<TensorOptions, 'shape'> = {}): Tensor {
    const t = Tensor.zeros(checkShape([n, m], 'eye'), options);
    for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
    return t;
  }
}

function isOptions(x: unknown): x is BackwardOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor);
}

/** @internal A new leaf from a number or nested arrays, checked, with errors naming `op`. */
export function fromNested(x: NestedArray, op: string): Tensor {
  const shape = nestedShape(x, op);
  const data = new Float64Array(sizeOf(shape));
  flattenInto(x, data);
  return new Tensor(data, shape);
}

/** @internal Lifts a number to a 0-D constant and rejects anything that is not a Tensor, naming the op. */
export function toTensor(x: unknown, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return new Tensor(new Float64Array([x]), []);
  throw new TypeError(`${op}: expected a Tensor or a number, got ${describe(x)}`);
}
