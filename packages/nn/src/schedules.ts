// Learning-rate schedules: plain functions from the optimizer's step count to a learning rate.

import { checkInteger, checkNumber, checkOptions, kindOf } from './errors.js';

/**
 * A learning-rate schedule: the learning rate to use for optimizer step `step` (0 for the first
 * `step()` call, 1 for the second, ...). Any function of this type works; pass it as `lr` to an
 * optimizer, and it is asked once per `step()`. Saving and restoring the optimizer's state restores
 * its step count, so a resumed run continues the schedule where it stopped.
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1);
 * // micrograd's demo: from 1.0 down to 0.1 over 100 steps
 * const lr: Schedule = (step) => 1 - (0.9 * step) / 100;
 * const opt = new SGD(model.parameters(), { lr });
 * ```
 */
export type Schedule = (step: number) => number;

/**
 * Multiplies the learning rate by `gamma` every `stepSize` steps (PyTorch's `StepLR`):
 * lr · gamma^⌊step / stepSize⌋.
 *
 * @example
 * ```ts
 * const lr = stepLR(0.1, { stepSize: 100, gamma: 0.5 });
 * lr(0); lr(99); // 0.1 0.1
 * lr(100);       // 0.05
 * ```
 */
export function stepLR(lr: number, options: { stepSize: number; gamma?: number }): Schedule {
  checkNumber('stepLR', 'lr', lr, 0);
  checkOptions('stepLR', options, ['stepSize', 'gamma']);
  const stepSize = checkInteger('stepLR', 'stepSize', options?.stepSize, 1);
  const gamma = checkNumber('stepLR', 'gamma', options.gamma ?? 0.1, 0);
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

/**
 * Multiplies the learning rate by `gamma` every step (PyTorch's `ExponentialLR`): lr · gamma^step.
 *
 * @example
 * ```ts
 * const lr = exponentialLR(0.1, { gamma: 0.99 });
 * lr(2); // 0.09801
 * ```
 */
export function exponentialLR(lr: number, options: { gamma: number }): Schedule {
  checkNumber('exponentialLR', 'lr', lr, 0);
  checkOptions('exponentialLR', options, ['gamma']);
  const gamma = checkNumber('exponentialLR', 'gamma', options?.gamma, 0);
  return (step) => lr * gamma ** step;
}

/**
 * Cosine annealing from `lr` down to `etaMin` over `tMax` steps (PyTorch's `CosineAnnealingLR` in
 * its closed form): etaMin + (lr - etaMin) · (1 + cos(π · step / tMax)) / 2, held at `etaMin` after
 * `tMax` steps instead of rising again.
 *
 * @example
 * ```ts
 * const lr = cosineAnnealingLR(0.1, { tMax: 100 });
 * lr(0); lr(50); lr(100); // 0.1 0.05 0
 * ```
 */
export function cosineAnnealingLR(lr: number, options: { tMax: number; etaMin?: number }): Schedule {
  checkNumber('cosineAnnealingLR', 'lr', lr, 0);
  checkOptions('cosineAnnealingLR', options, ['tMax', 'etaMin']);
  const tMax = checkInteger('cosineAnnealingLR', 'tMax', options?.tMax, 1);
  const etaMin = checkNumber('cosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
  return (step) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * Math.min(step, tMax)) / tMax))) / 2;
}

/**
 * Linear warm-up: the first `warmupSteps` steps ramp the learning rate up linearly to the schedule's
 * first value (step k uses (k + 1) / warmupSteps of it, so no step is wasted at 0); then `after` runs
 * from its own step 0. `after` is a schedule or a constant learning rate.
 *
 * @example
 * ```ts
 * const lr = linearWarmup(cosineAnnealingLR(0.1, { tMax: 1000 }), { warmupSteps: 10 });
 * lr(0); lr(9); // 0.01 0.1
 * lr(10);       // 0.1, the cosine's step 0
 * ```
 */
export function linearWarmup(after: number | Schedule, options: { warmupSteps: number }): Schedule {
  checkOptions('linearWarmup', options, ['warmupSteps']);
  const warmupSteps = checkInteger('linearWarmup', 'warmupSteps', options?.warmupSteps, 1);
  let schedule: Schedule;
  if (typeof after === 'number') {
    checkNumber('linearWarmup', 'the learning rate', after, 0);
    schedule = () => after;
  } else if (typeof after === 'function') {
    schedule = after;
  } else {
    throw new TypeError(`linearWarmup: expected a learning rate or a schedule, got ${kindOf(after)}`);
  }
  return (step) =>
    step >= warmupSteps ? schedule(step - warmupSteps) : warmedUp(schedule(0), step + 1, warmupSteps);
}

/**
 * The k-th of n warm-up steps' rate, lr·k/n: computed as (lr·k)/n, so the first is lr/n correctly
 * rounded (0.1 over 10 steps starts at 0.01, where lr·(1/10) gives 0.010000000000000002), and the
 * rate itself for the last, where (lr·n)/n could round above it (0.1·3/3 = 0.10000000000000002).
 */
function warmedUp(lr: number, k: number, n: number): number {
  return k === n ? lr : (lr * k) / n;
}
