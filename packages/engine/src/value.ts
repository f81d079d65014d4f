// Value: a scalar node of the graph, micrograd's object with PyTorch's accumulation semantics.

import { describe, formatNumber } from './errors.js';
import { backpropagate, topoOrder } from './graph/backward.js';
import { GraphNode } from './graph/node.js';
import { isRecording } from './graph/recording.js';
import type { Params } from './ops/elementwise/declaration.js';
import type { ElementwiseMethods } from './ops/elementwise/index.js';
import {
  applyValueOp,
  applyValueWhere,
  installValueMethods,
  type ValueOpName,
  valueNumericVjp,
  valueVjp,
} from './ops/value-ops.js';
import { checkOptionKeys } from './tensor-options.js';

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

const NO_PARAMS: Params = Object.freeze({});

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class Value extends GraphNode<Value> {
  /** The number this node holds. Optimizers update it in place. */
  data: number;
  /** A name for `toDot` and `explain`; empty by default. */
  label: string;
  /** @internal The op's parameters (clamp's bounds, pow's number exponent as `b`); empty for most. */
  readonly _params: Params;
  /** @internal The gradient of a numeric backward pass in progress. */
  _g = 0;
  /**
   * @internal Whether the numeric backward pass in progress gave this node a gradient. A node below
   * the root that receives none (the condition of a `where`, an input a custom op's backward returns
   * null for) keeps its accumulated gradient and passes nothing on, as in the recorded pass.
   */
  _reached = false;

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
    super('', []);
    this.data = data;
    this.label = label;
    this._params = NO_PARAMS;
  }

  /** @internal Creates the output node of `op`; a leaf when recording is off. */
  static _node(op: ValueOpName, parents: Value[], data: number, params: Params = NO_PARAMS): Value {
    const out = new Value(data);
    if (isRecording()) {
      const writable = out as unknown as { op: string; parents: readonly Value[]; _params: Params };
      writable.op = op;
      writable.parents = parents;
      writable._params = params;
    }
    return out;
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
    return this._grad === null ? 0 : this._grad.data;
  }

  set grad(g: number) {
    if (typeof g !== 'number') throw new TypeError(`grad: expected a number, got ${describe(g)}`);
    this._grad = g === 0 ? null : new Value(g);
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

  /**
   * @internal The step of the non-recording backward pass at this node: adds the gradient `g` times
   * the local derivative to each parent's `_g`.
   */
  _numericVjp(g: number): void {
    valueNumericVjp(this, g);
  }

  /** @internal Adds `d` to the gradient of the numeric backward pass in progress. */
  _addGrad(d: number): void {
    this._g += d;
    this._reached = true;
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
   * negative base needs an integer exponent. For a number base write `pow(2, x)`.
   *
   * @example
   * ```ts
   * value(2).pow(3).data; // 8
   * value(2).pow(value(3)).data; // 8
   * ```
   */
  pow(exponent: ValueLike): Value {
    const e = exponent instanceof Value ? exponent.data : exponent;
    if (typeof e !== 'number' || !Number.isFinite(e)) {
      throw new TypeError(`pow: the exponent must be a finite number or a Value, got ${describe(exponent)}`);
    }
    if (this.data < 0 && !Number.isInteger(e)) {
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
    else numericBackprop(this);
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
    this._grad = null;
  }

  /** `Value(data=…, grad=…)`, with the label when there is one. */
  override toString(): string {
    const name = this.label === '' ? '' : `${this.label}: `;
    return `Value(${name}data=${this.data}, grad=${this.grad})`;
  }
}

installValueMethods(Value.prototype);

/**
 * The reverse pass without createGraph, on plain numbers: the same order and the same arithmetic as
 * `backpropagate` with each op's `numeric` rule, without a Value per intermediate gradient.
 */
function numericBackprop(root: Value): void {
  const order = topoOrder(root, true);
  // -0 is the identity of +: the first contribution lands unchanged, as the recorded pass assigns it
  for (const node of order) {
    node._g = -0;
    node._reached = false;
  }
  root._addGrad(1);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node._reached && node.op !== '') node._numericVjp(node._g);
  }
  // a node that received nothing keeps its gradient untouched (not -0), as the recorded pass leaves it
  for (const node of order) {
    if (!node._reached) continue;
    node._grad = new Value(node._grad === null ? node._g : node._grad.data + node._g);
  }
}

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
