// RMSprop: gradients scaled by a running root mean square, with optional momentum and centring.

import { checkBoolean, checkOptions } from '../errors.js';
import { hyper, type LearningRate, Optimizer, type Parameter, type ParamState } from './optimizer.js';

/** Options of `RMSprop`, with PyTorch's names and defaults. */
/** The keys `RMSpropOptions` has. */
const RMSPROP_KEYS = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'];

export interface RMSpropOptions {
  /** Learning rate or schedule. Default 0.01. */
  lr?: LearningRate;
  /** Smoothing constant α of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor μ. Default 0. */
  momentum?: number;
  /** Normalise by the estimated variance instead of the second moment. Default false. */
  centered?: boolean;
  /** Ascend instead of descend. Default false. */
  maximize?: boolean;
}

/**
 * RMSprop (Hinton) with PyTorch's update rule. For each parameter θ with gradient g:
 *
 * ```text
 * g ← g + λθ
 * s ← α·s + (1 - α)·g²
 * d ← √s + ε   (centered: a ← α·a + (1 - α)·g, d ← √(s - a²) + ε)
 * b ← μ·b + g/d, θ ← θ - lr·b   (momentum μ > 0)   else θ ← θ - lr·g/d
 * ```
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly maximize: boolean;

  constructor(params: Iterable<Parameter>, options: RMSpropOptions = {}) {
    super('RMSprop', params, checkOptions('RMSprop', options, RMSPROP_KEYS).lr ?? 1e-2);
    this.alpha = hyper('RMSprop', 'alpha', options.alpha, 0.99, 1);
    this.eps = hyper('RMSprop', 'eps', options.eps, 1e-8);
    this.weightDecay = hyper('RMSprop', 'weightDecay', options.weightDecay, 0);
    this.momentum = hyper('RMSprop', 'momentum', options.momentum, 0);
    this.centered = checkBoolean('RMSprop', 'centered', options.centered, false);
    this.maximize = checkBoolean('RMSprop', 'maximize', options.maximize, false);
  }

  protected bufferNames(): readonly string[] {
    const names = ['squareAvg'];
    if (this.momentum > 0) names.push('momentumBuffer');
    if (this.centered) names.push('gradAvg');
    return names;
  }

  protected override secondMoments(): readonly string[] {
    return ['squareAvg'];
  }

  /**
   * The centred variance s - a² is never negative (an average of squares is at least the square of
   * the average): a gradient average beyond it gives the next step a NaN square root.
   */
  protected override checkState(
    buffers: Readonly<Record<string, Float64Array>>,
    where: string,
    problems: string[],
  ): void {
    const s = buffers['squareAvg']!;
    const a = buffers['gradAvg'];
    if (a === undefined) return;
    // the update's own expression, so that exactly the states it cannot take a root of are refused
    const i = s.findIndex((x, j) => x - a[j]! * a[j]! < 0);
    if (i >= 0)
      problems.push(
        `${where}.gradAvg[${i}] is ${a[i]}, but its square is above squareAvg[${i}] = ${s[i]}: the centred variance would be negative`,
      );
  }

  protected update(data: Float64Array, grad: Float64Array, state: ParamState, lr: number): void {
    const { alpha, eps, weightDecay: wd, momentum: mu } = this;
    const s = state.buffers['squareAvg']!;
    const buf = state.buffers['momentumBuffer'];
    const a = state.buffers['gradAvg'];
    const sign = this.maximize ? -1 : 1;
    for (let i = 0; i < data.length; i++) {
      let g = sign * grad[i]!;
      if (wd !== 0) g += wd * data[i]!;
      s[i] = alpha * s[i]! + (1 - alpha) * g * g;
      let d: number;
      if (a !== undefined) {
        a[i] = alpha * a[i]! + (1 - alpha) * g;
        d = Math.sqrt(s[i]! - a[i]! * a[i]!) + eps;
      } else {
        d = Math.sqrt(s[i]!) + eps;
      }
      if (buf !== undefined) {
        buf[i] = mu * buf[i]! + g / d;
        data[i] = data[i]! - lr * buf[i]!;
      } else {
        data[i] = data[i]! - (lr * g) / d;
      }
    }
  }
}
