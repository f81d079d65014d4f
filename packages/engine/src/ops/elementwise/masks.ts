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
