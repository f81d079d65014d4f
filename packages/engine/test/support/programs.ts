// Random scalar expression DAGs for property tests: a program of instructions, each reading earlier
// results, run by one interpreter over any algebra (Value, or plain numbers as the independent reference).

import fc from 'fast-check';

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
}

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
};

/**
 * What an instruction does. Kinds with a domain apply to a strictly positive subexpression built from
 * their operand (x·x + 0.5 or exp(tanh x)): log, reciprocal, division, fractional and negative powers.
 * relu applies to such a positive value or its negation, so no input sits on the kink.
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
        kind: fc.constantFrom(...KINDS),
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
  }
}
