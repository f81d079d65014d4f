// Exponentials, logarithms, trigonometric and hyperbolic functions: Math's values, PyTorch's derivatives.
// None has a SIMD form: a WebAssembly version would round differently from Math, and no result may
// depend on the backend.

import type { Algebra } from './algebra.js';
import { binary, interval, NON_NEGATIVE, unary } from './declaration.js';

const unitInterval = interval(-1, 1, '-1 <= x <= 1');

/** 1/(y² + x²) for atan2's derivative, and 0 at the origin, where the sum is 0. */
function atan2Scale<T>(m: Algebra<T>, y: T, x: T | number): T {
  const s = m.add(m.mul(y, y), m.mul(x, x));
  const zero = m.isZero(s);
  return m.mul(m.reciprocal(m.add(s, zero)), m.sub(1, zero));
}

export const exponential = {
  /**
   * e to the power this.
   *
   * @example
   * ```ts
   * value(0).exp().data; // 1
   * tensor([0]).exp().toArray(); // [1]
   * ```
   */
  exp: unary({
    arity: 1,
    f: (a) => Math.exp(a),
    // reuse the output
    derivative: (m, { out, g }) => m.mul(g, out),
    doc: { family: 'exponentials and logarithms', formula: 'eˣ', derivative: 'eˣ' },
  }),
  /**
   * eˣ − 1, accurate near 0.
   *
   * @example
   * ```ts
   * value(0).expm1().data; // 0
   * tensor([0]).expm1().toArray(); // [0]
   * ```
   */
  expm1: unary({
    arity: 1,
    f: (a) => Math.expm1(a),
    derivative: (m, { out, g }) => m.mul(g, m.add(out, 1)),
    doc: { family: 'exponentials and logarithms', formula: 'eˣ − 1', derivative: 'eˣ' },
  }),
  /**
   * The natural logarithm; log(0) is -Infinity, a negative input is a RangeError.
   *
   * @example
   * ```ts
   * value(Math.E).log().data; // 1
   * tensor([1, Math.E]).log().toArray(); // [0, 1]
   * ```
   */
  log: unary({
    arity: 1,
    domain: NON_NEGATIVE,
    f: (a) => Math.log(a),
    derivative: (m, { a, g }) => m.div(g, a),
    doc: {
      family: 'exponentials and logarithms',
      formula: 'ln x',
      derivative: '1/x',
      convention: "log'(0) = +Infinity",
    },
  }),
  /**
   * ln(1 + this), accurate near 0; below -1 a RangeError.
   *
   * @example
   * ```ts
   * value(0).log1p().data; // 0
   * tensor([0]).log1p().toArray(); // [0]
   * ```
   */
  log1p: unary({
    arity: 1,
    domain: interval(-1, Number.POSITIVE_INFINITY, 'x >= -1'),
    f: (a) => Math.log1p(a),
    derivative: (m, { a, g }) => m.div(g, m.add(a, 1)),
    doc: {
      family: 'exponentials and logarithms',
      formula: 'ln(1 + x)',
      derivative: '1/(1 + x)',
      convention: "log1p'(−1) = +Infinity",
    },
  }),
  /**
   * The base-2 logarithm; a negative input is a RangeError.
   *
   * @example
   * ```ts
   * value(8).log2().data; // 3
   * tensor([1, 4]).log2().toArray(); // [0, 2]
   * ```
   */
  log2: unary({
    arity: 1,
    domain: NON_NEGATIVE,
    f: (a) => Math.log2(a),
    // PyTorch's g / (x·ln 2)
    derivative: (m, { a, g }) => m.div(g, m.mul(a, Math.LN2)),
    doc: {
      family: 'exponentials and logarithms',
      formula: 'log₂ x',
      derivative: '1/(x·ln 2)',
      convention: "log2'(0) = +Infinity",
    },
  }),
  /**
   * The base-10 logarithm; a negative input is a RangeError.
   *
   * @example
   * ```ts
   * value(1000).log10().data; // 3
   * tensor([1, 100]).log10().toArray(); // [0, 2]
   * ```
   */
  log10: unary({
    arity: 1,
    domain: NON_NEGATIVE,
    f: (a) => Math.log10(a),
    derivative: (m, { a, g }) => m.div(g, m.mul(a, Math.LN10)),
    doc: {
      family: 'exponentials and logarithms',
      formula: 'log₁₀ x',
      derivative: '1/(x·ln 10)',
      convention: "log10'(0) = +Infinity",
    },
  }),
};

export const trigonometric = {
  /**
   * The sine (radians).
   *
   * @example
   * ```ts
   * value(0).sin().data; // 0
   * tensor([0]).sin().toArray(); // [0]
   * ```
   */
  sin: unary({
    arity: 1,
    f: (a) => Math.sin(a),
    derivative: (m, { a, g }) => m.mul(g, m.cos(a)),
    doc: { family: 'trigonometric', formula: 'sin x', derivative: 'cos x' },
  }),
  /**
   * The cosine (radians).
   *
   * @example
   * ```ts
   * value(0).cos().data; // 1
   * tensor([0]).cos().toArray(); // [1]
   * ```
   */
  cos: unary({
    arity: 1,
    f: (a) => Math.cos(a),
    derivative: (m, { a, g }) => m.mul(g, m.neg(m.sin(a))),
    doc: { family: 'trigonometric', formula: 'cos x', derivative: '−sin x' },
  }),
  /**
   * The tangent (radians).
   *
   * @example
   * ```ts
   * value(0).tan().data; // 0
   * tensor([0]).tan().toArray(); // [0]
   * ```
   */
  tan: unary({
    arity: 1,
    f: (a) => Math.tan(a),
    // PyTorch's 1 + tan²: reuse the output
    derivative: (m, { out, g }) => m.mul(g, m.add(m.mul(out, out), 1)),
    doc: { family: 'trigonometric', formula: 'tan x', derivative: '1 + tan² x' },
  }),
  /**
   * The arcsine; outside [-1, 1] a RangeError. Its derivative at ±1 is +Infinity.
   *
   * @example
   * ```ts
   * value(0).asin().data; // 0
   * tensor([0, 1]).asin().toArray(); // [0, 1.5707963267948966]
   * ```
   */
  asin: unary({
    arity: 1,
    domain: unitInterval,
    f: (a) => Math.asin(a),
    derivative: (m, { a, g }) => m.div(g, m.sqrt(m.sub(1, m.mul(a, a)))),
    doc: {
      family: 'trigonometric',
      formula: 'asin x',
      derivative: '1/√(1 − x²)',
      convention: "asin'(±1) = +Infinity (PyTorch)",
    },
  }),
  /**
   * The arccosine; outside [-1, 1] a RangeError. Its derivative at ±1 is -Infinity.
   *
   * @example
   * ```ts
   * value(1).acos().data; // 0
   * tensor([1]).acos().toArray(); // [0]
   * ```
   */
  acos: unary({
    arity: 1,
    domain: unitInterval,
    f: (a) => Math.acos(a),
    derivative: (m, { a, g }) => m.neg(m.div(g, m.sqrt(m.sub(1, m.mul(a, a))))),
    doc: {
      family: 'trigonometric',
      formula: 'acos x',
      derivative: '−1/√(1 − x²)',
      convention: "acos'(±1) = −Infinity (PyTorch)",
    },
  }),
  /**
   * The arctangent.
   *
   * @example
   * ```ts
   * value(0).atan().data; // 0
   * tensor([0]).atan().toArray(); // [0]
   * ```
   */
  atan: unary({
    arity: 1,
    f: (a) => Math.atan(a),
    derivative: (m, { a, g }) => m.div(g, m.add(m.mul(a, a), 1)),
    doc: { family: 'trigonometric', formula: 'atan x', derivative: '1/(1 + x²)' },
  }),
  /**
   * The angle of the point (x = other, y = this), as Math.atan2(this, other), in (-π, π].
   *
   * @example
   * ```ts
   * value(1).atan2(1).data; // 0.7853981633974483
   * tensor([0, 1]).atan2(tensor([1, 0])).toArray(); // [0, 1.5707963267948966]
   * ```
   */
  atan2: binary({
    arity: 2,
    f: (y, x) => Math.atan2(y, x),
    // PyTorch's: r = 1/(x² + y²), ∂y = x·r, ∂x = -y·r, with r = 0 at the origin (PyTorch 2.x gives
    // 0 there, not 0·∞): 1/(s + [s = 0])·[s ≠ 0], exactly 1/s wherever s is not 0
    derivative: [
      (m, { a, b, g }) => m.mul(m.mul(g, b), atan2Scale(m, a, b)),
      (m, { a, b, g }) => m.mul(m.mul(g, m.neg(a)), atan2Scale(m, a, b)),
    ],
    doc: {
      call: 'y.atan2(x), atan2(y, x)',
      family: 'trigonometric',
      formula: 'atan2(y, x)',
      derivative: '∂y = x/(x² + y²), ∂x = −y/(x² + y²)',
      convention: 'gradient 0 at the origin (PyTorch); the value jumps from π to −π across y = 0, x < 0',
    },
  }),
};

export const hyperbolic = {
  /**
   * The hyperbolic sine.
   *
   * @example
   * ```ts
   * value(0).sinh().data; // 0
   * tensor([0]).sinh().toArray(); // [0]
   * ```
   */
  sinh: unary({
    arity: 1,
    f: (a) => Math.sinh(a),
    derivative: (m, { a, g }) => m.mul(g, m.cosh(a)),
    doc: { family: 'hyperbolic', formula: 'sinh x', derivative: 'cosh x' },
  }),
  /**
   * The hyperbolic cosine.
   *
   * @example
   * ```ts
   * value(0).cosh().data; // 1
   * tensor([0]).cosh().toArray(); // [1]
   * ```
   */
  cosh: unary({
    arity: 1,
    f: (a) => Math.cosh(a),
    derivative: (m, { a, g }) => m.mul(g, m.sinh(a)),
    doc: { family: 'hyperbolic', formula: 'cosh x', derivative: 'sinh x' },
  }),
  /**
   * The hyperbolic tangent.
   *
   * @example
   * ```ts
   * value(0).tanh().data; // 0
   * tensor([0]).tanh().toArray(); // [0]
   * ```
   */
  tanh: unary({
    arity: 1,
    f: (a) => Math.tanh(a),
    // 1 - tanh²: reuse the output, which stays finite for any input
    derivative: (m, { out, g }) => m.mul(g, m.add(m.neg(m.mul(out, out)), 1)),
    doc: { family: 'hyperbolic', formula: 'tanh x', derivative: '1 − tanh² x' },
  }),
};
