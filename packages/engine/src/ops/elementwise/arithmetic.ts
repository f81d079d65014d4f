// Arithmetic, powers and roots, and the piecewise-linear ops: their values, derivatives and kinks.

import { describe } from '../../errors.js';
import { binary, NON_NEGATIVE, unary } from './declaration.js';

/**
 * a^b as C's pow computes it, and so PyTorch: JavaScript's ** differs only in giving NaN for a base
 * of 1 with an infinite or NaN exponent and for -1 with an infinite one, where C (IEEE 754's pow)
 * gives 1.
 *
 * @internal
 */
export function powOf(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Number.POSITIVE_INFINITY || b === Number.NEGATIVE_INFINITY))
    ? 1
    : a ** b;
}

/** Reads clamp's bounds: either may be absent (null or undefined), not both. */
function clampBounds(min?: number | null, max?: number | null): { min: number; max: number } {
  for (const [name, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && bound !== null && (typeof bound !== 'number' || Number.isNaN(bound))) {
      throw new TypeError(`clamp: ${name} must be a number, null or undefined, got ${describe(bound)}`);
    }
  }
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError('clamp: needs a min or a max bound, got neither');
  }
  return { min: min ?? Number.NEGATIVE_INFINITY, max: max ?? Number.POSITIVE_INFINITY };
}

export const arithmetic = {
  /**
   * this + other, broadcasting on tensors. For `1 + x` write `add(1, x)`.
   *
   * @example
   * ```ts
   * value(2).add(3).data; // 5
   * tensor([[1], [2]]).add(tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
   * ```
   */
  add: binary({
    arity: 2,
    f: (a, b) => a + b,
    // d(a + b) = da + db; the reverse walk sums broadcast gradients back to each input's shape
    derivative: [(_m, { g }) => g, (_m, { g }) => g],
    doc: { family: 'arithmetic', formula: 'a + b', derivative: '∂a = 1, ∂b = 1' },
    simd: 'f64x2.add(a, b)',
  }),
  /**
   * this - other, broadcasting. For `2 - x` write `sub(2, x)`.
   *
   * @example
   * ```ts
   * value(2).sub(3).data; // -1
   * tensor([3, 4]).sub(1).toArray(); // [2, 3]
   * ```
   */
  sub: binary({
    arity: 2,
    f: (a, b) => a - b,
    derivative: [(_m, { g }) => g, (m, { g }) => m.neg(g)],
    doc: { family: 'arithmetic', formula: 'a − b', derivative: '∂a = 1, ∂b = −1' },
    simd: 'f64x2.sub(a, b)',
  }),
  /**
   * this · other, broadcasting.
   *
   * @example
   * ```ts
   * value(2).mul(3).data; // 6
   * tensor([1, 2]).mul(3).toArray(); // [3, 6]
   * ```
   */
  mul: binary({
    arity: 2,
    f: (a, b) => a * b,
    derivative: [(m, { b, g }) => m.mul(g, b), (m, { a, g }) => m.mul(g, a)],
    doc: { family: 'arithmetic', formula: 'a · b', derivative: '∂a = b, ∂b = a' },
    simd: 'f64x2.mul(a, b)',
  }),
  /**
   * this / other, broadcasting. For `1 / x` write `div(1, x)` or `x.reciprocal()`.
   *
   * @example
   * ```ts
   * value(3).div(2).data; // 1.5
   * tensor([1, 2]).div(2).toArray(); // [0.5, 1]
   * ```
   */
  div: binary({
    arity: 2,
    f: (a, b) => a / b,
    // d(a/b) = da/b - (a/b)·db/b: reuse the output, which cannot overflow where b² would
    derivative: [(m, { b, g }) => m.div(g, b), (m, { b, out, g }) => m.neg(m.div(m.mul(g, out), b))],
    doc: { family: 'arithmetic', formula: 'a / b', derivative: '∂a = 1/b, ∂b = −(a/b)/b' },
    simd: 'f64x2.div(a, b)',
  }),
  /**
   * this raised to a power: a number, or a Value / Tensor of exponents (broadcasting). A finite
   * negative base needs an integer exponent; infinities give their limits, as C's pow does. For a
   * number base write `pow(2, x)`.
   *
   * @example
   * ```ts
   * value(2).pow(3).data; // 8
   * value(2).pow(value(3)).data; // 8
   * tensor([2, 3]).pow(2).toArray(); // [4, 9]
   * ```
   */
  pow: binary({
    arity: 2,
    numberOperandAsParam: true,
    f: powOf,
    derivative: [
      // b·a^(b-1); where b = 0 the output is constant in a: a^0·0, not 0·a^(-1), which is NaN at
      // a = 0. For an exponent that is a node, the factor [b ≠ 0] (1 or 0, so the numbers do not
      // change) makes that 0 constant in b too, as PyTorch's where(b == 0, 0, ...) does: without it,
      // ∂a's derivative in b at b = 0 would be a^0 = 1, neither PyTorch's 0 nor the limit 1/a.
      (m, { a, b, g }) => {
        const zero = m.isZero(b);
        const slope = m.mul(m.pow(a, m.sub(b, m.sub(1, zero))), b);
        return m.mul(g, typeof b === 'number' ? slope : m.mul(slope, m.sub(1, zero)));
      },
      // a^b·ln(a); at a = 0 with b >= 0 the limit 0, as PyTorch (ln(0 + 1)·0), while a negative b
      // keeps ∞·(−∞) = −∞ there, as PyTorch's where(a == 0 & b >= 0, 0, ·); NaN for a negative base
      (m, { a, b, out, g }) => {
        const limit = m.mul(m.isZero(a), m.sub(1, m.step(m.sub(0, b))));
        return m.mul(m.mul(g, out), m.mul(m.log(m.add(a, limit)), m.sub(1, limit)));
      },
    ],
    doc: {
      call: 'a.pow(b), pow(2, x)',
      family: 'powers and roots',
      formula: 'a^b',
      derivative: '∂a = b·a^(b−1), ∂b = a^b·ln a',
      convention:
        "∂a = 0 where b = 0 (the output is constant), and so is its derivative in b (PyTorch); ∂b = 0 where a = 0 and b >= 0 (PyTorch); a finite negative base with a finite non-integer exponent is a RangeError; 1^b = 1 and (−1)^±∞ = 1 (C's pow)",
    },
  }),
  /**
   * The larger of this and other, elementwise; at a tie each gets half the gradient.
   *
   * @example
   * ```ts
   * value(1).maximum(3).data; // 3
   * tensor([1, 5]).maximum(3).toArray(); // [3, 5]
   * ```
   */
  maximum: binary({
    arity: 2,
    f: (a, b) => Math.max(a, b),
    derivative: [
      (m, { a, b, g }) => m.mul(g, m.gtHalf(a, b)),
      (m, { a, b, g }) => m.mul(g, m.add(m.neg(m.gtHalf(a, b)), 1)),
    ],
    doc: {
      family: 'arithmetic',
      formula: 'max(a, b)',
      derivative: '∂a = [a > b], ∂b = [b > a]',
      convention: 'a tie splits the gradient, 1/2 each (PyTorch)',
    },
    simd: 'f64x2.max(a, b)',
  }),
  /**
   * The smaller of this and other, elementwise; at a tie each gets half the gradient.
   *
   * @example
   * ```ts
   * value(1).minimum(3).data; // 1
   * tensor([1, 5]).minimum(3).toArray(); // [1, 3]
   * ```
   */
  minimum: binary({
    arity: 2,
    f: (a, b) => Math.min(a, b),
    derivative: [
      (m, { a, b, g }) => m.mul(g, m.gtHalf(b, a)),
      (m, { a, b, g }) => m.mul(g, m.add(m.neg(m.gtHalf(b, a)), 1)),
    ],
    doc: {
      family: 'arithmetic',
      formula: 'min(a, b)',
      derivative: '∂a = [a < b], ∂b = [b < a]',
      convention: 'a tie splits the gradient, 1/2 each (PyTorch)',
    },
    simd: 'f64x2.min(a, b)',
  }),
  /**
   * -this.
   *
   * @example
   * ```ts
   * value(2).neg().data; // -2
   * tensor([1, -2]).neg().toArray(); // [-1, 2]
   * ```
   */
  neg: unary({
    arity: 1,
    f: (a) => -a,
    derivative: (m, { g }) => m.neg(g),
    doc: { family: 'arithmetic', formula: '−x', derivative: '−1' },
    simd: 'f64x2.neg(x)',
  }),
  /**
   * 1 / this.
   *
   * @example
   * ```ts
   * value(4).reciprocal().data; // 0.25
   * tensor([2, 4]).reciprocal().toArray(); // [0.5, 0.25]
   * ```
   */
  reciprocal: unary({
    arity: 1,
    f: (a) => 1 / a,
    // d(1/a) = -(1/a)²·da: reuse the output
    derivative: (m, { out, g }) => m.neg(m.mul(g, m.mul(out, out))),
    doc: { family: 'arithmetic', formula: '1/x', derivative: '−1/x²' },
    simd: 'f64x2.div(ONE, x)',
  }),
  /**
   * |this|; its gradient at 0 is 0.
   *
   * @example
   * ```ts
   * value(-3).abs().data; // 3
   * tensor([-1, 2]).abs().toArray(); // [1, 2]
   * ```
   */
  abs: unary({
    arity: 1,
    f: (a) => Math.abs(a),
    derivative: (m, { a, g }) => m.mul(g, m.sign(a)),
    doc: { family: 'arithmetic', formula: '|x|', derivative: 'sign(x)', convention: "abs'(0) = 0 (PyTorch)" },
    simd: 'f64x2.abs(x)',
  }),
  /**
   * The sign: 1, -1, or 0 at 0; its gradient is 0 everywhere.
   *
   * @example
   * ```ts
   * value(-3).sign().data; // -1
   * tensor([-2, 0, 5]).sign().toArray(); // [-1, 0, 1]
   * ```
   */
  sign: unary({
    arity: 1,
    f: (a) => (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : Number.NaN),
    derivative: (m, { g }) => m.mul(g, 0),
    doc: {
      family: 'arithmetic',
      formula: 'sign(x)',
      derivative: '0',
      convention: "sign'(x) = 0 everywhere, 0 included (PyTorch)",
    },
    simd: 'pick(ONE, pick(splat(-1), pick(ZERO, NAN, f64x2.eq(x, ZERO)), f64x2.lt(x, ZERO)), f64x2.gt(x, ZERO))',
  }),
  /**
   * this², as this · this.
   *
   * @example
   * ```ts
   * value(3).square().data; // 9
   * tensor([-2, 3]).square().toArray(); // [4, 9]
   * ```
   */
  square: unary({
    arity: 1,
    f: (a) => a * a,
    derivative: (m, { a, g }) => m.mul(g, m.mul(a, 2)),
    doc: { family: 'powers and roots', formula: 'x²', derivative: '2x' },
    simd: 'f64x2.mul(x, x)',
  }),
  /**
   * The square root; a negative input is a RangeError. Its derivative at 0 is +Infinity.
   *
   * @example
   * ```ts
   * value(9).sqrt().data; // 3
   * tensor([1, 4]).sqrt().toArray(); // [1, 2]
   * ```
   */
  sqrt: unary({
    arity: 1,
    domain: NON_NEGATIVE,
    f: (a) => Math.sqrt(a),
    derivative: (m, { out, g }) => m.div(g, m.mul(out, 2)),
    doc: {
      family: 'powers and roots',
      formula: '√x',
      derivative: '1/(2√x)',
      convention: "sqrt'(0) = +Infinity (PyTorch)",
    },
    simd: 'f64x2.sqrt(x)',
  }),
  /**
   * 1 / √this; a negative input is a RangeError, rsqrt(0) is +Infinity.
   *
   * @example
   * ```ts
   * value(4).rsqrt().data; // 0.5
   * tensor([1, 4]).rsqrt().toArray(); // [1, 0.5]
   * ```
   */
  rsqrt: unary({
    arity: 1,
    domain: NON_NEGATIVE,
    f: (a) => 1 / Math.sqrt(a),
    // PyTorch's -0.5·g·out³
    derivative: (m, { out, g }) => m.mul(m.mul(g, -0.5), m.mul(m.mul(out, out), out)),
    doc: {
      family: 'powers and roots',
      formula: '1/√x',
      derivative: '−1/(2·x^(3/2))',
      convention: "rsqrt'(0) = −Infinity",
    },
    simd: 'f64x2.div(ONE, f64x2.sqrt(x))',
  }),
  /**
   * this limited to [min, max]; either bound may be null or left out, not both. The gradient is 1
   * inside the bounds, the bounds included (PyTorch), and 0 outside.
   *
   * @example
   * ```ts
   * value(5).clamp(0, 1).data; // 1
   * tensor([-2, 0.5, 3]).clamp(0).toArray(); // [0, 0.5, 3]
   * tensor([-2, 0.5, 3]).clamp(null, 1).toArray(); // [-2, 0.5, 1]
   * ```
   */
  clamp: unary({
    arity: 1,
    params: clampBounds,
    f: (a, { min, max }) => Math.min(Math.max(a, min), max),
    // [min <= a <= max] as (1 - [min - a > 0])·(1 - [a - max > 0]): a - b is 0 exactly when a = b.
    // An infinite bound (an absent one) bounds nothing and has no factor: ∞ - ∞ would make the
    // gradient of an infinite input NaN (PyTorch: 1)
    derivative: (m, { a, g }, { min, max }) => {
      const above = min === Number.NEGATIVE_INFINITY ? null : m.sub(1, m.step(m.sub(min, a)));
      const below = max === Number.POSITIVE_INFINITY ? null : m.sub(1, m.step(m.sub(a, max)));
      const inside = above !== null && below !== null ? m.mul(above, below) : (above ?? below);
      return inside === null ? g : m.mul(g, inside);
    },
    doc: {
      call: 'x.clamp(min?, max?)',
      family: 'activations',
      formula: 'min(max(x, min), max)',
      derivative: '[min ≤ x ≤ max]',
      convention: 'gradient 1 at either bound (PyTorch)',
    },
    simd: 'f64x2.min(f64x2.max(x, splat(p0)), splat(p1))',
  }),
};
