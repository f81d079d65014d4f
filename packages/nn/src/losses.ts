// Losses over scalar Values (micrograd style); each one's Tensor form follows the same definition.

import { Value, type ValueLike } from '@chainrule/engine';
import { kindOf } from './errors.js';

/** How per-sample losses are combined: their mean (the default) or their sum. */
export type Reduction = 'mean' | 'sum';

/** Options every loss takes. */
export interface LossOptions {
  /** 'mean' (default) or 'sum' of the per-element losses. */
  reduction?: Reduction;
}

/** log p clamped below at -100, as PyTorch's BCELoss does: finite at p = 0, with zero gradient there. */
export const LOG_FLOOR = -100;
/** e^-100: below it, log p is clamped. */
export const P_FLOOR = Math.exp(LOG_FLOOR);

/** @internal Reads the reduction option, naming the loss on a bad one. */
export function reductionOf(op: string, options: LossOptions | undefined): Reduction {
  const r = options?.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum')
    throw new TypeError(`${op}: reduction must be 'mean' or 'sum', got ${kindOf(r)}`);
  return r;
}

function toNode(x: ValueLike): Value {
  return x instanceof Value ? x : new Value(x);
}

/** @internal The per-element losses reduced: their sum, or the sum times 1/n. */
function reduce(terms: Value[], reduction: Reduction): Value {
  let total = terms[0]!;
  for (let i = 1; i < terms.length; i++) total = total.add(terms[i]!);
  return reduction === 'sum' ? total : total.mul(1 / terms.length);
}

/** @internal Checks a prediction list against a target list for the Value form of `op`. */
export function checkPairs(op: string, prediction: unknown, target: unknown): void {
  if (!Array.isArray(prediction) || prediction.length === 0 || !prediction.every((p) => p instanceof Value)) {
    throw new TypeError(
      `${op}: expected a non-empty Tensor or array of Values as the prediction, got ${kindOf(prediction)}`,
    );
  }
  if (!Array.isArray(target) || !target.every((t) => typeof t === 'number' || t instanceof Value)) {
    throw new TypeError(`${op}: expected the target as numbers or Values, got ${kindOf(target)}`);
  }
  if (target.length !== prediction.length) {
    throw new RangeError(`${op}: ${prediction.length} predictions but ${target.length} targets`);
  }
}

function dataOf(x: ValueLike): number {
  return x instanceof Value ? x.data : x;
}

/** @internal Checks that every number lies in [0, 1], naming the first that does not. */
export function checkProbabilities(op: string, what: string, xs: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (!(v >= 0 && v <= 1))
      throw new RangeError(`${op}: ${what} ${v} at index ${i} is not a probability in [0, 1]`);
  }
}

/** @internal Checks that every target is -1 or 1, naming the first that is not. */
export function checkSigns(op: string, xs: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (v !== 1 && v !== -1) throw new RangeError(`${op}: target ${v} at index ${i} must be -1 or 1`);
  }
}

/** @internal mean or sum of (p - t)² over Values. */
export function squaredErrorValues(op: string, p: Value[], t: ValueLike[], reduction: Reduction): Value {
  checkPairs(op, p, t);
  return reduce(
    p.map((pi, i) => pi.sub(t[i]!).pow(2)),
    reduction,
  );
}

/** @internal Binary cross-entropy over Value probabilities, with logs clamped at -100. */
export function bceValues(op: string, p: Value[], t: ValueLike[], reduction: Reduction): Value {
  checkPairs(op, p, t);
  checkProbabilities(
    op,
    'prediction',
    p.map((v) => v.data),
  );
  checkProbabilities(op, 'target', t.map(dataOf));
  const clampedLog = (v: Value): Value => (v.data < P_FLOOR ? new Value(LOG_FLOOR) : v.log());
  const terms = p.map((pi, i) => {
    const ti = toNode(t[i]!);
    // -[t·log p + (1 - t)·log(1 - p)]; a term whose weight is exactly 0 is left out, so 0·log 0 never appears
    const parts: Value[] = [];
    if (ti.data !== 0) parts.push(ti.mul(clampedLog(pi)));
    if (ti.data !== 1) parts.push(new Value(1).sub(ti).mul(clampedLog(new Value(1).sub(pi))));
    return (parts.length === 2 ? parts[0]!.add(parts[1]!) : parts[0]!).neg();
  });
  return reduce(terms, reduction);
}

/** @internal max(z, 0) - z·t + log(1 + e^-|z|) over Value logits: never overflows. */
export function bceLogitValues(op: string, z: Value[], t: ValueLike[], reduction: Reduction): Value {
  checkPairs(op, z, t);
  checkProbabilities(op, 'target', t.map(dataOf));
  const terms = z.map((zi, i) => {
    const ti = toNode(t[i]!);
    // for z >= 0: z - z·t + log(1 + e^-z);  for z < 0: -z·t + log(1 + e^z)
    const soft = zi.data >= 0 ? zi.neg().exp().add(1).log().add(zi) : zi.exp().add(1).log();
    return soft.sub(zi.mul(ti));
  });
  return reduce(terms, reduction);
}

/** @internal micrograd's max-margin loss relu(1 - y·s) over Value scores, targets -1 or 1. */
export function hingeValues(op: string, s: Value[], y: ValueLike[], reduction: Reduction): Value {
  checkPairs(op, s, y);
  checkSigns(op, y.map(dataOf));
  return reduce(
    s.map((si, i) => new Value(1).sub(si.mul(y[i]!)).relu()),
    reduction,
  );
}

/** @internal -log softmax(z)[label] per row of Value logits, through a shifted log-sum-exp. */
export function crossEntropyValues(
  op: string,
  rows: Value[][],
  labels: number[],
  reduction: Reduction,
): Value {
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.length > 0)) {
    throw new TypeError(`${op}: expected a Tensor or rows of Value logits, got ${kindOf(rows)}`);
  }
  checkLabels(op, labels, rows.length, rows[0]!.length);
  const terms = rows.map((row, i) => {
    if (row.length !== rows[0]!.length || !row.every((v) => v instanceof Value)) {
      throw new TypeError(`${op}: row ${i} must hold ${rows[0]!.length} Values like row 0`);
    }
    // log Σ e^z = m + log Σ e^(z - m) with m the largest logit, a constant: no term overflows
    const m = Math.max(...row.map((v) => v.data));
    let sum = row[0]!.sub(m).exp();
    for (let j = 1; j < row.length; j++) sum = sum.add(row[j]!.sub(m).exp());
    return sum.log().add(m).sub(row[labels[i]!]!);
  });
  return reduce(terms, reduction);
}

/** @internal Checks integer class labels in [0, classes), one per row. */
export function checkLabels(op: string, labels: ArrayLike<number>, rows: number, classes: number): void {
  if (labels.length !== rows)
    throw new RangeError(`${op}: ${rows} rows of logits but ${labels.length} labels`);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(`${op}: label ${c} at index ${i} is not a class index in [0, ${classes})`);
    }
  }
}

/**
 * Mean (or summed) squared error, (p - t)² per element.
 *
 * @example
 * ```ts
 * mseLoss([value(0.5), value(2)], [0, 1]).data; // (0.25 + 1) / 2 = 0.625
 * ```
 */
export function mseLoss(
  prediction: readonly Value[],
  target: readonly ValueLike[],
  options?: LossOptions,
): Value {
  return squaredErrorValues(
    'mseLoss',
    prediction as Value[],
    target as ValueLike[],
    reductionOf('mseLoss', options),
  );
}

/**
 * Sum of squared errors, Σ (p - t)², the loss of seeds 000 and 003; `reduction: 'mean'` makes it `mseLoss`.
 *
 * @example
 * ```ts
 * sseLoss([value(0.5), value(2)], [0, 1]).data; // 1.25
 * ```
 */
export function sseLoss(
  prediction: readonly Value[],
  target: readonly ValueLike[],
  options?: LossOptions,
): Value {
  const reduction = options?.reduction === undefined ? 'sum' : reductionOf('sseLoss', options);
  return squaredErrorValues('sseLoss', prediction as Value[], target as ValueLike[], reduction);
}

/**
 * Binary cross-entropy of probabilities p against targets t in [0, 1]: -[t·log p + (1 - t)·log(1 - p)].
 * Safe at p = 0 and 1: each log is clamped at -100 as in PyTorch, so the loss stays finite.
 *
 * @example
 * ```ts
 * binaryCrossEntropy([value(0.8)], [1]).data; // -log 0.8 = 0.2231
 * ```
 */
export function binaryCrossEntropy(
  prediction: readonly Value[],
  target: readonly ValueLike[],
  options?: LossOptions,
): Value {
  const op = 'binaryCrossEntropy';
  return bceValues(op, prediction as Value[], target as ValueLike[], reductionOf(op, options));
}

/**
 * Binary cross-entropy of logits z (before the sigmoid), in the stable form
 * max(z, 0) - z·t + log(1 + e^-|z|): finite and exact for logits of any size.
 *
 * @example
 * ```ts
 * bceWithLogits([value(1000)], [0]).data; // 1000
 * ```
 */
export function bceWithLogits(
  prediction: readonly Value[],
  target: readonly ValueLike[],
  options?: LossOptions,
): Value {
  const op = 'bceWithLogits';
  return bceLogitValues(op, prediction as Value[], target as ValueLike[], reductionOf(op, options));
}

/**
 * Cross-entropy of rows of logits against integer class labels: -log softmax(z)[label], computed
 * through log-sum-exp so large logits do not overflow.
 *
 * @example
 * ```ts
 * crossEntropy([[value(2), value(0)]], [0]).data; // log(1 + e^-2) = 0.1269
 * ```
 */
export function crossEntropy(
  prediction: readonly (readonly Value[])[],
  target: readonly number[],
  options?: LossOptions,
): Value {
  const op = 'crossEntropy';
  return crossEntropyValues(op, prediction as Value[][], target as number[], reductionOf(op, options));
}

/**
 * micrograd's max-margin loss: relu(1 - y·s) per score s with target y of -1 or 1.
 *
 * @example
 * ```ts
 * hingeLoss([value(0.3), value(-2)], [1, -1]).data; // (0.7 + 0) / 2 = 0.35
 * ```
 */
export function hingeLoss(
  prediction: readonly Value[],
  target: readonly ValueLike[],
  options?: LossOptions,
): Value {
  const op = 'hingeLoss';
  return hingeValues(op, prediction as Value[], target as ValueLike[], reductionOf(op, options));
}
