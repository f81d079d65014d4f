// Value: a scalar node of the graph, micrograd's object with PyTorch's accumulation semantics.

import { describe, formatNumber } from './errors.js';
import { backpropagate } from './graph/backward.js';
import { GraphNode } from './graph/node.js';
import { isRecording } from './graph/recording.js';
import { type Chunk, chunkFor, detachNext } from './graph/tape.js';
import { NO_PARAMS, type Params } from './ops/elementwise/declaration.js';
import type { ElementwiseMethods } from './ops/elementwise/index.js';
import { numericBackward, valueOrder } from './ops/value-backward.js';
import { applyValueOp, applyValueWhere, installValueMethods, valueVjp } from './ops/value-ops.js';
import { checkOptionKeys } from './tensor-options.js';
import { extra, installValueFields, type ValueExtra } from './value-fields.js';

/** What the scalar binary ops accept on their right: another Value or a plain number. */
export type ValueLike = Value | number;

/** Options of `backward()`. */
export interface BackwardOptions {
  /**
   * Record the backward pass itself, so that gradients are Values with a graph of their own and can be
   * differentiated again (second derivatives, Hessian-vector products). Default false.
   */
  createGraph?: boolean;
}

/**
 * @internal `backward`'s options read strictly, for Value and Tensor: a misspelt `creatGraph` or a
 * `createGraph: 'yes'` would otherwise record nothing without a word.
 */
export function createGraphOf(options: unknown): boolean {
  checkOptionKeys('backward', options, ['createGraph']);
  const flag = (options as BackwardOptions | undefined)?.createGraph ?? false;
  if (typeof flag !== 'boolean') {
    throw new TypeError(`backward: createGraph must be a boolean, got ${describe(flag)}`);
  }
  return flag;
}

/**
 * A scalar that remembers how it was computed. Every operation returns a new Value whose `op` and
 * `parents` record the step; `backward()` then fills `grad` on every Value below by the chain rule.
 *
 * @example
 * ```ts
 * const x = new Value(1, 'x');
 * const y = x.mul(x).add(x); // y = x² + x
 * y.backward();
 * console.log(y.data, x.grad); // 2 3
 * ```
 */
// The elementwise methods (add, mul, sin, clamp, …) come from the op declarations: typed here, installed
// on the prototype below the class.
export interface Value extends ElementwiseMethods<Value> {}

// A Value is a handle on one entry of a chunk (graph/tape.ts), where its number, its gradient, its op
// code and its walk mark live: the handle's own fields are its chunk, its index, its first two parents
// and its side record, never a boxed double, and no closure. Few fields keep a step's graph small,
// which is what the young generation's collector pays for (with eight, op and mark among them, the
// micrograd demo ran 1.4 times as long, bench/README.md). The handle holds its parents and side record
// itself (the record can hold Values: a gradient, where's third parent), so `parents` gives back the
// very Values the op was given, and nothing but reachable Values keeps a Value (or a chunk) alive; a
// chunk holds no Value. Entries are never reused: a kept Value always reads its own node.
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class Value extends GraphNode<Value> {
  /** @internal The chunk holding this node's number, gradient, op code and mark. */
  declare readonly _t: Chunk;
  /** @internal The node's entry in its chunk. */
  declare readonly _i: number;
  /** @internal The first parent (where's condition), or null. */
  declare _a: Value | null;
  /** @internal The second parent, or null. */
  declare _b: Value | null;
  /** @internal What few nodes have (a label, parameters, where's third parent, a gradient held as a Value), or null. */
  declare _x: ValueExtra | null;
  /** @internal The op's code (see `VALUE_OP_NAMES`), in the chunk: 0 for a leaf. */
  declare _op: number;
  /** @internal The third parent (where's second branch), in the side record, or null. */
  declare _c: Value | null;

  /**
   * A leaf Value.
   *
   * @example
   * ```ts
   * const w = new Value(0.5, 'w');
   * ```
   */
  constructor(data: number, label = '') {
    if (typeof data !== 'number') throw new TypeError(`value: expected a number, got ${describe(data)}`);
    if (typeof label !== 'string')
      throw new TypeError(`value: the label must be a string, got ${describe(label)}`);
    super();
    const t = chunkFor(data);
    const self = this as { _t: Chunk; _i: number };
    // every field set here, in this order, so that all Values share one shape; a fresh entry's op code
    // is already 0, a leaf (entries are never reused)
    self._t = t;
    self._i = t.length++;
    this._a = null;
    this._b = null;
    this._x = label === '' ? null : extra(label);
  }

  /** @internal This node's extra record, made on first use. */
  _extra(): ValueExtra {
    if (this._x === null) this._x = extra('');
    return this._x;
  }

  /** A name for `toDot` and `explain`; empty by default. */
  get label(): string {
    return this._x === null ? '' : this._x.label;
  }

  set label(name: string) {
    if (name !== '' || this._x !== null) this._extra().label = name;
  }

  /** @internal The op's parameters (clamp's bounds, pow's number exponent as `b`); empty for most. */
  get _params(): Params {
    return this._x === null ? NO_PARAMS : this._x.params;
  }

  /** @internal The accumulated gradient when it is held as a Value (the chunk's `gradState` is 2). */
  get _gv(): Value | null {
    return this._x === null ? null : this._x.gv;
  }

  set _gv(g: Value | null) {
    if (g !== null || this._x !== null) this._extra().gv = g;
  }

  /**
   * @internal Creates the output node of the op `code` on parents `a`, `b`, `c` (null where the op has
   * fewer); a leaf when recording is off.
   */
  static _node(
    code: number,
    a: Value,
    b: Value | null,
    c: Value | null,
    data: number,
    params: Params = NO_PARAMS,
  ): Value {
    const out = new Value(data);
    if (isRecording()) {
      out._t.op[out._i] = code;
      out._a = a;
      out._b = b;
      if (c !== null) out._extra().c = c;
      if (params !== NO_PARAMS) out._extra().params = params;
    }
    return out;
  }

  /** The number this node holds. Optimizers update it in place. */
  get data(): number {
    return this._t.data[this._i]!;
  }

  set data(x: number) {
    this._t.data[this._i] = x;
  }

  /** @internal The name of a custom op's node (CustomValue). */
  _customName(): string {
    return '';
  }

  /** @internal The inputs of a custom op's node (CustomValue). */
  _customInputs(): readonly Value[] {
    return [];
  }

  /** @internal The nodes below this one, each after its parents, in `topoOrder`'s order. */
  override _order(_trackedOnly: boolean): Value[] {
    return valueOrder(this);
  }

  /**
   * The accumulated gradient d(output)/d(this) as a number, 0 before any backward pass. Assigning a
   * number sets it (micrograd's `p.grad = 0`).
   *
   * @example
   * ```ts
   * const x = value(3); x.mul(x).backward(); x.grad; // 6
   * ```
   */
  get grad(): number {
    const state = this._t.gradState[this._i];
    if (state === 1) return this._t.grad[this._i]!;
    return state === 0 ? 0 : this._gv!.data;
  }

  set grad(g: number) {
    if (typeof g !== 'number') throw new TypeError(`grad: expected a number, got ${describe(g)}`);
    this._gv = null;
    // +0 is the state of no gradient; -0 is kept as a number, so that it reads back as -0
    this._t.gradState[this._i] = Object.is(g, 0) ? 0 : 1;
    this._t.grad[this._i] = g;
  }

  /**
   * The accumulated gradient as a Value, or null before any backward pass. After
   * `backward({ createGraph: true })` it carries the graph of the gradient computation, so it can be
   * differentiated again.
   *
   * @example
   * ```ts
   * const x = value(2); x.pow(3).backward({ createGraph: true });
   * const dx = x.gradValue!; // 3x² = 12
   * x.zeroGrad(); dx.backward(); x.grad; // 6x = 12
   * ```
   */
  get gradValue(): Value | null {
    return this._grad;
  }

  /** @internal */
  get _tracked(): boolean {
    return true;
  }

  /** @internal */
  _vjp(g: Value): readonly (Value | null)[] {
    return valueVjp(this, g);
  }

  /** @internal */
  _sumGrads(a: Value, b: Value): Value {
    return a.add(b);
  }

  /** @internal */
  _seed(_op: string): Value {
    return new Value(1);
  }

  /** @internal */
  _summary(): { label: string; data: string; grad: string } {
    return { label: this.label, data: formatNumber(this.data), grad: formatNumber(this.grad) };
  }

  /** @internal */
  _zerosLike(): Value {
    return new Value(0);
  }

  /**
   * this raised to a power: a number, or a Value exponent (then the exponent gets a gradient too). A
   * finite negative base needs an integer exponent; infinities give their limits, as C's pow does.
   * For a number base write `pow(2, x)`.
   *
   * @example
   * ```ts
   * value(2).pow(3).data; // 8
   * value(2).pow(value(3)).data; // 8
   * ```
   */
  pow(exponent: ValueLike): Value {
    const e = exponent instanceof Value ? exponent.data : exponent;
    if (typeof e !== 'number') {
      throw new TypeError(`pow: the exponent must be a number or a Value, got ${describe(exponent)}`);
    }
    // only a negative base to a finite non-integer power has no real value; infinities have their
    // limits ((-2)^∞ = ∞) and a NaN propagates, as on tensors
    if (this.data < 0 && Number.isFinite(this.data) && Number.isFinite(e) && !Number.isInteger(e)) {
      throw new RangeError(`pow: a negative base ${this.data} has no real power ${e}`);
    }
    if (exponent instanceof Value) return applyValueOp('pow', [this, exponent], NO_PARAMS);
    return applyValueOp('pow', [this], { b: e });
  }

  /**
   * The same Value's number as a new leaf: no graph behind it, so no gradient flows back through it.
   *
   * @example
   * ```ts
   * const x = value(3); const y = x.mul(x.detach()); y.backward();
   * x.grad; // 3
   * ```
   */
  detach(): Value {
    detachNext(); // in a chunk of its own kind: keeping it keeps no step's numbers alive
    return new Value(this.data);
  }

  /**
   * This Value where `cond` is nonzero (NaN included), else `other`: PyTorch's `x.where(cond, y)`, the
   * method form of `where(cond, x, y)`. One node, `where`; the gradient goes to the branch taken.
   *
   * @example
   * ```ts
   * const x = value(-3); const y = x.where(x.gt(0), 0); y.backward();
   * [y.data, x.grad]; // [0, 0]
   * ```
   */
  where(cond: ValueLike, other: ValueLike): Value {
    return applyValueWhere(toValue(cond, 'where'), this, toValue(other, 'where'));
  }

  /**
   * The logistic function 1 / (1 + e^-x), recorded as the walkthrough's chain of four nodes
   * A = -x, B = exp(A), C = B + 1, D = 1 / C. For x < 0 that chain would overflow (e^-x = ∞, and its
   * gradient 0·∞ = NaN), so there the equal form B = exp(x), C = B + 1, R = 1 / C, D = B·R is
   * recorded instead: every intermediate stays in [0, 2] and value and gradient are finite and exact.
   *
   * @example
   * ```ts
   * const x = value(1); const s = x.sigmoid(); s.backward();
   * s.data; // 0.7310585786300049
   * x.grad; // 0.19661193324148188
   * ```
   */
  sigmoid(): Value {
    if (this.data >= 0) return this.neg().exp().add(1).reciprocal();
    const b = this.exp();
    return b.mul(b.add(1).reciprocal());
  }

  /**
   * Backpropagates from this Value: adds d(this)/d(node) to the `grad` of every Value below it.
   * Gradients accumulate over calls, as in PyTorch; `zeroGrad()` resets one.
   *
   * @example
   * ```ts
   * const x = value(3); const y = x.mul(x);
   * y.backward(); x.grad; // 6
   * y.backward(); x.grad; // 12: accumulated
   * ```
   */
  backward(options: BackwardOptions = {}): void {
    if (createGraphOf(options)) backpropagate(this, this._seed('backward'), true);
    else numericBackward(this);
  }

  /**
   * Resets this Value's accumulated gradient to 0.
   *
   * @example
   * ```ts
   * const x = value(3);
   * x.mul(x).backward();
   * x.zeroGrad(); x.grad; // 0
   * ```
   */
  zeroGrad(): void {
    this._gv = null;
    this._t.gradState[this._i] = 0;
  }

  /** `Value(data=…, grad=…)`, with the label when there is one. */
  override toString(): string {
    const name = this.label === '' ? '' : `${this.label}: `;
    return `Value(${name}data=${this.data}, grad=${this.grad})`;
  }
}

installValueMethods(Value.prototype);

installValueFields(Value.prototype, (x) => new Value(x));

/** @internal Lifts a number operand to a constant leaf and rejects anything else, naming the op. */
export function toValue(x: unknown, op: string): Value {
  if (x instanceof Value) return x;
  if (typeof x === 'number') return new Value(x);
  throw new TypeError(`${op}: expected a Value or a number, got ${describe(x)}`);
}

/**
 * Shorthand for `new Value(data, label)`.
 *
 * @example
 * ```ts
 * const x = value(1, 'x');
 * ```
 */
export function value(data: number, label = ''): Value {
  return new Value(data, label);
}
