// Activation functions and erf: PyTorch's definitions, defaults and conventions at kinks.

import { describe } from '../../errors.js';
import type { Algebra } from './algebra.js';
import { unary } from './declaration.js';
import { erf } from './erf.js';

/** 2/√π, C's M_2_SQRTPI. */
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const GELU_KAPPA = 0.044715;

function numberParam(op: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new TypeError(`${op}: ${name} must be a finite number, got ${describe(x)}`);
  }
  return x;
}

/**
 * σ(x) = 1/(1 + e^-x) in an algebra, finite for every finite x: with n = [x < 0], e^(x·n)/(1 + e^(-x·(1-2n)))
 * is 1/(1 + e^-x) for x >= 0 and e^x/(1 + e^x) for x < 0, and n is a constant so every derivative is
 * that form's.
 */
function logistic<T>(m: Algebra<T>, x: T): T {
  const n = m.step(m.neg(x));
  return m.div(m.exp(m.mul(x, n)), m.add(m.exp(m.neg(m.mul(x, m.sub(1, m.mul(n, 2))))), 1));
}

export const activations = {
  /**
   * max(this, 0); its gradient at 0 is 0.
   *
   * @example
   * ```ts
   * value(-2).relu().data; // 0
   * tensor([-1, 2]).relu().toArray(); // [0, 2]
   * ```
   */
  relu: unary({
    arity: 1,
    // Math.max keeps NaN as NaN
    f: (a) => Math.max(a, 0),
    // read from the output, which is > 0 exactly where the input is (and NaN where it is): the
    // backward needs no input, so a fused forward need not keep max's argument (ops/tensor/fusion.ts); PyTorch's
    // relu backward reads its result too
    derivative: (m, { out, g }) => m.reluGrad(g, out),
    doc: {
      family: 'activations',
      formula: 'max(x, 0)',
      derivative: '[x > 0]',
      convention: "relu'(0) = 0 (PyTorch)",
    },
    simd: 'reluLanes(x)',
  }),
  /**
   * this where positive, slope · this elsewhere (PyTorch's negative_slope, default 0.01).
   *
   * @example
   * ```ts
   * value(-2).leakyRelu().data; // -0.02
   * tensor([-1, 2]).leakyRelu(0.5).toArray(); // [-0.5, 2]
   * ```
   */
  leakyRelu: unary({
    arity: 1,
    params: (slope = 0.01) => ({ slope: numberParam('leakyRelu', 'slope', slope) }),
    f: (a, { slope }) => (a > 0 ? a : a * slope),
    derivative: (m, { a, g }, { slope }) => {
      const s = m.step(a);
      return m.mul(g, m.add(s, m.mul(m.sub(1, s), slope)));
    },
    doc: {
      call: 'x.leakyRelu(slope = 0.01)',
      family: 'activations',
      formula: 'x if x > 0, else slope·x',
      derivative: '1 if x > 0, else slope',
      convention: 'slope at 0 (PyTorch)',
    },
    simd: 'v128.bitselect(x, f64x2.mul(x, splat(p0)), f64x2.gt(x, ZERO))',
  }),
  /**
   * this where positive, alpha · (eˣ − 1) elsewhere (PyTorch's ELU, alpha default 1).
   *
   * @example
   * ```ts
   * value(2).elu().data; // 2
   * tensor([0, 1]).elu(0.5).toArray(); // [0, 1]
   * ```
   */
  elu: unary({
    arity: 1,
    params: (alpha = 1) => ({ alpha: numberParam('elu', 'alpha', alpha) }),
    f: (a, { alpha }) => (a > 0 ? a : alpha * Math.expm1(a)),
    // 1 where x > 0, alpha·eˣ elsewhere; e^(x·(1-s)) is 1 where s = 1, so it cannot overflow there
    derivative: (m, { a, g }, { alpha }) => {
      const s = m.step(a);
      const rest = m.sub(1, s);
      return m.mul(g, m.add(s, m.mul(m.mul(rest, alpha), m.exp(m.mul(a, rest)))));
    },
    doc: {
      call: 'x.elu(alpha = 1)',
      family: 'activations',
      formula: 'x if x > 0, else α(eˣ − 1)',
      derivative: '1 if x > 0, else α·eˣ',
      convention: 'α at 0 (PyTorch takes the x ≤ 0 side)',
    },
  }),
  /**
   * ln(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's Softplus, beta 1,
   * threshold 20).
   *
   * @example
   * ```ts
   * value(0).softplus().data; // 0.6931471805599453
   * tensor([30]).softplus().toArray(); // [30]
   * ```
   */
  softplus: unary({
    arity: 1,
    params: (beta = 1, threshold = 20) => ({
      beta: numberParam('softplus', 'beta', beta),
      threshold: numberParam('softplus', 'threshold', threshold),
    }),
    f: (a, { beta, threshold }) => (a * beta > threshold ? a : Math.log1p(Math.exp(a * beta)) / beta),
    // σ(βx) = 1 - e^(-β·out), as -expm1(-β·out) to keep its precision; exactly 1 above the threshold
    derivative: (m, { a, out, g }, { beta, threshold }) => {
      const t = m.step(m.sub(m.mul(a, beta), threshold));
      const sigma = m.neg(m.expm1(m.neg(m.mul(out, beta))));
      return m.mul(g, m.add(t, m.mul(m.sub(1, t), sigma)));
    },
    doc: {
      call: 'x.softplus(beta = 1, threshold = 20)',
      family: 'activations',
      formula: 'ln(1 + e^(βx))/β, x where βx > threshold',
      derivative: 'σ(βx), 1 where βx > threshold',
    },
  }),
  /**
   * this · σ(this), PyTorch's SiLU (swish).
   *
   * @example
   * ```ts
   * value(0).silu().data; // 0
   * tensor([0]).silu().toArray(); // [0]
   * ```
   */
  silu: unary({
    arity: 1,
    f: (a) => a / (1 + Math.exp(-a)),
    // PyTorch's σ·(1 + x·(1 - σ))
    derivative: (m, { a, g }) => {
      const s = logistic(m, a);
      return m.mul(g, m.mul(s, m.add(m.mul(a, m.sub(1, s)), 1)));
    },
    doc: { family: 'activations', formula: 'x·σ(x)', derivative: 'σ(x)·(1 + x·(1 − σ(x)))' },
  }),
  /**
   * The Gaussian error linear unit x·Φ(x), exact by default; `{ approximate: 'tanh' }` takes
   * PyTorch's tanh approximation.
   *
   * @example
   * ```ts
   * value(0).gelu().data; // 0
   * tensor([0]).gelu({ approximate: 'tanh' }).toArray(); // [0]
   * ```
   */
  gelu: unary({
    arity: 1,
    params: (options: { approximate?: 'none' | 'tanh' } = {}) => {
      const approximate = options?.approximate ?? 'none';
      if (approximate !== 'none' && approximate !== 'tanh') {
        throw new TypeError(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
      }
      return { approximate };
    },
    f: (x, { approximate }) => {
      if (approximate === 'none') return x * 0.5 * (1 + erf(x * Math.SQRT1_2));
      const inner = Math.SQRT2 * TWO_OVER_SQRT_PI * 0.5 * (x + GELU_KAPPA * (x * x * x));
      return 0.5 * x * (1 + Math.tanh(inner));
    },
    // PyTorch's GeluBackward: Φ(x) + x·φ(x), or the tanh form's derivative term by term
    derivative: (m, { a, g }, { approximate }) => {
      if (approximate === 'none') {
        const cdf = m.mul(m.add(m.erf(m.mul(a, Math.SQRT1_2)), 1), 0.5);
        const pdf = m.mul(m.exp(m.mul(m.mul(a, a), -0.5)), TWO_OVER_SQRT_PI * Math.SQRT1_2 * 0.5);
        return m.mul(g, m.add(cdf, m.mul(a, pdf)));
      }
      const beta = Math.SQRT2 * TWO_OVER_SQRT_PI * 0.5;
      const x2 = m.mul(a, a);
      const t = m.tanh(m.mul(m.add(a, m.mul(m.mul(x2, a), GELU_KAPPA)), beta));
      const left = m.mul(m.add(t, 1), 0.5);
      const right = m.mul(
        m.mul(m.mul(a, 0.5), m.sub(1, m.mul(t, t))),
        m.mul(m.add(m.mul(x2, 3 * GELU_KAPPA), 1), beta),
      );
      return m.mul(g, m.add(left, right));
    },
    doc: {
      call: "x.gelu({ approximate: 'none' | 'tanh' })",
      family: 'activations',
      formula: "x·Φ(x) = x·(1 + erf(x/√2))/2; 'tanh': x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2",
      derivative: "Φ(x) + x·φ(x); 'tanh': the tanh form's derivative",
    },
  }),
  /**
   * The error function 2/√π ∫₀ˣ e^(-t²) dt (fdlibm's float64 approximation, about 1 ulp).
   *
   * @example
   * ```ts
   * value(0).erf().data; // 0
   * tensor([0]).erf().toArray(); // [0]
   * ```
   */
  erf: unary({
    arity: 1,
    f: erf,
    derivative: (m, { a, g }) => m.mul(g, m.mul(m.exp(m.neg(m.mul(a, a))), TWO_OVER_SQRT_PI)),
    doc: { family: 'activations', formula: 'erf x', derivative: '2/√π · e^(−x²)' },
  }),
};
