// Random scalar expression DAGs for property tests: a program of instructions, each reading earlier
// results, run by one interpreter over any algebra (Value, or plain numbers as the independent reference).

import { add, div, type ElementwiseOpName, mul, sub, type Value, where } from '@chainrule/engine';
import fc from 'fast-check';
import type { AnyDeclaration, Params } from '../../src/ops/elementwise/declaration.js';
import { elementwiseOps } from '../../src/ops/elementwise/index.js';
import { type InputDomain, opCases } from './op-cases.js';

/** The operations a program can apply to any algebra: Values, numbers, later Tensors. */
export interface Algebra<T> {
  /** Binary ops take at least one T; a number may stand on either side. */
  add(a: T | number, b: T | number): T;
  sub(a: T | number, b: T | number): T;
  mul(a: T | number, b: T | number): T;
  div(a: T | number, b: T | number): T;
  pow(a: T, exponent: number): T;
  neg(a: T): T;
  exp(a: T): T;
  log(a: T): T;
  tanh(a: T): T;
  relu(a: T): T;
  sigmoid(a: T): T;
  reciprocal(a: T): T;
  /** Any declared elementwise op by name, with its method arguments; `b` only for a binary op. */
  declared(name: ElementwiseOpName, args: readonly unknown[], a: T, b: T): T;
  /** `a` where `cond` is nonzero, else `b`. */
  where(cond: T, a: T, b: T): T;
}

/** Every declared elementwise op: the 'declared' instruction draws from the whole table. */
const DECLARED = Object.keys(elementwiseOps) as ElementwiseOpName[];

/** Plain-number arithmetic, written independently of the engine: the reference for every program. */
export const numberAlgebra: Algebra<number> = {
  add: (a, b) => (a as number) + (b as number),
  sub: (a, b) => (a as number) - (b as number),
  mul: (a, b) => (a as number) * (b as number),
  div: (a, b) => (a as number) / (b as number),
  pow: (a, e) => a ** e,
  neg: (a) => -a,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  relu: (a) => Math.max(a, 0),
  sigmoid: (a) => 1 / (1 + Math.exp(-a)),
  reciprocal: (a) => 1 / a,
  // the declaration's own scalar function: elementwise-ops.test.ts holds it to a 200-bit reference
  declared: (name, args, a, b) => {
    const d = elementwiseOps[name] as AnyDeclaration;
    const p = d.params === undefined ? {} : (d.params as (...xs: unknown[]) => Params)(...args);
    return d.arity === 1 ? d.f(a, p) : d.f(a, b, p);
  },
  where: (cond, a, b) => (cond !== 0 ? a : b),
};

/** The engine's algebra: methods when a Value is on the left, the free functions when a number is. */
export const valueAlgebra: Algebra<Value> = {
  add: (a, b) => (typeof a === 'number' ? add(a, b) : a.add(b)),
  sub: (a, b) => (typeof a === 'number' ? sub(a, b) : a.sub(b)),
  mul: (a, b) => (typeof a === 'number' ? mul(a, b) : a.mul(b)),
  div: (a, b) => (typeof a === 'number' ? div(a, b) : a.div(b)),
  pow: (a, e) => a.pow(e),
  neg: (a) => a.neg(),
  exp: (a) => a.exp(),
  log: (a) => a.log(),
  tanh: (a) => a.tanh(),
  relu: (a) => a.relu(),
  sigmoid: (a) => a.sigmoid(),
  reciprocal: (a) => a.reciprocal(),
  declared: (name, args, a, b) => {
    const method = (a as unknown as Record<string, (...xs: unknown[]) => Value>)[name]!;
    return method.apply(a, elementwiseOps[name].arity === 1 ? [...args] : [b, ...args]);
  },
  where: (cond, a, b) => where(cond, a, b),
};

/**
 * What an instruction does. Kinds with a domain apply to a strictly positive subexpression built from
 * their operand (x·x + 0.5 or exp(tanh x)): log, reciprocal, division, fractional and negative powers.
 * relu applies to such a positive value or its negation, so no input sits on the kink. 'declared'
 * applies any op of the declaration table (the variant picks it and its arguments) to operands mapped
 * into the domain its test case names (support/op-cases.ts), and squashes the result with tanh (a
 * comparison's 0 or 1 multiplies tanh of its first operand instead).
 * 'where' selects between its two operands by a condition that no nudge of the inputs flips (so finite
 * differences stay on one branch): a comparison of two operands of opposite signs, a computed value
 * that is never 0 (a condition with a graph of its own, which takes no gradient), or x·0.
 */
export const KINDS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'powPositive',
  'neg',
  'exp',
  'log',
  'tanh',
  'relu',
  'sigmoid',
  'reciprocal',
  'declared',
  'where',
] as const;
export type Kind = (typeof KINDS)[number];

/** One step: `a` and `b` pick earlier results (modulo how many exist); `variant` picks a form or constant. */
export interface Instruction {
  kind: Kind;
  a: number;
  b: number;
  variant: number;
}

export interface Program {
  /** The leaf values, 2 to 5 of them, in [-2, 2]. */
  leaves: number[];
  instructions: Instruction[];
}

/** Nonzero constants for the forms with a number on one side. */
const CONSTANTS = [-1.5, -1, -0.5, 0.5, 1, 1.5];
const INTEGER_EXPONENTS = [0, 1, 2, 3];
const POSITIVE_EXPONENTS = [-2, -1.5, -0.5, 1 / 3, 0.5, 1.5];
/** Every intermediate result stays within ±CAP, so finite differences keep their digits. */
const CAP = 30;
const LEAF_BOUND = 2;
/** The range of `positive` below: x·x + 0.5 with |x| <= 2, or exp(tanh x). */
const POSITIVE_LOW = Math.exp(-1);
const POSITIVE_HIGH = LEAF_BOUND * LEAF_BOUND + 0.5;

export const programArbitrary = (options: { maxInstructions?: number } = {}): fc.Arbitrary<Program> =>
  fc.record({
    leaves: fc.array(fc.double({ min: -LEAF_BOUND, max: LEAF_BOUND, noNaN: true }), {
      minLength: 2,
      maxLength: 5,
    }),
    instructions: fc.array(
      fc.record({
        // 'declared' draws one of many ops: it comes up more often, so that every op comes up
        kind: fc.oneof(
          { weight: 2, arbitrary: fc.constantFrom(...KINDS) },
          { weight: 1, arbitrary: fc.constant<Kind>('declared') },
        ),
        a: fc.nat(),
        b: fc.nat(),
        variant: fc.nat(),
      }),
      { minLength: 1, maxLength: options.maxInstructions ?? 10 },
    ),
  });

/** A result with a static bound on its magnitude, known from the program's structure alone. */
interface Slot<T> {
  v: T;
  bound: number;
}

/**
 * Runs `program` over `alg` with the given leaves and returns the sum of every instruction's result
 * (so every instruction matters). Operands that could push a result past ±CAP are squashed with tanh
 * first; the choice depends only on the program, never on the values, so both algebras agree and the
 * function is smooth for finite differences.
 */
export function runProgram<T>(alg: Algebra<T>, program: Program, leaves: readonly T[]): T {
  const slots: Slot<T>[] = leaves.map((v) => ({ v, bound: LEAF_BOUND }));
  const fit = (s: Slot<T>, max: number): Slot<T> => (s.bound <= max ? s : { v: alg.tanh(s.v), bound: 1 });
  const positive = (s: Slot<T>, variant: number): T => {
    if (variant % 2 === 0) {
      const t = fit(s, LEAF_BOUND);
      return alg.add(alg.mul(t.v, t.v), 0.5);
    }
    return alg.exp(alg.tanh(s.v));
  };
  for (const ins of program.instructions) {
    const x = slots[ins.a % slots.length]!;
    const y = slots[ins.b % slots.length]!;
    const form = ins.variant % 3;
    const c = CONSTANTS[Math.floor(ins.variant / 3) % CONSTANTS.length]!;
    slots.push(instruction(alg, ins, x, y, form, c, fit, positive));
  }
  const results = slots.slice(leaves.length);
  return results.slice(1).reduce((acc, s) => alg.add(acc, s.v), results[0]!.v);
}

function instruction<T>(
  alg: Algebra<T>,
  ins: Instruction,
  x: Slot<T>,
  y: Slot<T>,
  form: number,
  c: number,
  fit: (s: Slot<T>, max: number) => Slot<T>,
  positive: (s: Slot<T>, variant: number) => T,
): Slot<T> {
  const pv = Math.floor(ins.variant / 18); // which positive form, independent of form and constant
  switch (ins.kind) {
    case 'add':
    case 'sub': {
      const op = alg[ins.kind];
      if (form === 0) {
        const [p, q] = [fit(x, CAP / 2), fit(y, CAP / 2)];
        return { v: op(p.v, q.v), bound: p.bound + q.bound };
      }
      const p = fit(x, CAP - 1.5);
      return { v: form === 1 ? op(p.v, c) : op(c, p.v), bound: p.bound + 1.5 };
    }
    case 'mul': {
      if (form === 0) {
        const [p, q] = [fit(x, Math.sqrt(CAP)), fit(y, Math.sqrt(CAP))];
        return { v: alg.mul(p.v, q.v), bound: p.bound * q.bound };
      }
      const p = fit(x, CAP / 1.5);
      return { v: form === 1 ? alg.mul(p.v, c) : alg.mul(c, p.v), bound: p.bound * 1.5 };
    }
    case 'div': {
      if (form === 0) {
        const p = fit(x, CAP * POSITIVE_LOW);
        return { v: alg.div(p.v, positive(y, pv)), bound: p.bound / POSITIVE_LOW };
      }
      if (form === 1) {
        const p = fit(x, CAP / 2);
        return { v: alg.div(p.v, c), bound: p.bound * 2 };
      }
      return { v: alg.div(c, positive(x, pv)), bound: 1.5 / POSITIVE_LOW };
    }
    case 'pow': {
      const e = INTEGER_EXPONENTS[ins.variant % INTEGER_EXPONENTS.length]!;
      const p = e === 0 ? x : fit(x, CAP ** (1 / e));
      return { v: alg.pow(p.v, e), bound: e === 0 ? 1 : p.bound ** e };
    }
    case 'powPositive': {
      const e = POSITIVE_EXPONENTS[ins.variant % POSITIVE_EXPONENTS.length]!;
      return { v: alg.pow(positive(x, pv), e), bound: Math.max(POSITIVE_LOW ** e, POSITIVE_HIGH ** e) };
    }
    case 'neg':
      return { v: alg.neg(x.v), bound: x.bound };
    case 'exp': {
      const p = fit(x, Math.log(CAP));
      return { v: alg.exp(p.v), bound: Math.exp(p.bound) };
    }
    case 'log':
      return { v: alg.log(positive(x, pv)), bound: Math.max(1, Math.log(POSITIVE_HIGH)) };
    case 'tanh':
      return { v: alg.tanh(x.v), bound: 1 };
    case 'sigmoid':
      return { v: alg.sigmoid(x.v), bound: 1 };
    case 'relu': {
      const p = positive(x, pv);
      return { v: alg.relu(form === 0 ? alg.neg(p) : p), bound: POSITIVE_HIGH };
    }
    case 'reciprocal':
      return { v: alg.reciprocal(positive(x, pv)), bound: 1 / POSITIVE_LOW };
    case 'declared': {
      const name = DECLARED[ins.variant % DECLARED.length]!;
      const c = opCases[name];
      const argLists = c.args ?? [[]];
      const args = argLists[Math.floor(ins.variant / DECLARED.length) % argLists.length]!;
      const side = Math.floor(ins.variant / (DECLARED.length * 3)) % 2 === 0 ? 1 : -1;
      const a = toDomainIn(alg, c.inputs[0], fit(x, LEAF_BOUND).v, side);
      const b = toDomainIn(alg, c.inputs[1] ?? 'any', fit(y, LEAF_BOUND).v, -side);
      const out = alg.declared(name, args, a, b);
      // an op without a derivative (a comparison) gives a constant: a program uses it as a mask on its
      // operand, so that every result still depends on the leaves
      if (elementwiseOps[name].derivative === null) return { v: alg.mul(alg.tanh(a), out), bound: 1 };
      return { v: alg.tanh(out), bound: 1 };
    }
    case 'where': {
      const side = Math.floor(ins.variant / 3) % 2 === 0 ? 1 : -1;
      const p = fit(x, LEAF_BOUND).v;
      const away = toDomainIn(alg, 'awayFromZero', p, side); // ±(p² + 0.5)
      const cond =
        form === 0
          ? alg.declared('gt', [], away, toDomainIn(alg, 'awayFromZero', fit(y, LEAF_BOUND).v, -side))
          : form === 1
            ? away
            : alg.mul(p, 0);
      return { v: alg.where(cond, x.v, y.v), bound: Math.max(x.bound, y.bound) };
    }
  }
}

/** support/op-cases.ts's input domains over an algebra: smooth maps from |x| <= 2; `side` picks the sign of 'awayFromZero'. */
function toDomainIn<T>(alg: Algebra<T>, domain: InputDomain, x: T, side: number): T {
  switch (domain) {
    case 'any':
      return x;
    case 'positive':
      return alg.add(alg.mul(x, x), 0.5);
    case 'aboveOne':
      return alg.add(alg.mul(x, x), 1);
    case 'unit':
      return alg.mul(alg.tanh(x), 0.9);
    case 'aboveMinusOne':
      return alg.sub(alg.mul(x, x), 0.5);
    case 'awayFromZero':
      return alg.mul(alg.add(alg.mul(x, x), 0.5), side);
  }
}
