// Value's elementwise ops, from the declarations: the forward on numbers, and each derivative run over
// Values (recorded) or over plain numbers (Value's non-recording backward), the same rule both times;
// and where, the one op of three inputs.

import { toValue, Value } from '../value.js';
import { type Algebra, makeAlgebra } from './elementwise/algebra.js';
import { type AnyDeclaration, gradients, type Params } from './elementwise/declaration.js';
import {
  declarationOf,
  type ElementwiseKernelOp,
  type ElementwiseOpName,
  elementwiseOps,
} from './elementwise/index.js';

/** Names of the scalar operations; every Value node carries one of these (or '' for a leaf). */
export type ValueOpName = ElementwiseOpName | 'where';

const NO_PARAMS: Params = Object.freeze({});

function declaration(op: string): AnyDeclaration {
  const d = declarationOf(op);
  if (d === undefined) throw new Error(`internal: no elementwise op '${op}'`);
  return d;
}

/**
 * Applies a declared op to Values, without checking arguments (the methods do): the node records
 * `params`; a number right operand of an op that keeps it as a parameter is `params.b`. An op
 * without a derivative (a mask) gives a constant.
 *
 * @internal
 */
export function applyValueOp(op: ElementwiseKernelOp, inputs: Value[], params: Params): Value {
  return applyDeclared(op, declaration(op), inputs, params);
}

/** `applyValueOp` with the declaration at hand; `inputs` becomes the node's parents. */
function applyDeclared(op: string, d: AnyDeclaration, inputs: Value[], params: Params): Value {
  const a = inputs[0]!.data;
  const data =
    d.arity === 1
      ? d.f(a, params)
      : d.f(a, inputs.length > 1 ? inputs[1]!.data : (params.b as number), params);
  if (d.derivative === null) return new Value(data);
  return Value._node(op as ValueOpName, inputs, data, params);
}

function applyNumbers(op: ElementwiseKernelOp, args: readonly number[]): number {
  const d = declaration(op);
  return d.arity === 1 ? d.f(args[0]!, NO_PARAMS) : d.f(args[0]!, args[1]!, NO_PARAMS);
}

/**
 * The algebra over plain numbers, each op its declaration's `f` called directly: Value's backward
 * without a graph runs here once per node, so nothing on this path allocates.
 */
function directNumberAlgebra(): Algebra<number> {
  const m = makeAlgebra<number>(applyNumbers, applyNumbers) as unknown as Record<string, unknown>;
  for (const op of Object.keys(m)) {
    const d = declaration(op);
    m[op] = d.arity === 1 ? (a: number) => d.f(a, NO_PARAMS) : (a: number, b: number) => d.f(a, b, NO_PARAMS);
  }
  return m as unknown as Algebra<number>;
}

const lift = (x: Value | number): Value => (typeof x === 'number' ? new Value(x) : x);

/** The algebra over plain numbers: what Value's non-recording backward computes with. */
const numberAlgebra: Algebra<number> = directNumberAlgebra();

/** The algebra over Values: recorded under createGraph; masks are constants. */
const valueAlgebra: Algebra<Value> = (() => {
  const m = makeAlgebra<Value>((op, args) => {
    const d = declaration(op);
    if (d.arity === 2 && d.numberOperandAsParam === true && typeof args[1] === 'number') {
      return applyValueOp(op, [args[0] as Value], { b: args[1] });
    }
    return applyValueOp(op, args.map(lift), NO_PARAMS);
  }, applyNumbers);
  // g·[a > 0] as a product with a constant mask, so that g's gradient flows when recorded
  return { ...m, reluGrad: (g: Value, a: Value) => m.mul(g, m.step(a)) } as Algebra<Value>;
})();

/**
 * where(cond, a, b) on Values: a's number where cond's is nonzero (NaN included), else b's; one node
 * with the three as parents.
 *
 * @internal
 */
export function applyValueWhere(cond: Value, a: Value, b: Value): Value {
  return Value._node('where', [cond, a, b], cond.data !== 0 ? a.data : b.data);
}

/**
 * where's rule on a scalar, whose condition is known: g whole to the branch taken, +0 to the other
 * (the Tensor rule's where(c, g, 0) and where(c, 0, g) at one element), nothing to the condition.
 */
function whereVjp(node: Value, g: Value): readonly (Value | null)[] {
  const zero = new Value(0);
  return node.parents[0]!.data !== 0 ? [null, g, zero] : [null, zero, g];
}

/** The local backward rule of a Value node: its declaration's derivative over Values. */
export function valueVjp(node: Value, g: Value): readonly (Value | null)[] {
  if (node.op === 'where') return whereVjp(node, g);
  const d = declaration(node.op);
  const [a, b] = node.parents as readonly Value[];
  const p = node._params;
  const io = { a: a!, b: b ?? (p.b as number), out: node, g };
  return gradients(d, valueAlgebra, io, p, node.parents.length);
}

/** The inputs of the numeric derivative in progress: one object reused, so the pass allocates none. */
const io = { a: 0, b: 0, out: 0, g: 0 };

/**
 * The same rule over plain numbers, for a backward pass that records nothing: adds each input's
 * gradient to its `_g`. It is the one derivative, run on numbers, so it gives the recorded pass's
 * numbers exactly while allocating no Value per step.
 */
export function valueNumericVjp(node: Value, g: number): void {
  const parents = node.parents;
  if (node.op === 'where') {
    // as whereVjp, in the same order: a's share first, then b's; the condition is not reached
    const taken = parents[0]!.data !== 0;
    parents[1]!._addGrad(taken ? g : 0);
    parents[2]!._addGrad(taken ? 0 : g);
    return;
  }
  const d = declaration(node.op);
  const a = parents[0]!;
  const b = parents[1];
  const p = node._params;
  io.a = a.data;
  io.b = b === undefined ? (p.b as number) : b.data;
  io.out = node.data;
  io.g = g;
  if (d.derivative === null) throw new Error(`internal: ${node.op} has no derivative but was recorded`);
  if (d.arity === 1) {
    a._addGrad(d.derivative(numberAlgebra, io, p));
    return;
  }
  // both partials before either sum, and a's first, as the recorded pass adds them (x.mul(x))
  const da = d.derivative[0](numberAlgebra, io, p);
  if (b === undefined) {
    a._addGrad(da);
    return;
  }
  const db = d.derivative[1](numberAlgebra, io, p);
  a._addGrad(da);
  b._addGrad(db);
}

/**
 * Builds the method `name` of Value from its declaration: argument checks, then the op. Parameters
 * come in two fixed arguments (no op takes more), so a call allocates nothing but its node.
 */
function valueMethod(name: ElementwiseOpName, d: AnyDeclaration): (this: Value, ...args: unknown[]) => Value {
  const read = d.params as ((p0?: unknown, p1?: unknown) => Params) | undefined;
  if (d.arity === 1) {
    return function (this: Value, p0?: unknown, p1?: unknown): Value {
      const p = read === undefined ? NO_PARAMS : read(p0, p1);
      if (d.domain !== undefined && !d.domain.ok(this.data)) {
        throw new RangeError(`${name}: ${this.data} is outside the domain of ${name} (${d.domain.text})`);
      }
      return applyDeclared(name, d, [this], p);
    };
  }
  return function (this: Value, other: unknown, p0?: unknown, p1?: unknown): Value {
    const p = read === undefined ? NO_PARAMS : read(p0, p1);
    if (typeof other === 'number' && d.numberOperandAsParam === true) {
      return applyDeclared(name, d, [this], { ...p, b: other });
    }
    return applyDeclared(name, d, [this, toValue(other, name)], p);
  };
}

/**
 * Installs one method per public declaration on Value's prototype, except where the class writes
 * its own (to check more before calling `applyValueOp`).
 *
 * @internal
 */
export function installValueMethods(proto: object): void {
  for (const [name, d] of Object.entries(elementwiseOps) as [ElementwiseOpName, AnyDeclaration][]) {
    if (Object.hasOwn(proto, name)) continue;
    Object.defineProperty(proto, name, { value: valueMethod(name, d), writable: true, configurable: true });
  }
}
