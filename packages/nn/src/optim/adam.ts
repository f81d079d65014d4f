// Adam and AdamW: adaptive moment estimation with bias correction; AdamW decays weights decoupled.

import { checkBoolean, checkOptions } from '../errors.js';
import { hyper, type LearningRate, Optimizer, type Parameter, type ParamState } from './optimizer.js';

/** Options of `Adam` and `AdamW`, with PyTorch's names and defaults. */
/** The keys `AdamOptions` has. */
const ADAM_KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'];

export interface AdamOptions {
  /** Learning rate or schedule. Default 0.001. */
  lr?: LearningRate;
  /** Decay rates (β1, β2) of the first and second moment estimates. Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Weight decay λ: Adam adds λθ to the gradient; AdamW multiplies θ by 1 - lr·λ. Default 0 for Adam, 0.01 for AdamW. */
  weightDecay?: number;
  /** Keep the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
  /** Ascend instead of descend. Default false. */
  maximize?: boolean;
}

abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  private readonly decoupled: boolean;

  protected constructor(name: string, params: Iterable<Parameter>, options: AdamOptions, decoupled: boolean) {
    super(name, params, checkOptions(name, options, ADAM_KEYS).lr ?? 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    }
    this.beta1 = hyper(name, 'beta1', betas[0], 0.9, 1, true);
    this.beta2 = hyper(name, 'beta2', betas[1], 0.999, 1, true);
    this.eps = hyper(name, 'eps', options.eps, 1e-8);
    this.weightDecay = hyper(name, 'weightDecay', options.weightDecay, decoupled ? 1e-2 : 0);
    this.amsgrad = checkBoolean(name, 'amsgrad', options.amsgrad, false);
    this.maximize = checkBoolean(name, 'maximize', options.maximize, false);
    this.decoupled = decoupled;
  }

  protected bufferNames(): readonly string[] {
    return this.amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'];
  }

  protected override secondMoments(): readonly string[] {
    return ['expAvgSq', 'maxExpAvgSq'];
  }

  /** AMSGrad's running maximum is never below the second moment it is the maximum of. */
  protected override checkState(
    buffers: Readonly<Record<string, Float64Array>>,
    where: string,
    problems: string[],
  ): void {
    const v = buffers['expAvgSq']!;
    const vMax = buffers['maxExpAvgSq'];
    if (vMax === undefined) return;
    const i = v.findIndex((x, j) => vMax[j]! < x);
    if (i >= 0)
      problems.push(
        `${where}.maxExpAvgSq[${i}] is ${vMax[i]}, below expAvgSq[${i}] = ${v[i]}, of which it is the running maximum`,
      );
  }

  protected update(data: Float64Array, grad: Float64Array, state: ParamState, lr: number): void {
    const { beta1, beta2, eps, weightDecay: wd } = this;
    const m = state.buffers['expAvg']!;
    const v = state.buffers['expAvgSq']!;
    const vMax = state.buffers['maxExpAvgSq'];
    const sign = this.maximize ? -1 : 1;
    // PyTorch folds the corrections in: θ ← θ - (lr / (1 - β1^t)) · m / (√v / √(1 - β2^t) + ε)
    const stepSize = lr / (1 - beta1 ** state.step);
    const correction2Sqrt = Math.sqrt(1 - beta2 ** state.step);
    for (let i = 0; i < data.length; i++) {
      let g = sign * grad[i]!;
      if (wd !== 0) {
        if (this.decoupled) data[i] = data[i]! * (1 - lr * wd);
        else g += wd * data[i]!;
      }
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      let second = v[i]!;
      if (vMax !== undefined) {
        vMax[i] = Math.max(vMax[i]!, second);
        second = vMax[i]!;
      }
      data[i] = data[i]! - (stepSize * m[i]!) / (Math.sqrt(second) / correction2Sqrt + eps);
    }
  }
}

/**
 * Adam (Kingma and Ba) with PyTorch's update rule. For each parameter θ with gradient g, at step t:
 *
 * ```text
 * g ← g + λθ                     (weightDecay λ: L2 in the gradient)
 * m ← β1·m + (1 - β1)·g
 * v ← β2·v + (1 - β2)·g²
 * θ ← θ - lr · (m / (1 - β1^t)) / (√(v / (1 - β2^t)) + ε)
 * ```
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
 * const opt = new Adam(model.parameters(), { lr: 0.01 });
 * ```
 */
export class Adam extends AdamBase {
  constructor(params: Iterable<Parameter>, options: AdamOptions = {}) {
    super('Adam', params, options, false);
  }
}

/**
 * AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, θ ← θ·(1 - lr·λ) before the Adam
 * step, instead of λθ added to the gradient. Default weightDecay 0.01, as in PyTorch.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends AdamBase {
  constructor(params: Iterable<Parameter>, options: AdamOptions = {}) {
    super('AdamW', params, options, true);
  }
}
