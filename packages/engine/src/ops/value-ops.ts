// Value's elementwise ops, from the declarations: the forward on numbers, and each derivative run over
// Values (recorded) or over plain numbers (Value's non-recording backward), the same rule both times.

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
export type ValueOpName = ElementwiseOpName;

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
export function applyValueOp(op: ElementwiseKernelOp, inputs: readonly Value[], params: Params): Value {
  const d = declaration(op);
  const a = inputs[0]!.data;
  const data =
    d.arity === 1
      ? d.f(a, params)
      : d.f(a, inputs.length > 1 ? inputs[1]!.data : (params.b as number), params);
  if (d.derivative === null) return new Value(data);
  return Value._node(op as ValueOpName, inputs.slice(), data, params);
}

function applyNumbers(op: ElementwiseKernelOp, args: readonly number[]): number {
  const d = declaration(op);
  return d.arity === 1 ? d.f(args[0]!, NO_PARAMS) : d.f(args[0]!, args[1]!, NO_PARAMS);
}

const lift = (x: Value | number): Value => (typeof x === 'number' ? new Value(x) : x);

/** The algebra over plain numbers: what Value's non-recording backward computes with. */
const numberAlgebra: Algebra<number> = makeAlgebra<number>(applyNumbers, applyNumbers);

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

/** The local backward rule of a Value node: its declaration's derivative over Values. */
export function valueVjp(node: Value, g: Value): readonly (Value | null)[] {
  const d = declaration(node.op);
  const [a, b] = node.parents as readonly Value[];
  const p = node._params;
  const io = { a: a!, b: b ?? (p.b as number), out: node, g };
  return gradients(d, valueAlgebra, io, p, node.parents.length);
}

/**
 * The same rule over plain numbers, for a backward pass that records nothing: adds each input's
 * gradient to its `_g`. It is the one derivative, run on numbers, so it gives the recorded pass's
 * numbers exactly while allocating no Value per step.
 */
export function valueNumericVjp(node: Value): void {
  const d = declaration(node.op);
  const parents = node.parents;
  const a = parents[0]!;
  const b = parents[1];
  const p = node._params;
  const io = { a: a.data, b: b === undefined ? (p.b as number) : b.data, out: node.data, g: node._g };
  const grads = gradients(d, numberAlgebra, io, p, parents.length);
  for (let i = 0; i < parents.length; i++) {
    const gi = grads[i];
    if (gi !== null && gi !== undefined) parents[i]!._g += gi;
  }
}

/** Builds the method `name` of Value from its declaration: argument checks, then `applyValueOp`. */
function valueMethod(name: ElementwiseOpName, d: AnyDeclaration): (this: Value, ...args: unknown[]) => Value {
  const read = d.params as ((...args: unknown[]) => Params) | undefined;
  if (d.arity === 1) {
    return function (this: Value, ...args: unknown[]): Value {
      const p = read === undefined ? NO_PARAMS : read(...args);
      if (d.domain !== undefined && !d.domain.ok(this.data)) {
        throw new RangeError(`${name}: ${this.data} is outside the domain of ${name} (${d.domain.text})`);
      }
      return applyValueOp(name, [this], p);
    };
  }
  return function (this: Value, other: unknown, ...args: unknown[]): Value {
    const p = read === undefined ? NO_PARAMS : read(...args);
    if (typeof other === 'number' && d.numberOperandAsParam === true) {
      return applyValueOp(name, [this], { ...p, b: other });
    }
    return applyValueOp(name, [this, toValue(other, name)], p);
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
