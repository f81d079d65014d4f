// Value's elementwise ops, from the declarations: the forward on numbers, and each derivative run over
// Values (recorded) or over plain numbers (Value's non-recording backward), the same rule both times;
// and where, the one op of three inputs.

import { WHERE } from '../graph/tape.js';
import { toValue, Value } from '../value.js';
import { type Algebra, makeAlgebra } from './elementwise/algebra.js';
import { type AnyDeclaration, gradients, NO_PARAMS, type Params } from './elementwise/declaration.js';
import {
  allElementwiseOps,
  declarationOf,
  type ElementwiseKernelOp,
  type ElementwiseOpName,
  elementwiseOps,
} from './elementwise/index.js';

/** Names of the scalar operations; every Value node carries one of these (or '' for a leaf). */
export type ValueOpName = ElementwiseOpName | 'where';

/**
 * The op of each code a Value node can carry: a leaf, a custom op, where, then every declared
 * elementwise op (masks included, though they record nothing).
 */
export const VALUE_OP_NAMES: readonly string[] = ['', '', 'where', ...Object.keys(allElementwiseOps)];
/** @internal The declaration of each code (undefined for a leaf, a custom op and where). */
export const VALUE_OP_DECLARATIONS: readonly (AnyDeclaration | undefined)[] = VALUE_OP_NAMES.map(
  (name, code) => (code <= WHERE ? undefined : declarationOf(name)),
);
// a node's op code is a byte of its chunk (graph/tape.ts)
if (VALUE_OP_NAMES.length > 256) throw new Error('internal: more than 256 Value op codes');
const codes = new Map<string, number>(VALUE_OP_NAMES.map((name, code) => [name, code]));

/** The code of a declared op. */
function codeOf(op: string): number {
  const code = codes.get(op);
  if (code === undefined || code <= WHERE) throw new Error(`internal: no elementwise op '${op}'`);
  return code;
}

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
  return applyDeclared(codeOf(op), declaration(op), inputs[0]!, inputs[1] ?? null, params);
}

/** `applyValueOp` with the declaration and its code at hand; `a` and `b` become the node's parents. */
function applyDeclared(code: number, d: AnyDeclaration, a: Value, b: Value | null, params: Params): Value {
  const x = a.data;
  const data = d.arity === 1 ? d.f(x, params) : d.f(x, b !== null ? b.data : (params.b as number), params);
  if (d.derivative === null) return new Value(data);
  return Value._node(code, a, b, null, data, params);
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

/** @internal The algebra over plain numbers: what Value's non-recording backward computes with. */
export const numberAlgebra: Algebra<number> = directNumberAlgebra();

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
  return Value._node(WHERE, cond, a, b, cond.data !== 0 ? a.data : b.data);
}

/**
 * where's rule on a scalar, whose condition is known: g whole to the branch taken, +0 to the other
 * (the Tensor rule's where(c, g, 0) and where(c, 0, g) at one element), nothing to the condition.
 */
function whereVjp(node: Value, g: Value): readonly (Value | null)[] {
  const zero = new Value(0);
  return node._a!.data !== 0 ? [null, g, zero] : [null, zero, g];
}

/** The local backward rule of a Value node: its declaration's derivative over Values. */
export function valueVjp(node: Value, g: Value): readonly (Value | null)[] {
  if (node._op === WHERE) return whereVjp(node, g);
  const d = VALUE_OP_DECLARATIONS[node._op];
  if (d === undefined) throw new Error(`internal: no declared op for a node '${node.op}'`);
  const a = node._a!;
  const b = node._b;
  const p = node._params;
  const io = { a, b: b ?? (p.b as number), out: node, g };
  return gradients(d, valueAlgebra, io, p, b === null ? 1 : 2);
}

/**
 * Builds the method `name` of Value from its declaration: argument checks, then the op. Parameters
 * come in two fixed arguments (no op takes more), so a call allocates nothing but its node.
 */
function valueMethod(name: ElementwiseOpName, d: AnyDeclaration): (this: Value, ...args: unknown[]) => Value {
  const read = d.params as ((p0?: unknown, p1?: unknown) => Params) | undefined;
  const code = codeOf(name);
  if (d.arity === 1) {
    return function (this: Value, p0?: unknown, p1?: unknown): Value {
      const p = read === undefined ? NO_PARAMS : read(p0, p1);
      if (d.domain !== undefined && !d.domain.ok(this.data)) {
        throw new RangeError(`${name}: ${this.data} is outside the domain of ${name} (${d.domain.text})`);
      }
      return applyDeclared(code, d, this, null, p);
    };
  }
  return function (this: Value, other: unknown, p0?: unknown, p1?: unknown): Value {
    const p = read === undefined ? NO_PARAMS : read(p0, p1);
    if (typeof other === 'number' && d.numberOperandAsParam === true) {
      return applyDeclared(code, d, this, null, { ...p, b: other });
    }
    return applyDeclared(code, d, this, toValue(other, name), p);
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
