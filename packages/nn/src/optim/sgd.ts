// SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

import { checkBoolean, checkOptions } from '../errors.js';
import { hyper, type LearningRate, Optimizer, type Parameter, type ParamState } from './optimizer.js';

/** Options of `SGD`, with PyTorch's names and defaults. */
/** The keys `SGDOptions` has. */
const SGD_KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'];

export interface SGDOptions {
  /** Learning rate or schedule. Default 0.001. */
  lr?: LearningRate;
  /** Momentum factor μ. Default 0 (plain gradient descent). */
  momentum?: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening?: number;
  /** L2 penalty λ added to the gradient: g + λ·θ. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** Ascend instead of descend. Default false. */
  maximize?: boolean;
}

/**
 * Stochastic gradient descent with PyTorch's update rule. For each parameter θ with gradient g:
 *
 * ```text
 * g ← g + λθ                                  (weightDecay λ)
 * b ← g on the first step, else μb + (1 - τ)g  (momentum μ, dampening τ)
 * g ← g + μb if nesterov, else b
 * θ ← θ - lr·g
 * ```
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1, { seed: 1 });
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * const y = tensor([[1], [2], [3]]);
 * const loss = () => mseLoss(model.forward(x), y);
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * for (let i = 0; i < 100; i++) {
 *   opt.zeroGrad();
 *   loss().backward();
 *   opt.step();
 * }
 * loss().item() < 0.05; // true
 * ```
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;

  constructor(params: Iterable<Parameter>, options: SGDOptions = {}) {
    super('SGD', params, checkOptions('SGD', options, SGD_KEYS).lr ?? 1e-3);
    this.momentum = hyper('SGD', 'momentum', options.momentum, 0);
    this.dampening = hyper('SGD', 'dampening', options.dampening, 0, 1);
    this.weightDecay = hyper('SGD', 'weightDecay', options.weightDecay, 0);
    this.nesterov = checkBoolean('SGD', 'nesterov', options.nesterov, false);
    this.maximize = checkBoolean('SGD', 'maximize', options.maximize, false);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(
        `SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`,
      );
    }
  }

  protected bufferNames(): readonly string[] {
    return this.momentum > 0 ? ['momentumBuffer'] : [];
  }

  protected update(data: Float64Array, grad: Float64Array, state: ParamState, lr: number): void {
    const { momentum: mu, dampening, weightDecay: wd, nesterov } = this;
    const sign = this.maximize ? -1 : 1;
    const buf = state.buffers['momentumBuffer'];
    for (let i = 0; i < data.length; i++) {
      let g = sign * grad[i]!;
      if (wd !== 0) g += wd * data[i]!;
      if (buf !== undefined) {
        const b = state.step === 1 ? g : mu * buf[i]! + (1 - dampening) * g;
        buf[i] = b;
        g = nesterov ? g + mu * b : b;
      }
      data[i] = data[i]! - lr * g;
    }
  }
}
