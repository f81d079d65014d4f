// The comparisons: 1 where the relation holds, else 0, as constants that carry no gradient.

import { binary } from './declaration.js';

// The result is piecewise constant in both operands: its derivative is 0 wherever it exists, so it is
// a constant (PyTorch's comparisons return bool tensors, which never require grad). IEEE decides the
// edges: NaN compares false except under `ne`, -0 equals +0, and ∞ equals ∞.
const RELATION = { derivative: 'none: a constant (no gradient flows)' } as const;

export const comparison = {
  /**
   * 1 where this < other, else 0 (NaN: 0), broadcasting on tensors. The result is a constant: no
   * gradient flows through it. Use it as the condition of `where`.
   *
   * @example
   * ```ts
   * value(1).lt(2).data; // 1
   * tensor([1, 2, 3]).lt(2).toArray(); // [1, 0, 0]
   * ```
   */
  lt: binary({
    arity: 2,
    f: (a, b) => (a < b ? 1 : 0),
    derivative: null,
    doc: { family: 'comparison', formula: '[a < b]', ...RELATION, convention: 'NaN on either side gives 0' },
    simd: 'pick(ONE, ZERO, f64x2.lt(a, b))',
  }),
  /**
   * 1 where this ≤ other, else 0 (NaN: 0), broadcasting on tensors; a constant, without gradient.
   *
   * @example
   * ```ts
   * value(2).le(2).data; // 1
   * tensor([1, 2, 3]).le(2).toArray(); // [1, 1, 0]
   * ```
   */
  le: binary({
    arity: 2,
    f: (a, b) => (a <= b ? 1 : 0),
    derivative: null,
    doc: { family: 'comparison', formula: '[a ≤ b]', ...RELATION, convention: 'NaN on either side gives 0' },
    simd: 'pick(ONE, ZERO, f64x2.le(a, b))',
  }),
  /**
   * 1 where this > other, else 0 (NaN: 0), broadcasting on tensors; a constant, without gradient.
   *
   * @example
   * ```ts
   * value(3).gt(2).data; // 1
   * tensor([1, 2, 3]).gt(2).toArray(); // [0, 0, 1]
   * ```
   */
  gt: binary({
    arity: 2,
    f: (a, b) => (a > b ? 1 : 0),
    derivative: null,
    doc: { family: 'comparison', formula: '[a > b]', ...RELATION, convention: 'NaN on either side gives 0' },
    simd: 'pick(ONE, ZERO, f64x2.gt(a, b))',
  }),
  /**
   * 1 where this ≥ other, else 0 (NaN: 0), broadcasting on tensors; a constant, without gradient.
   *
   * @example
   * ```ts
   * value(2).ge(2).data; // 1
   * tensor([1, 2, 3]).ge(2).toArray(); // [0, 1, 1]
   * ```
   */
  ge: binary({
    arity: 2,
    f: (a, b) => (a >= b ? 1 : 0),
    derivative: null,
    doc: { family: 'comparison', formula: '[a ≥ b]', ...RELATION, convention: 'NaN on either side gives 0' },
    simd: 'pick(ONE, ZERO, f64x2.ge(a, b))',
  }),
  /**
   * 1 where this equals other, else 0, broadcasting on tensors: exact float64 equality, so -0 equals
   * +0 and NaN equals nothing, itself included. A constant, without gradient.
   *
   * @example
   * ```ts
   * value(0).eq(-0).data; // 1
   * tensor([1, 2, Number.NaN]).eq(tensor([1, 3, Number.NaN])).toArray(); // [1, 0, 0]
   * ```
   */
  eq: binary({
    arity: 2,
    f: (a, b) => (a === b ? 1 : 0),
    derivative: null,
    doc: {
      family: 'comparison',
      formula: '[a = b]',
      ...RELATION,
      convention: 'NaN gives 0 (NaN equals nothing, itself included); −0 equals +0',
    },
    simd: 'pick(ONE, ZERO, f64x2.eq(a, b))',
  }),
  /**
   * 1 where this differs from other, else 0, broadcasting on tensors: the negation of `eq`, so NaN
   * differs from everything, itself included. A constant, without gradient.
   *
   * @example
   * ```ts
   * value(1).ne(2).data; // 1
   * tensor([1, 2, Number.NaN]).ne(tensor([1, 3, Number.NaN])).toArray(); // [0, 1, 1]
   * ```
   */
  ne: binary({
    arity: 2,
    f: (a, b) => (a !== b ? 1 : 0),
    derivative: null,
    doc: {
      family: 'comparison',
      formula: '[a ≠ b]',
      ...RELATION,
      convention: 'NaN gives 1 (the negation of eq); −0 equals +0',
    },
    simd: 'pick(ONE, ZERO, f64x2.ne(a, b))',
  }),
};
