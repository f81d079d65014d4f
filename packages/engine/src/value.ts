// Value: a scalar node of the graph, micrograd's object with PyTorch's accumulation semantics.

import { describe, formatNumber } from './errors.js';
import { backpropagate, topoOrder } from './graph/backward.js';
import { GraphNode } from './graph/node.js';
import { isRecording } from './graph/recording.js';
import { type ValueOpName, valueOps } from './ops/value-ops.js';

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
export class Value extends GraphNode<Value> {
  /** The number this node holds. Optimizers update it in place. */
  data: number;
  /** A name for `toDot` and `explain`; empty by default. */
  label: string;
  /** @internal pow's exponent; 0 for every other op. */
  readonly _attr: number;
  /** @internal The gradient of a numeric backward pass in progress. */
  _g = 0;

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
    this._attr = 0;
  }

  /** @internal Creates the output node of `op`; a leaf when recording is off. */
  static _node(op: ValueOpName, parents: Value[], data: number, attr = 0): Value {
    const out = new Value(data);
    if (isRecording()) {
      const writable = out as unknown as { op: string; parents: readonly Value[]; _attr: number };
      writable.op = op;
      writable.parents = parents;
      writable._attr = attr;
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
    const rule = valueOps[this.op as ValueOpName];
    if (rule === undefined) throw new Error(`internal: no backward rule for op '${this.op}'`);
    return rule.backward(g, this);
  }

  /**
   * @internal The step of the non-recording backward pass at this node: adds the gradient `g` times
   * the local derivative to each parent's `_g`.
   */
  _numericVjp(g: number): void {
    valueOps[this.op as ValueOpName].numeric(g, this);
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

  private unary(op: ValueOpName): Value {
    return Value._node(op, [this], valueOps[op].forward(this.data, 0));
  }

  private binary(op: ValueOpName, other: ValueLike): Value {
    const b = toValue(other, op);
    return Value._node(op, [this, b], valueOps[op].forward(this.data, b.data));
  }

  /**
   * this + other.
   *
   * @example
   * ```ts
   * value(2).add(3).data; // 5
   * ```
   */
  add(other: ValueLike): Value {
    return this.binary('add', other);
  }

  /**
   * this - other. For `2 - x` write `sub(2, x)`.
   *
   * @example
   * ```ts
   * value(2).sub(3).data; // -1
   * ```
   */
  sub(other: ValueLike): Value {
    return this.binary('sub', other);
  }

  /**
   * this · other.
   *
   * @example
   * ```ts
   * value(2).mul(3).data; // 6
   * ```
   */
  mul(other: ValueLike): Value {
    return this.binary('mul', other);
  }

  /**
   * this / other. For `1 / x` write `div(1, x)` or `x.reciprocal()`.
   *
   * @example
   * ```ts
   * value(3).div(2).data; // 1.5
   * ```
   */
  div(other: ValueLike): Value {
    return this.binary('div', other);
  }

  /**
   * this raised to a constant power. A negative base needs an integer exponent.
   *
   * @example
   * ```ts
   * value(2).pow(3).data; // 8
   * ```
   */
  pow(exponent: number): Value {
    if (typeof exponent !== 'number' || !Number.isFinite(exponent)) {
      throw new TypeError(`pow: the exponent must be a finite number, got ${describe(exponent)}`);
    }
    if (this.data < 0 && !Number.isInteger(exponent)) {
      throw new RangeError(`pow: a negative base ${this.data} has no real power ${exponent}`);
    }
    return Value._node('pow', [this], valueOps.pow.forward(this.data, exponent), exponent);
  }

  /**
   * -this.
   *
   * @example
   * ```ts
   * value(2).neg().data; // -2
   * ```
   */
  neg(): Value {
    return this.unary('neg');
  }

  /**
   * e to the power this.
   *
   * @example
   * ```ts
   * value(0).exp().data; // 1
   * ```
   */
  exp(): Value {
    return this.unary('exp');
  }

  /**
   * The natural logarithm; log(0) is -Infinity, a negative input is a RangeError.
   *
   * @example
   * ```ts
   * value(Math.E).log().data; // 1
   * ```
   */
  log(): Value {
    if (this.data < 0) throw new RangeError(`log: ${this.data} is outside the domain of log (x >= 0)`);
    return this.unary('log');
  }

  /**
   * The hyperbolic tangent.
   *
   * @example
   * ```ts
   * value(0).tanh().data; // 0
   * ```
   */
  tanh(): Value {
    return this.unary('tanh');
  }

  /**
   * max(this, 0); its gradient at 0 is 0.
   *
   * @example
   * ```ts
   * value(-2).relu().data; // 0
   * ```
   */
  relu(): Value {
    return this.unary('relu');
  }

  /**
   * 1 / this.
   *
   * @example
   * ```ts
   * value(4).reciprocal().data; // 0.25
   * ```
   */
  reciprocal(): Value {
    return this.unary('reciprocal');
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
    if (options.createGraph === true) backpropagate(this, this._seed('backward'), true);
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

/**
 * The reverse pass without createGraph, on plain numbers: the same order and the same arithmetic as
 * `backpropagate` with each op's `numeric` rule, without a Value per intermediate gradient.
 */
function numericBackprop(root: Value): void {
  const order = topoOrder(root, true);
  // -0 is the identity of +: the first contribution lands unchanged, as the recorded pass assigns it
  for (const node of order) node._g = -0;
  root._g = 1;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.op !== '') node._numericVjp(node._g);
  }
  for (const node of order) {
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
