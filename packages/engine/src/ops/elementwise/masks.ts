// Internal elementwise ops without a gradient: the masks derivatives split cases with, and a fused step.

import { binary, unary } from './declaration.js';

/** Masks: their outputs are constants (no gradient), as comparisons' will be. */
export const masks = {
  step: unary({
    arity: 1,
    internal: true,
    // the relu mask; NaN stays NaN so a NaN input cannot hide behind a zero gradient
    f: (x) => (x > 0 ? 1 : x <= 0 ? 0 : Number.NaN),
    derivative: null,
    doc: { family: 'internal', formula: '[x > 0]', derivative: 'none (a constant)' },
    simd: 'pick(ONE, pick(ZERO, NAN, f64x2.le(x, ZERO)), f64x2.gt(x, ZERO))',
  }),
  isZero: unary({
    arity: 1,
    internal: true,
    f: (x) => (x === 0 ? 1 : Number.isNaN(x) ? Number.NaN : 0),
    derivative: null,
    doc: { family: 'internal', formula: '[x = 0]', derivative: 'none (a constant)' },
    simd: 'pick(ONE, pick(ZERO, NAN, f64x2.eq(x, x)), f64x2.eq(x, ZERO))',
  }),
  // masks the tensor methods pick a form with (sigmoid, norm, logSumExp's shift, max's gradient):
  // a NaN input gives 0 or 1 here, as the comparisons they replace did
  isNegative: unary({
    arity: 1,
    internal: true,
    f: (x) => (x < 0 ? 1 : 0),
    derivative: null,
    doc: { family: 'internal', formula: '[x < 0] (0 for NaN)', derivative: 'none (a constant)' },
  }),
  negativeSign: unary({
    arity: 1,
    internal: true,
    f: (x) => (x < 0 ? -1 : 1),
    derivative: null,
    doc: {
      family: 'internal',
      formula: '-1 if x < 0, else 1 (NaN included)',
      derivative: 'none (a constant)',
    },
  }),
  isExactZero: unary({
    arity: 1,
    internal: true,
    f: (x) => (x === 0 ? 1 : 0),
    derivative: null,
    doc: { family: 'internal', formula: '[x = 0] (0 for NaN)', derivative: 'none (a constant)' },
  }),
  isNonZero: unary({
    arity: 1,
    internal: true,
    f: (x) => (x === 0 ? 0 : 1),
    derivative: null,
    doc: { family: 'internal', formula: '[x ≠ 0] (1 for NaN)', derivative: 'none (a constant)' },
  }),
  finiteOrZero: unary({
    arity: 1,
    internal: true,
    f: (x) => (Number.isFinite(x) ? x : 0),
    derivative: null,
    doc: { family: 'internal', formula: 'x if finite, else 0', derivative: 'none (a constant)' },
  }),
  isEqual: binary({
    arity: 2,
    internal: true,
    f: (a, b) => (a === b ? 1 : 0),
    derivative: null,
    doc: { family: 'internal', formula: '[a = b] (0 for NaN)', derivative: 'none (a constant)' },
  }),
  gtHalf: binary({
    arity: 2,
    internal: true,
    // how maximum and minimum share their gradient at ties, as PyTorch does
    f: (a, b) => (a > b ? 1 : a === b ? 0.5 : a < b ? 0 : Number.NaN),
    derivative: null,
    doc: {
      family: 'internal',
      formula: '1 if a > b, 1/2 if a = b, 0 if a < b',
      derivative: 'none (a constant)',
    },
    simd: 'pick(ONE, pick(splat(0.5), pick(ZERO, NAN, f64x2.lt(a, b)), f64x2.eq(a, b)), f64x2.gt(a, b))',
  }),
  reluGrad: binary({
    arity: 2,
    internal: true,
    // a·[b > 0] in one pass, the relu backward: a·1 = a and a·0 = ±0 (NaN for an infinite a)
    f: (g, x) => (x > 0 ? g : x <= 0 ? g * 0 : Number.NaN),
    derivative: null,
    doc: { family: 'internal', formula: 'a·[b > 0]', derivative: 'none (used unrecorded only)' },
    simd: 'v128.bitselect(a, v128.bitselect(f64x2.mul(a, ZERO), NAN, f64x2.le(b, ZERO)), f64x2.gt(b, ZERO))',
  }),
};
