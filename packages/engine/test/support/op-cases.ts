// How the tests exercise each elementwise op: where its inputs may be drawn (inside its domain, away
// from its kinks) and with which parameters. A mapped type over the declared names: an op declared
// without a case here does not compile, so every op reaches every generic test.

import type { ElementwiseOpName } from '@chainrule/engine';

/**
 * Where an input is drawn, as a smooth map from any real x (so generators need no filter and finite
 * differences stay inside): 'any' x; 'positive' x² + 0.5; 'unit' 0.9·tanh x (inside (-1, 1));
 * 'aboveOne' x² + 1; 'aboveMinusOne' x² − 0.5; 'awayFromZero' ±(x² + 0.5) by the sign of x (no input within 0.5 of 0).
 */
export type InputDomain = 'any' | 'positive' | 'aboveOne' | 'unit' | 'aboveMinusOne' | 'awayFromZero';

export interface OpCase {
  /** The input domain of the first operand, and of the second for a binary op. */
  readonly inputs: readonly [InputDomain] | readonly [InputDomain, InputDomain];
  /** Argument lists after the operands, one test run each; default one run without arguments. */
  readonly args?: readonly (readonly unknown[])[];
}

/** The map of `InputDomain` on plain numbers. */
export function toDomain(domain: InputDomain, x: number): number {
  switch (domain) {
    case 'any':
      return x;
    case 'positive':
      return x * x + 0.5;
    case 'aboveOne':
      return x * x + 1;
    case 'unit':
      return 0.9 * Math.tanh(x);
    case 'aboveMinusOne':
      return x * x - 0.5;
    case 'awayFromZero':
      return x < 0 ? -(x * x + 0.5) : x * x + 0.5;
  }
}

export const opCases: { readonly [K in ElementwiseOpName]: OpCase } = {
  add: { inputs: ['any', 'any'] },
  sub: { inputs: ['any', 'any'] },
  mul: { inputs: ['any', 'any'] },
  div: { inputs: ['any', 'awayFromZero'] },
  // the exponent away from 0: there ∂a is 0 by convention (the output is constant in a), and the
  // recorded ∂a's own derivative in b is 0 too, as PyTorch's (test/elementwise-conventions.test.ts),
  // not the limit g·a⁻¹ that central differences of ∂a would find
  pow: { inputs: ['positive', 'awayFromZero'] },
  // a tie is the kink: the first operand stays below 0.9, the second above 1
  maximum: { inputs: ['unit', 'aboveOne'] },
  minimum: { inputs: ['unit', 'aboveOne'] },
  neg: { inputs: ['any'] },
  reciprocal: { inputs: ['awayFromZero'] },
  abs: { inputs: ['awayFromZero'] },
  sign: { inputs: ['awayFromZero'] },
  square: { inputs: ['any'] },
  sqrt: { inputs: ['positive'] },
  rsqrt: { inputs: ['positive'] },
  // |x| >= 0.5 never meets the bounds ±0.25 or 0.3
  clamp: { inputs: ['awayFromZero'], args: [[-0.25, 0.25], [0.3], [null, 0.3]] },
  exp: { inputs: ['any'] },
  expm1: { inputs: ['any'] },
  log: { inputs: ['positive'] },
  log1p: { inputs: ['aboveMinusOne'] },
  log2: { inputs: ['positive'] },
  log10: { inputs: ['positive'] },
  sin: { inputs: ['any'] },
  cos: { inputs: ['any'] },
  tan: { inputs: ['unit'] },
  asin: { inputs: ['unit'] },
  acos: { inputs: ['unit'] },
  atan: { inputs: ['any'] },
  // x > 0: away from the branch cut along y = 0, x < 0
  atan2: { inputs: ['any', 'positive'] },
  sinh: { inputs: ['any'] },
  cosh: { inputs: ['any'] },
  tanh: { inputs: ['any'] },
  relu: { inputs: ['awayFromZero'] },
  leakyRelu: { inputs: ['awayFromZero'], args: [[], [0.2]] },
  elu: { inputs: ['awayFromZero'], args: [[], [0.5]] },
  softplus: { inputs: ['any'], args: [[], [2, 10]] },
  silu: { inputs: ['any'] },
  gelu: { inputs: ['any'], args: [[], [{ approximate: 'tanh' }]] },
  erf: { inputs: ['any'] },
  // no tie, so the constant a comparison gives stays put under the finite differences of the programs
  // that contain one (support/programs.ts gives the two operands opposite signs)
  lt: { inputs: ['awayFromZero', 'awayFromZero'] },
  le: { inputs: ['awayFromZero', 'awayFromZero'] },
  gt: { inputs: ['awayFromZero', 'awayFromZero'] },
  ge: { inputs: ['awayFromZero', 'awayFromZero'] },
  eq: { inputs: ['awayFromZero', 'awayFromZero'] },
  ne: { inputs: ['awayFromZero', 'awayFromZero'] },
};
