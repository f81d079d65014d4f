// Splitting and batching data: arrays of rows and Tensors (split along their first axis) alike.

import { type Rng, Tensor } from '@chainrule/engine';
import { checkBoolean, checkInteger, checkNumber, checkOptions, kindOf, RANDOM_KEYS } from './errors.js';
import { type RandomOptions, rngOf } from './random-option.js';

/** Rows of data: an array (one element per sample) or a Tensor (samples along its first axis). */
export type Rows = Tensor | readonly unknown[];

/** @internal How many samples `x` holds, naming `op` when it holds none or is not data. */
export function rowCount(op: string, what: string, x: unknown): number {
  if (x instanceof Tensor) {
    if (x.ndim === 0) throw new TypeError(`${op}: ${what} must have a sample axis, got a 0-D tensor`);
    return x.shape[0]!;
  }
  if (Array.isArray(x)) return x.length;
  throw new TypeError(`${op}: ${what} must be an array or a Tensor, got ${kindOf(x)}`);
}

/**
 * The samples at `indices`, in that order: a new Tensor (a constant, no graph) or a new array.
 *
 * @example
 * ```ts
 * takeRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function takeRows<R extends Rows>(x: R, indices: readonly number[]): R {
  if (x instanceof Tensor) {
    const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = new Float64Array(indices.length * width);
    for (const [i, r] of indices.entries()) out.set(x.data.subarray(r * width, (r + 1) * width), i * width);
    return new Tensor(out, [indices.length, ...x.shape.slice(1)]) as R;
  }
  return indices.map((i) => (x as readonly unknown[])[i]) as unknown as R;
}

function pairCount(op: string, x: unknown, y: unknown): number {
  const n = rowCount(op, 'x', x);
  const m = rowCount(op, 'y', y);
  if (n !== m) throw new RangeError(`${op}: x has ${n} samples but y has ${m}`);
  return n;
}

/** Options of `trainTestSplit`. */
export interface SplitOptions extends RandomOptions {
  /** The test part: a fraction in (0, 1) (rounded up, as scikit-learn) or a count. Default 0.25. */
  testSize?: number;
  /** Shuffle before splitting. Default true. */
  shuffle?: boolean;
}

/**
 * Splits samples into a training part and a test part, scikit-learn's `train_test_split`: the same
 * seeded permutation for x and y, then the last ⌈testSize·n⌉ samples are the test part.
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons(1000, { noise: 0.2, seed: 1 });
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.1, seed: 1 });
 * xTest.length; // 100
 * ```
 */
export function trainTestSplit<X extends Rows, Y extends Rows>(
  x: X,
  y: Y,
  options: SplitOptions = {},
): { xTrain: X; xTest: X; yTrain: Y; yTest: Y } {
  const op = 'trainTestSplit';
  const n = pairCount(op, x, y);
  checkOptions(op, options, [...RANDOM_KEYS, 'testSize', 'shuffle']);
  const size = options.testSize ?? 0.25;
  let nTest: number;
  if (typeof size === 'number' && Number.isInteger(size) && size >= 1) nTest = size;
  else nTest = Math.ceil(checkNumber(op, 'testSize', size, 0, 1, true) * n);
  if (nTest < 1 || nTest >= n) {
    throw new RangeError(
      `${op}: testSize ${size} leaves ${n - nTest} of ${n} samples for training and ${nTest} for testing`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (checkBoolean(op, 'shuffle', options.shuffle, true)) rngOf(op, options).shuffle(order);
  const train = order.slice(0, n - nTest);
  const test = order.slice(n - nTest);
  return {
    xTrain: takeRows(x, train),
    xTest: takeRows(x, test),
    yTrain: takeRows(y, train),
    yTest: takeRows(y, test),
  };
}

/** Options of `batches`. */
export interface BatchOptions extends RandomOptions {
  /** Samples per batch; the last batch may be smaller. */
  batchSize: number;
  /** Shuffle the samples first (seeded). Default false. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
}

/**
 * Mini-batches of (x, y), in order or seeded-shuffled, as PyTorch's `DataLoader`. Pass `rng` to get
 * a new order each epoch from one generator.
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons(100, { seed: 1 });
 * const rng = createRng(0);
 * const sizes = batches(x, y, { batchSize: 32, shuffle: true, rng }).map((batch) => batch.x.length);
 * sizes; // [32, 32, 32, 4]
 * ```
 */
export function batches<X extends Rows, Y extends Rows>(x: X, y: Y, options: BatchOptions): { x: X; y: Y }[] {
  const op = 'batches';
  const n = pairCount(op, x, y);
  checkOptions(op, options, [...RANDOM_KEYS, 'batchSize', 'shuffle', 'dropLast']);
  const size = checkInteger(op, 'batchSize', options?.batchSize, 1);
  const order = Array.from({ length: n }, (_, i) => i);
  const dropLast = checkBoolean(op, 'dropLast', options.dropLast, false);
  if (checkBoolean(op, 'shuffle', options.shuffle, false)) (rngOf(op, options) as Rng).shuffle(order);
  const out: { x: X; y: Y }[] = [];
  for (let start = 0; start < n; start += size) {
    const idx = order.slice(start, start + size);
    if (idx.length < size && dropLast) break;
    out.push({ x: takeRows(x, idx), y: takeRows(y, idx) });
  }
  return out;
}
