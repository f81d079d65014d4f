// The parameterised activation modules: LeakyReLU, ELU, Softplus, GELU and SiLU, PyTorch's defaults.

import type { Tensor } from '@chainrule/engine';
import { checkNumber, kindOf } from './errors.js';
import { checkTensor } from './layers.js';
import { Module } from './module.js';

/**
 * x where x > 0, negativeSlope · x elsewhere (PyTorch's LeakyReLU, slope 0.01 by default).
 *
 * @example
 * ```ts
 * new LeakyReLU(0.1).forward(tensor([-2, 3])).toArray(); // [-0.2, 3]
 * ```
 */
export class LeakyReLU extends Module {
  /** The slope for x <= 0. */
  readonly negativeSlope: number;

  /**
   * A leaky ReLU with the given slope for x <= 0.
   *
   * @example
   * ```ts
   * new LeakyReLU().negativeSlope; // 0.01
   * ```
   */
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  /**
   * The activation elementwise; its gradient at 0 is the slope.
   *
   * @example
   * ```ts
   * new LeakyReLU().forward(tensor([-1, 0, 2])).toArray(); // [-0.01, 0, 2]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('LeakyReLU.forward', x).leakyRelu(this.negativeSlope);
  }

  /**
   * `LeakyReLU(negativeSlope)`.
   *
   * @example
   * ```ts
   * String(new LeakyReLU()); // 'LeakyReLU(0.01)'
   * ```
   */
  override toString(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
}

/**
 * x where x > 0, alpha · (eˣ − 1) elsewhere (PyTorch's ELU, alpha 1 by default).
 *
 * @example
 * ```ts
 * new ELU().forward(tensor([0, 2])).toArray(); // [0, 2]
 * ```
 */
export class ELU extends Module {
  /** The scale of the negative part. */
  readonly alpha: number;

  /**
   * An ELU with the given alpha.
   *
   * @example
   * ```ts
   * new ELU(0.5).alpha; // 0.5
   * ```
   */
  constructor(alpha = 1) {
    super();
    this.alpha = checkNumber('ELU', 'alpha', alpha);
  }

  /**
   * The activation elementwise.
   *
   * @example
   * ```ts
   * new ELU().forward(tensor([1])).toArray(); // [1]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('ELU.forward', x).elu(this.alpha);
  }

  /**
   * `ELU(alpha)`.
   *
   * @example
   * ```ts
   * String(new ELU()); // 'ELU(1)'
   * ```
   */
  override toString(): string {
    return `ELU(${this.alpha})`;
  }
}

/**
 * ln(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's Softplus, beta 1,
 * threshold 20).
 *
 * @example
 * ```ts
 * new Softplus().forward(tensor([0])).toArray(); // [0.6931471805599453]
 * ```
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  /**
   * A softplus with the given beta and threshold.
   *
   * @example
   * ```ts
   * new Softplus(2).beta; // 2
   * ```
   */
  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = checkNumber('Softplus', 'beta', beta);
    this.threshold = checkNumber('Softplus', 'threshold', threshold);
  }

  /**
   * The activation elementwise.
   *
   * @example
   * ```ts
   * new Softplus().forward(tensor([30])).toArray(); // [30]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('Softplus.forward', x).softplus(this.beta, this.threshold);
  }

  /**
   * `Softplus(beta, threshold)`.
   *
   * @example
   * ```ts
   * String(new Softplus()); // 'Softplus(1, 20)'
   * ```
   */
  override toString(): string {
    return `Softplus(${this.beta}, ${this.threshold})`;
  }
}

/**
 * The Gaussian error linear unit x·Φ(x) (PyTorch's GELU): exact by default, or its tanh
 * approximation with `{ approximate: 'tanh' }`.
 *
 * @example
 * ```ts
 * new GELU().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  /**
   * A GELU, exact or approximated by tanh.
   *
   * @example
   * ```ts
   * new GELU({ approximate: 'tanh' }).approximate; // 'tanh'
   * ```
   */
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    const approximate = options.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new TypeError(`GELU: approximate must be 'none' or 'tanh', got ${kindOf(approximate)}`);
    }
    this.approximate = approximate;
  }

  /**
   * The activation elementwise.
   *
   * @example
   * ```ts
   * new GELU().forward(tensor([0])).toArray(); // [0]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('GELU.forward', x).gelu({ approximate: this.approximate });
  }

  /**
   * `GELU()`, or `GELU(tanh)` for the approximation.
   *
   * @example
   * ```ts
   * String(new GELU()); // 'GELU()'
   * ```
   */
  override toString(): string {
    return this.approximate === 'none' ? 'GELU()' : 'GELU(tanh)';
  }
}

/**
 * x · σ(x), PyTorch's SiLU (swish).
 *
 * @example
 * ```ts
 * new SiLU().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class SiLU extends Module {
  /**
   * The activation elementwise.
   *
   * @example
   * ```ts
   * new SiLU().forward(tensor([0])).toArray(); // [0]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('SiLU.forward', x).silu();
  }

  /**
   * `SiLU()`.
   *
   * @example
   * ```ts
   * String(new SiLU()); // 'SiLU()'
   * ```
   */
  override toString(): string {
    return 'SiLU()';
  }
}
