// Tensor's class: its fields and its place in the graph (the hooks the reverse pass calls). The static
// constructors (constructors.ts) and the methods live beside it by topic (elementwise.ts, matmul.ts,
// reductions.ts, shape-ops.ts, statistics.ts, values.ts), each file declaring them on the class and
// this module putting them on it when it loads (the calls at the end of this file).

import { describe, formatNumber, formatShape, ShapeError } from '../errors.js';
import { GraphNode } from '../graph/node.js';
import { isRecording, isTracing } from '../graph/recording.js';
import { hasEscaped, markEscaped } from '../kernels/escape.js';
import { declarationOf } from '../ops/elementwise/index.js';
import { fusedForward, type Plan, recordReaders, settleReaders } from '../ops/tensor/fusion.js';
import { type Raw, type TensorOpAttrs, type TensorOpName, tensorOps } from '../ops/tensor/index.js';
import { broadcastShapes, checkShape, sameShape, sizeOf } from '../shape.js';
import { checkLeafOptions } from '../tensor-options.js';
import { staticConstructors } from './constructors.js';
import type { TensorOptions } from './creation.js';
import { elementwiseMethods } from './elementwise.js';
import { matmulMethods } from './matmul.js';
import { reductionMethods } from './reductions.js';
import { shapeMethods } from './shape-ops.js';
import { statisticsMethods } from './statistics.js';
import { storageMethods } from './storage.js';
import { valueMethods } from './values.js';

/** What the elementwise ops accept as their other operand: a Tensor or a number. */
export type TensorLike = Tensor | number;

/** Whether `op`'s output can carry a gradient: every op but the declared ones without a derivative. */
function carriesGradient(op: string): boolean {
  return declarationOf(op)?.derivative !== null;
}

/** False only while `Tensor._of` constructs: every other construction adopts a caller's array. */
let adopting = true;

/** The plan `Tensor._planned` constructs with, instead of elements; null otherwise. */
let planning: Plan | null = null;

/** What a planned tensor is built with: no elements, and no array of any length to check. */
const NO_ELEMENTS = new Float64Array(0);

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
  /** @internal The elements once computed; null while a plan waits (`_plan`). Read through `_data`. */
  _store: Float64Array | null;
  /**
   * @internal What computes the elements when something first reads them, or null once they exist:
   * a dense layer's product or its sum with a bias, relu's mask of its gradient or that mask's sums,
   * which a fused step may never need (ops/tensor/fusion.ts).
   */
  _plan: Plan | null;
  /** @internal The tensor that owns this one's array: itself, or for an alias (reshape, detach) the tensor it shares it with. */
  _owner: Tensor;
  /** @internal On an array's owner: the plans that read the array and wait (ops/tensor/fusion.ts), or null. */
  _readers: Tensor[] | null;
  /** A name for `toDot`; empty by default. */
  label: string;
  /** @internal */
  _requiresGrad: boolean;
  /** @internal The attributes of the op that made this tensor (null for a leaf). */
  readonly _attrs: unknown;
  /**
   * @internal The leaf a backward rule made this gradient for, in an array no other tensor holds,
   * and the pass that made it (`currentPass()`): the mark counts in that pass only. Null and 0 on a
   * tensor no rule marked. See `_gradientFor`.
   */
  _madeFor: Tensor | null;
  /** @internal */
  _madeIn: number;

  /**
   * A leaf tensor over `data` read with `shape` (the array is used as it is, not copied). Most code
   * uses `tensor()` instead, which copies and accepts nested arrays. The caller keeps the array and
   * may write into it at any time: the engine then reads what it holds at each use (see `data`).
   *
   * @example
   * ```ts
   * const t = new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
   * ```
   */
  constructor(data: Float64Array, shape: readonly number[], options?: Omit<TensorOptions, 'shape'>) {
    if (!(data instanceof Float64Array))
      throw new TypeError(`Tensor: expected a Float64Array, got ${describe(data)}`);
    const checked = checkShape(shape, 'Tensor');
    const plan = planning;
    if (plan === null && sizeOf(checked) !== data.length) {
      throw new ShapeError(`Tensor: ${data.length} values do not fill shape ${formatShape(checked)}`);
    }
    const leaf = checkLeafOptions(options, 'Tensor');
    super('', []);
    this.shape = checked;
    this._store = plan === null ? data : null;
    this._plan = plan;
    this._owner = this;
    this._readers = null;
    if (adopting && plan === null) markEscaped(data);
    this.label = leaf.label;
    this._requiresGrad = leaf.requiresGrad;
    this._attrs = null;
    this._madeFor = null;
    this._madeIn = 0;
  }

  /**
   * @internal A tensor over an array the engine made and has handed to no one: unlike the constructor,
   * it does not mark the array as held outside the engine, so a kernel may keep a copy of it.
   */
  static _of(data: Float64Array, shape: readonly number[], options?: Omit<TensorOptions, 'shape'>): Tensor {
    adopting = false;
    try {
      return new Tensor(data, shape, options);
    } finally {
      adopting = true;
    }
  }

  /** @internal A tensor whose elements `plan` computes when they are first read (ops/tensor/fusion.ts). */
  static _planned(plan: Plan, shape: readonly number[]): Tensor {
    planning = plan;
    try {
      const t = Tensor._of(NO_ELEMENTS, shape);
      recordReaders(t, plan);
      return t;
    } finally {
      planning = null;
    }
  }

  /** @internal The elements, computed now if a plan was waiting; the engine reads them here, where reading hands nothing out. */
  get _data(): Float64Array {
    const data = this._store;
    return data !== null ? data : this._settle();
  }

  /**
   * @internal The output of `op`; recorded when recording is on and it requires grad (an input does,
   * and `op` has a derivative and is not `detached`, a maximum held constant). Inside `traceGraph` an
   * output that takes no gradient (a comparison, a mask, a detached maximum) is recorded too when an
   * input is in the graph, so exporters see what it was computed from; no gradient ever flows through
   * it (the reverse pass does not enter a node that does not require grad). Elsewhere it is a constant.
   */
  static _apply<K extends TensorOpName>(
    op: K,
    inputs: Tensor[],
    attrs: TensorOpAttrs[K],
    detached = false,
  ): Tensor {
    // a dense layer's steps may be planned or fused (ops/tensor/fusion.ts); every other op runs as declared
    const fused = fusedForward(op, inputs, attrs);
    let out: Tensor;
    if (fused === null) {
      const raw: Raw = tensorOps[op].forward(inputs, attrs);
      out = Tensor._of(raw.data, raw.shape);
      // an op that hands back its input's array (reshape) makes an alias of the array's owner
      for (const t of inputs) if (t._store === raw.data) out._owner = t._owner;
    } else
      out =
        fused.plan !== null ? Tensor._planned(fused.plan, fused.shape) : Tensor._of(fused.data, fused.shape);
    const requires = !detached && inputs.some((t) => t._requiresGrad) && carriesGradient(op);
    if (Tensor._records(inputs, requires)) {
      const writable = out as unknown as { op: string; parents: readonly Tensor[]; _attrs: unknown };
      writable.op = op;
      writable.parents = inputs;
      writable._attrs = attrs;
      out._requiresGrad = requires;
    }
    return out;
  }

  /**
   * @internal Whether an op on `inputs` records a node: while recording, when its output requires
   * grad, or inside `traceGraph` when an input is in the graph at all.
   */
  static _records(inputs: readonly Tensor[], requires: boolean): boolean {
    return isRecording() && (requires || (isTracing() && inputs.some((t) => t._inGraph)));
  }

  /** @internal Whether this tensor is part of a recorded graph: it requires grad, or an op recorded it (a traced node). */
  get _inGraph(): boolean {
    return this._requiresGrad || this.op !== '';
  }

  /** @internal A constant leaf (a number operand, a gradient's zero, a scan's padding). */
  _constant(data: Float64Array, shape: readonly number[]): Tensor {
    return Tensor._of(data, shape);
  }

  // ---- fields -------------------------------------------------------------------------------

  /**
   * Whether gradients flow into this tensor. Settable on leaves only; a computed tensor requires grad
   * exactly when one of its inputs did, except a comparison's result (`x.gt(0)`) and the masks and
   * detached maxima the engine computes with: those are recorded (with their op and inputs, so graph
   * pictures and `exportOnnx` see them) but never require grad, as PyTorch's bool tensors.
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

  /**
   * The elements in row-major order, the tensor's own storage: writing into it changes the tensor, as
   * optimizers do. Code may write into it at any time, also between a forward pass and `backward()`:
   * the backward pass then uses the values as they are when it runs, on every backend. (Handing the
   * array out tells the kernels so: a backend keeps no copy of an array code outside the engine holds.)
   *
   * @example
   * ```ts
   * const t = tensor([1, 2, 3]);
   * t.data[0] = 10;
   * t.toArray(); // [10, 2, 3]
   * ```
   */
  get data(): Float64Array {
    const data = this._data;
    // the plans that read this array compute now, while it holds what they were given
    if (!hasEscaped(data)) settleReaders(this);
    markEscaped(data);
    return data;
  }

  /** The number of elements. */
  get size(): number {
    return this._store !== null ? this._store.length : sizeOf(this.shape);
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
    if (this._data.length !== 1) {
      throw new ShapeError(
        `${op}: needs a single-element output, got shape ${formatShape(this.shape)}: reduce it first (sum, mean)${op === 'backward' ? ' or pass a gradient of the same shape' : ''}`,
      );
    }
    return Tensor._of(new Float64Array([1]), this.shape);
  }

  /** @internal */
  _zerosLike(): Tensor {
    return Tensor._of(new Float64Array(this.size), this.shape);
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
    return this._gradientFor(g.sumTo(this.shape));
  }

  /** @internal */
  override _opText(): string {
    const fused = this.op === 'linear' && (this._attrs as TensorOpAttrs['linear']).relu;
    return fused ? 'linear+relu' : this.op;
  }

  /** @internal */
  _summary(): { label: string; data: string; grad: string } {
    const show = (t: Tensor | null): string => {
      if (t === null) return 'none';
      if (t.size <= 4) return `${formatShape(t.shape)} ${Array.from(t._data, formatNumber).join(' ')}`;
      return formatShape(t.shape);
    };
    return { label: this.label, data: show(this), grad: show(this._grad) };
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

  /** `tensor([[1, 2], [3, 4]], shape=[2,2])` and, when it requires grad, `requiresGrad=true`. */
  override toString(): string {
    const body = JSON.stringify(this.toArray()).replaceAll(',', ', ');
    return `tensor(${body}, shape=${formatShape(this.shape)}${this._requiresGrad ? ', requiresGrad=true' : ''})`;
  }
}

// The methods declared in the files beside this one, put on the prototype as a class body puts its
// methods (not enumerable). Each file hands them over from a function declaration, which exists before
// any module body runs, so this works whichever file an import reaches first.
for (const methods of [
  elementwiseMethods(),
  matmulMethods(),
  reductionMethods(),
  shapeMethods(),
  statisticsMethods(),
  storageMethods(),
  valueMethods(),
]) {
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true });
  }
}
// and the static constructors on the class itself, as a class body puts its static methods
for (const [name, method] of Object.entries(staticConstructors())) {
  Object.defineProperty(Tensor, name, { value: method, writable: true, configurable: true });
}
