// Metrics: accuracy for binary (by threshold) and multiclass (by argmax) predictions.

import { formatShape, Tensor, Value } from '@chainrule/engine';
import { checkOptions, kindOf } from './errors.js';

/** A matrix view of predictions or targets: `rows` samples of `cols` numbers each. */
interface Table {
  rows: number;
  cols: number;
  at(i: number, j: number): number;
  shape: string;
}

function tableOf(op: string, what: string, x: unknown): Table {
  if (x instanceof Tensor) {
    if (x.ndim > 2 || x.ndim === 0) {
      throw new TypeError(`${op}: ${what} must be 1-D or 2-D, got shape ${formatShape(x.shape)}`);
    }
    const cols = x.ndim === 2 ? x.shape[1]! : 1;
    return { rows: x.shape[0]!, cols, at: (i, j) => x.data[i * cols + j]!, shape: formatShape(x.shape) };
  }
  if (Array.isArray(x)) {
    const scalar = (v: unknown): number => {
      if (typeof v === 'number') return v;
      if (v instanceof Value) return v.data;
      throw new TypeError(`${op}: ${what} must hold numbers or Values, found ${kindOf(v)}`);
    };
    if (x.length > 0 && Array.isArray(x[0])) {
      const cols = (x[0] as unknown[]).length;
      const rows = x.map((r, i) => {
        if (!Array.isArray(r) || r.length !== cols)
          throw new TypeError(`${op}: ${what} row ${i} must have ${cols} entries`);
        return r.map(scalar);
      });
      return { rows: x.length, cols, at: (i, j) => rows[i]![j]!, shape: `[${x.length},${cols}]` };
    }
    const flat = x.map(scalar);
    return { rows: flat.length, cols: 1, at: (i) => flat[i]!, shape: `[${flat.length}]` };
  }
  throw new TypeError(`${op}: ${what} must be a Tensor or an array, got ${kindOf(x)}`);
}

/** Throws a RangeError naming `op` and the first row of `t` that holds a NaN. */
function refuseNaN(op: string, what: string, t: Table): void {
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) {
      if (Number.isNaN(t.at(i, j))) throw new RangeError(`${op}: ${what} row ${i} is NaN`);
    }
  }
}

function argmaxRow(t: Table, i: number): number {
  let best = 0;
  for (let j = 1; j < t.cols; j++) if (t.at(i, j) > t.at(i, best)) best = j;
  return best;
}

/** Options of `accuracy`. */
export interface AccuracyOptions {
  /** Binary case: the boundary between the classes. Default 0.5 (probabilities); use 0 for scores or logits. */
  threshold?: number;
}

/**
 * The fraction of samples classified right.
 *
 * - Binary (one column): a prediction above `threshold` says class 1, any other says the other
 *   class (0, or -1), and it is right when the target says the same, so 0/1 targets with
 *   probabilities (threshold 0.5) and -1/1 targets with scores (threshold 0) both work, whatever
 *   the threshold (the target is a label, never compared with it).
 * - Multiclass ([N, classes] with classes > 1): the argmax of each row against the integer label (or
 *   the argmax of a one-hot target row).
 *
 * Predictions may be a Tensor, an array of numbers or Values, or rows of them.
 *
 * A NaN anywhere in the predictions or targets throws a RangeError naming the row: compared with
 * `>` a NaN would silently count as the lower class (or lose every argmax), a plausible number
 * hiding a diverged model. Targets must be class labels, as scikit-learn's `accuracy_score` requires:
 * 0, 1 or -1 in the binary case (a target of 0.7 is refused, not counted as class 1), an integer
 * from 0 to classes - 1 in the multiclass case.
 *
 * @example
 * ```ts
 * accuracy(tensor([[0.9], [0.2], [0.6]]), tensor([[1], [0], [0]])); // 0.6666666666666666: 2 of 3
 * accuracy(tensor([[2, 1, 0], [0, 0, 3]]), [0, 2]);                  // 1
 * accuracy(tensor([[0.7], [-2]]), tensor([[1], [-1]]), { threshold: 0 }); // 1: micrograd's sign test
 * // accuracy(tensor([[NaN], [0.9]]), tensor([[0], [1]])) throws RangeError: accuracy: prediction row 0 is NaN
 * ```
 */
export function accuracy(prediction: unknown, target: unknown, options: AccuracyOptions = {}): number {
  const op = 'accuracy';
  checkOptions(op, options, ['threshold']);
  const p = tableOf(op, 'prediction', prediction);
  const t = tableOf(op, 'target', target);
  if (p.rows !== t.rows)
    throw new RangeError(`${op}: prediction ${p.shape} and target ${t.shape} have different sample counts`);
  if (p.rows === 0) throw new RangeError(`${op}: no samples to score`);
  refuseNaN(op, 'prediction', p);
  refuseNaN(op, 'target', t);
  let right = 0;
  if (p.cols > 1) {
    if (t.cols !== 1 && t.cols !== p.cols) {
      throw new RangeError(
        `${op}: prediction ${p.shape} needs labels [${p.rows}] or one-hot rows, got target ${t.shape}`,
      );
    }
    for (let i = 0; i < p.rows; i++) {
      const label = t.cols === 1 ? t.at(i, 0) : argmaxRow(t, i);
      if (!Number.isInteger(label) || label < 0 || label >= p.cols) {
        throw new RangeError(
          `${op}: target row ${i} is ${label}; with ${p.cols} classes a label is an integer from 0 to ${p.cols - 1}`,
        );
      }
      if (argmaxRow(p, i) === label) right++;
    }
  } else {
    if (t.cols !== 1)
      throw new RangeError(
        `${op}: a single-column prediction ${p.shape} needs a single-column target, got ${t.shape}`,
      );
    const threshold = options.threshold ?? 0.5;
    for (let i = 0; i < p.rows; i++) {
      const label = t.at(i, 0);
      // as scikit-learn's accuracy_score refuses continuous targets: a 0.7 is not a class
      if (label !== 0 && label !== 1 && label !== -1) {
        throw new RangeError(
          `${op}: target row ${i} is ${label}; binary targets are class labels 0 and 1 (or -1 and 1)`,
        );
      }
      if (p.at(i, 0) > threshold === (label === 1)) right++;
    }
  }
  return right / p.rows;
}
