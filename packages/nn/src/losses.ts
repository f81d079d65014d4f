// Losses over Tensors and over lists of scalar Values (micrograd style), one definition for both.

import {
  formatShape,
  type NestedArray,
  ShapeError,
  Tensor,
  tensor,
  Value,
  type ValueLike,
} from '@chainrule/engine';
import { bceTerm, logitTerm } from './bce-term.js';
import { checkOptions, kindOf } from './errors.js';

/** How per-sample losses are combined: their mean (the default) or their sum. */
export type Reduction = 'mean' | 'sum';

/** Options every loss takes. */
export interface LossOptions {
  /** 'mean' (default) or 'sum' of the per-element losses. */
  reduction?: Reduction;
}

/** @internal Reads the reduction option, naming the loss on a bad one. */
export function reductionOf(op: string, options: LossOptions | undefined): Reduction {
  const r = checkOptions(op, options, ['reduction']).reduction ?? 'mean';
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
  // -[t·log p + (1 - t)·log(1 - p)], the logs clamped at -100, with PyTorch's gradient (bce-term.ts)
  const terms = p.map((pi, i) => bceTerm.value(pi, toNode(t[i]!)));
  return reduce(terms, reduction);
}

/** @internal (max(z, 0) - z·t) + log1p(e^-|z|) over Value logits: never overflows. */
export function bceLogitValues(op: string, z: Value[], t: ValueLike[], reduction: Reduction): Value {
  checkPairs(op, z, t);
  checkProbabilities(op, 'target', t.map(dataOf));
  // softplus(z) - z·t in its stable form, with the gradient σ(z) - t (bce-term.ts)
  return reduce(
    z.map((zi, i) => logitTerm.value(zi, toNode(t[i]!))),
    reduction,
  );
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

// ---- tensor forms ---------------------------------------------------------------------------------

/** @internal The target as a Tensor of the prediction's shape (nested arrays are converted). */
function targetLike(op: string, prediction: Tensor, target: unknown): Tensor {
  let t: Tensor;
  if (target instanceof Tensor) t = target;
  else if (typeof target === 'number' || Array.isArray(target)) t = tensor(target as NestedArray);
  else throw new TypeError(`${op}: expected the target as a Tensor or nested arrays, got ${kindOf(target)}`);
  if (t.shape.length !== prediction.shape.length || t.shape.some((d, i) => d !== prediction.shape[i])) {
    throw new ShapeError(
      `${op}: prediction ${formatShape(prediction.shape)} and target ${formatShape(t.shape)} differ in shape`,
    );
  }
  return t;
}

function reduceTensor(op: string, terms: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'sum') return terms.sum();
  // the mean of no losses is 0/0: a NaN loss would hide an empty batch
  if (terms.size === 0) {
    throw new RangeError(
      `${op}: no elements to average (the losses have shape ${formatShape(terms.shape)}); reduction 'sum' gives 0`,
    );
  }
  return terms.mean();
}

function squaredErrorTensor(op: string, p: Tensor, target: unknown, reduction: Reduction): Tensor {
  const d = p.sub(targetLike(op, p, target));
  return reduceTensor(op, d.mul(d), reduction);
}

function bceTensor(op: string, p: Tensor, target: unknown, reduction: Reduction): Tensor {
  const t = targetLike(op, p, target);
  checkProbabilities(op, 'prediction', p.data);
  checkProbabilities(op, 'target', t.data);
  // -[t·log p + (1 - t)·log(1 - p)], the logs clamped at -100, with PyTorch's gradient (bce-term.ts)
  return reduceTensor(op, bceTerm.tensor(p, t), reduction);
}

function bceLogitTensor(op: string, z: Tensor, target: unknown, reduction: Reduction): Tensor {
  const t = targetLike(op, z, target);
  checkProbabilities(op, 'target', t.data);
  // softplus(z) - z·t in its stable form, with the gradient σ(z) - t (bce-term.ts)
  return reduceTensor(op, logitTerm.tensor(z, t), reduction);
}

function hingeTensor(op: string, s: Tensor, target: unknown, reduction: Reduction): Tensor {
  const y = targetLike(op, s, target);
  checkSigns(op, y.data);
  return reduceTensor(op, s.mul(y).neg().add(1).relu(), reduction);
}

function crossEntropyTensor(op: string, z: Tensor, target: unknown, reduction: Reduction): Tensor {
  if (z.ndim !== 2) {
    throw new ShapeError(`${op}: expected logits of shape [N, classes], got ${formatShape(z.shape)}`);
  }
  const [n, classes] = z.shape as [number, number];
  let labels: ArrayLike<number>;
  if (target instanceof Tensor) {
    if (target.ndim !== 1)
      throw new ShapeError(`${op}: expected labels of shape [${n}], got ${formatShape(target.shape)}`);
    labels = target.data;
  } else if (Array.isArray(target)) {
    labels = target as number[];
  } else {
    throw new TypeError(`${op}: expected integer labels as a Tensor or an array, got ${kindOf(target)}`);
  }
  checkLabels(op, labels, n, classes);
  // -log softmax(z)[label]: gather picks each row's label, so a masked class (a logit of -Infinity,
  // log-probability -Infinity) elsewhere in the row never meets a 0 of a mask (-Infinity·0 is NaN)
  const index = new Tensor(Float64Array.from(labels), [n, 1]);
  const picked = z.logSoftmax(1).gather(1, index).reshape([n]).neg();
  return reduceTensor(op, picked, reduction);
}

// ---- the public losses --------------------------------------------------------------------------

/** A loss of a prediction against a target of the same shape: over Tensors, or over a list of Values. */
export interface Loss {
  (prediction: Tensor, target: Tensor | NestedArray, options?: LossOptions): Tensor;
  (prediction: readonly Value[], target: readonly ValueLike[], options?: LossOptions): Value;
}

function defineLoss(
  op: string,
  onTensor: (op: string, p: Tensor, target: unknown, r: Reduction) => Tensor,
  onValues: (op: string, p: Value[], target: ValueLike[], r: Reduction) => Value,
  fallback: Reduction = 'mean',
): Loss {
  return ((prediction: unknown, target: unknown, options?: LossOptions) => {
    const reduction =
      checkOptions(op, options, ['reduction']).reduction === undefined ? fallback : reductionOf(op, options);
    if (prediction instanceof Tensor) return onTensor(op, prediction, target, reduction);
    return onValues(op, prediction as Value[], target as ValueLike[], reduction);
  }) as Loss;
}

/**
 * Mean (or summed) squared error, (p - t)² per element. Prediction and target must have the same
 * shape: a [N, 1] prediction against a [N] target is refused rather than broadcast to [N, N].
 *
 * @example
 * ```ts
 * mseLoss(tensor([0.5, 2]), tensor([0, 1])).item(); // (0.25 + 1) / 2 = 0.625
 * mseLoss([value(0.5), value(2)], [0, 1]).data;     // the same over Values
 * ```
 */
export const mseLoss: Loss = defineLoss('mseLoss', squaredErrorTensor, squaredErrorValues);

/**
 * Sum of squared errors, Σ (p - t)², the loss of seeds 000 and 003: `mseLoss` with reduction 'sum'
 * by default (`reduction: 'mean'` makes it `mseLoss`).
 *
 * @example
 * ```ts
 * sseLoss(tensor([0.5, 2]), tensor([0, 1])).item(); // 1.25
 * ```
 */
export const sseLoss: Loss = defineLoss('sseLoss', squaredErrorTensor, squaredErrorValues, 'sum');

/**
 * Binary cross-entropy of probabilities p against targets t in [0, 1]: -[t·log p + (1 - t)·log(1 - p)].
 * Safe at p = 0 and 1: each log is clamped at -100 as in PyTorch, so loss and gradient stay finite.
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.8, 0.3]), tensor([1, 0])).item(); // -(log 0.8 + log 0.7) / 2 = 0.2899
 * ```
 */
export const binaryCrossEntropy: Loss = defineLoss('binaryCrossEntropy', bceTensor, bceValues);

/**
 * Binary cross-entropy of logits z (before the sigmoid) against targets in [0, 1], in the stable form
 * softplus(z) - z·t: exact and finite for logits of any size (±1000 included). Prefer it to a Sigmoid
 * layer followed by `binaryCrossEntropy`.
 *
 * @example
 * ```ts
 * bceWithLogits(tensor([1000, -1000]), tensor([0, 0])).item(); // (1000 + 0) / 2 = 500
 * ```
 */
export const bceWithLogits: Loss = defineLoss('bceWithLogits', bceLogitTensor, bceLogitValues);

/**
 * micrograd's max-margin loss: relu(1 - y·s) per score s with target y of -1 or 1 (0/1 labels are
 * refused: map them with 2y - 1).
 *
 * @example
 * ```ts
 * hingeLoss(tensor([0.3, -2]), tensor([1, -1])).item(); // (0.7 + 0) / 2 = 0.35
 * ```
 */
export const hingeLoss: Loss = defineLoss('hingeLoss', hingeTensor, hingeValues);

/** Cross-entropy's signature: logits against integer class labels. */
export interface ClassificationLoss {
  (prediction: Tensor, target: Tensor | readonly number[], options?: LossOptions): Tensor;
  (prediction: readonly (readonly Value[])[], target: readonly number[], options?: LossOptions): Value;
}

/**
 * Cross-entropy of logits [N, classes] against integer labels [N]: -log softmax(z)[label] per row,
 * through `logSoftmax`, so large logits do not overflow.
 *
 * @example
 * ```ts
 * crossEntropy(tensor([[2, 0], [0, 0]]), [0, 1]).item(); // (log(1 + e^-2) + log 2) / 2 = 0.4100
 * ```
 */
export const crossEntropy: ClassificationLoss = ((
  prediction: unknown,
  target: unknown,
  options?: LossOptions,
) => {
  const op = 'crossEntropy';
  const reduction = reductionOf(op, options);
  if (prediction instanceof Tensor) return crossEntropyTensor(op, prediction, target, reduction);
  return crossEntropyValues(op, prediction as Value[][], target as number[], reduction);
}) as ClassificationLoss;
