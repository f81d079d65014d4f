// The scalar op table: each op's forward on numbers beside its backward rule written with Value ops.

import type { Value } from '../value.js';

/** Names of the primitive scalar operations; every Value node carries one of these (or '' for a leaf). */
export type ValueOpName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'neg'
  | 'exp'
  | 'log'
  | 'tanh'
  | 'relu'
  | 'reciprocal';

interface ValueRule {
  /** Number of Value inputs: 1 or 2 (pow takes its exponent as a number attribute). */
  readonly arity: 1 | 2;
  /** The forward on numbers; `b` is the second input's data, or pow's exponent. */
  forward(a: number, b: number): number;
  /** One gradient per input, given the output's gradient `g` and the output node itself. */
  backward(g: Value, out: Value): (Value | null)[];
  /**
   * The same rule on plain numbers, for a backward pass that records nothing: adds each input's
   * gradient to its `_g`. It repeats `backward`'s arithmetic operation for operation, so the two give
   * identical numbers (a test holds them to that); it only skips allocating a Value per step.
   */
  numeric(g: number, out: Value): void;
}

function parents1(out: Value): Value {
  return out.parents[0]!;
}

function parents2(out: Value): readonly [Value, Value] {
  return out.parents as readonly [Value, Value];
}

/** @internal The scalar op table; a missing rule is a compile error. */
export const valueOps: { readonly [K in ValueOpName]: ValueRule } = {
  add: {
    arity: 2,
    forward: (a, b) => a + b,
    // d(a + b) = da + db
    backward: (g) => [g, g],
    numeric: (g, out) => {
      const [a, b] = parents2(out);
      a._g += g;
      b._g += g;
    },
  },
  sub: {
    arity: 2,
    forward: (a, b) => a - b,
    // d(a - b) = da - db
    backward: (g) => [g, g.neg()],
    numeric: (g, out) => {
      const [a, b] = parents2(out);
      a._g += g;
      b._g += -g;
    },
  },
  mul: {
    arity: 2,
    forward: (a, b) => a * b,
    // d(a·b) = b·da + a·db
    backward: (g, out) => {
      const [a, b] = out.parents as [Value, Value];
      return [g.mul(b), g.mul(a)];
    },
    numeric: (g, out) => {
      const [a, b] = parents2(out);
      a._g += g * b.data;
      b._g += g * a.data;
    },
  },
  div: {
    arity: 2,
    forward: (a, b) => a / b,
    // d(a/b) = da/b - a·db/b²
    backward: (g, out) => {
      const [a, b] = out.parents as [Value, Value];
      return [g.div(b), g.mul(a).div(b.mul(b)).neg()];
    },
    numeric: (g, out) => {
      const [a, b] = parents2(out);
      a._g += g / b.data;
      b._g += -((g * a.data) / (b.data * b.data));
    },
  },
  pow: {
    arity: 1,
    forward: (a, e) => a ** e,
    // d(a^e) = e·a^(e-1)·da; for e = 0 the output is constant (and a^(-1) would be ∞ at a = 0)
    backward: (g, out) => {
      const [a] = out.parents as [Value];
      const e = out._attr;
      return [e === 0 ? g.mul(0) : g.mul(a.pow(e - 1).mul(e))];
    },
    numeric: (g, out) => {
      const e = out._attr;
      const a = parents1(out);
      a._g += e === 0 ? g * 0 : g * (a.data ** (e - 1) * e);
    },
  },
  neg: {
    arity: 1,
    forward: (a) => -a,
    // d(-a) = -da
    backward: (g) => [g.neg()],
    numeric: (g, out) => {
      parents1(out)._g += -g;
    },
  },
  exp: {
    arity: 1,
    forward: (a) => Math.exp(a),
    // d(e^a) = e^a·da: reuse the output
    backward: (g, out) => [g.mul(out)],
    numeric: (g, out) => {
      parents1(out)._g += g * out.data;
    },
  },
  log: {
    arity: 1,
    forward: (a) => Math.log(a),
    // d(ln a) = da/a
    backward: (g, out) => [g.div(out.parents[0]!)],
    numeric: (g, out) => {
      const a = parents1(out);
      a._g += g / a.data;
    },
  },
  tanh: {
    arity: 1,
    forward: (a) => Math.tanh(a),
    // d(tanh a) = (1 - tanh²a)·da: reuse the output, which stays finite for any a
    backward: (g, out) => [g.mul(out.mul(out).neg().add(1))],
    numeric: (g, out) => {
      parents1(out)._g += g * (-(out.data * out.data) + 1);
    },
  },
  relu: {
    arity: 1,
    forward: (a) => Math.max(a, 0),
    // d(relu a) = [a > 0]·da; at the kink a = 0 we take 0, as PyTorch does; NaN stays NaN, not a plausible 0
    backward: (g, out) => [g.mul(Number.isNaN(out.data) ? Number.NaN : out.data > 0 ? 1 : 0)],
    numeric: (g, out) => {
      parents1(out)._g += g * (Number.isNaN(out.data) ? Number.NaN : out.data > 0 ? 1 : 0);
    },
  },
  reciprocal: {
    arity: 1,
    forward: (a) => 1 / a,
    // d(1/a) = -da/a² = -(1/a)²·da: reuse the output
    backward: (g, out) => [g.mul(out.mul(out)).neg()],
    numeric: (g, out) => {
      parents1(out)._g += -(g * (out.data * out.data));
    },
  },
};
