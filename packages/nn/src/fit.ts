// fit: the training loop: mini-batches, loss, backward, optimizer step, metrics and validation per epoch.

import { formatShape, type NestedArray, noGrad, Tensor, tensor } from '@chainrule/engine';
import { batches, rowCount } from './data.js';
import { checkInteger, checkOptions, kindOf, RANDOM_KEYS } from './errors.js';
import type { Module } from './module.js';
import type { Optimizer } from './optim/optimizer.js';
import { type RandomOptions, rngOf } from './random-option.js';

/** A metric of a batch of predictions against targets, such as `accuracy`. */
export type Metric = (prediction: Tensor, target: Tensor) => number;

/** What one epoch produced: the mean training loss and metrics, and the validation figures when asked. */
export interface EpochLog {
  /** 0 for the first epoch. */
  epoch: number;
  loss: number;
  metrics: Record<string, number>;
  valLoss?: number;
  valMetrics?: Record<string, number>;
}

/** Everything `fit` measured, one entry per epoch run (as Keras' `History.history`). */
export interface History {
  loss: number[];
  metrics: Record<string, number[]>;
  valLoss: number[];
  valMetrics: Record<string, number[]>;
}

/** Options of `fit`. */
export interface FitOptions extends RandomOptions {
  /** Inputs, samples along the first axis. */
  x: Tensor | NestedArray;
  /** Targets, samples along the first axis, shaped as the loss expects. */
  y: Tensor | NestedArray;
  /** Loss of a batch's prediction against its targets, reduced to one element (e.g. `binaryCrossEntropy`). */
  loss: (prediction: Tensor, target: Tensor) => Tensor;
  /** The optimizer, built over `model.parameters()`. */
  optimizer: Optimizer;
  /** How many passes over the data. */
  epochs: number;
  /** Samples per step. Default: all of them (full-batch gradient descent). */
  batchSize?: number;
  /** Shuffle the samples every epoch (seeded). Default true when there is more than one batch. */
  shuffle?: boolean;
  /** Metrics to record, by name: `{ accuracy }`. */
  metrics?: Record<string, Metric>;
  /** Data to evaluate on after each epoch, in eval mode and without recording a graph. */
  validation?: { x: Tensor | NestedArray; y: Tensor | NestedArray };
  /** Called after each epoch; returning `false` stops training early. */
  onEpoch?: (log: EpochLog) => unknown;
}

/** The keys `FitOptions` has. */
const FIT_KEYS = [
  'x',
  'y',
  'loss',
  'optimizer',
  'epochs',
  'batchSize',
  'shuffle',
  'metrics',
  'validation',
  'onEpoch',
  ...RANDOM_KEYS,
];

function asTensor(op: string, what: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  if (Array.isArray(x)) return tensor(x as NestedArray);
  throw new TypeError(`${op}: ${what} must be a Tensor or nested arrays, got ${kindOf(x)}`);
}

function scalarLoss(op: string, loss: Tensor): number {
  if (!(loss instanceof Tensor) || loss.size !== 1) {
    const got = loss instanceof Tensor ? `shape [${loss.shape.join(',')}]` : kindOf(loss);
    throw new TypeError(`${op}: the loss must return a one-element Tensor, got ${got}`);
  }
  const v = loss.data[0]!;
  if (!Number.isFinite(v)) throw new RangeError(`${op}: the loss became ${v}`);
  return v;
}

/**
 * Refuses an optimizer that updates none of the model's parameters (one built over another model's):
 * every step would leave the model as it was, and the history would show a loss that never moves.
 * An optimizer over some of them (fine-tuning a part) or over more (two models at once) is fine.
 */
function checkOptimizerReaches(op: string, model: Module, optimizer: Optimizer): void {
  const own = model.parameters();
  // an optimizer of one's own without a params list cannot be checked: trust it
  if (own.length === 0 || !Array.isArray(optimizer.params)) return;
  const params: readonly unknown[] = optimizer.params;
  const mine = new Set<unknown>(own);
  if (params.some((p) => mine.has(p))) return;
  throw new RangeError(
    `${op}: the optimizer updates none of the model's ${own.length} parameters (it holds ${params.length} others); build it over model.parameters()`,
  );
}

/** The number of samples in x and y (`prefix` is '' or 'validation.'): equal, and at least one. */
function samplePairs(op: string, prefix: string, x: Tensor, y: Tensor): number {
  const n = rowCount(op, `${prefix}x`, x);
  const m = rowCount(op, `${prefix}y`, y);
  if (n !== m) throw new RangeError(`${op}: ${prefix}x has ${n} samples but ${prefix}y has ${m}`);
  if (n === 0) {
    throw new RangeError(
      `${op}: ${prefix}x has no samples (shape ${formatShape(x.shape)}); ${op} needs at least one`,
    );
  }
  return n;
}

/**
 * Trains `model` with `optimizer` on (x, y) for a number of epochs and returns the history of the
 * loss and metrics, per epoch: each epoch runs over (seeded, shuffled) mini-batches, and for each one
 * zeroes the gradients, computes the loss, backpropagates and steps. Epoch figures are means over the
 * samples. The model is left in training mode.
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons(300, { noise: 0.1, seed: 1 });
 * const split = trainTestSplit(x, y, { testSize: 0.2, seed: 1 });
 * const column = (labels: number[]) => tensor(labels.map((label) => [label]));
 * const model = fromArchitecture(
 *   [
 *     { inputDim: 2, outputDim: 8, activation: 'relu' },
 *     { inputDim: 8, outputDim: 8, activation: 'relu' },
 *     { inputDim: 8, outputDim: 1, activation: 'sigmoid' },
 *   ],
 *   { seed: 1 },
 * );
 * const history = fit(model, {
 *   x: tensor(split.xTrain), y: column(split.yTrain), loss: binaryCrossEntropy,
 *   optimizer: new Adam(model.parameters(), { lr: 0.05 }),
 *   epochs: 300, metrics: { accuracy }, validation: { x: tensor(split.xTest), y: column(split.yTest) },
 * });
 * history.valMetrics.accuracy!.at(-1)! > 0.9; // true
 * ```
 */
export function fit(model: Module, options: FitOptions): History {
  const op = 'fit';
  if (typeof model?.forward !== 'function')
    throw new TypeError(`${op}: expected a Module, got ${kindOf(model)}`);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: expected options { x, y, loss, optimizer, epochs }, got ${kindOf(options)}`);
  }
  checkOptions(op, options, FIT_KEYS);
  const x = asTensor(op, 'x', options.x);
  const y = asTensor(op, 'y', options.y);
  const epochs = checkInteger(op, 'epochs', options.epochs, 0);
  if (typeof options.loss !== 'function')
    throw new TypeError(`${op}: loss must be a function, got ${kindOf(options.loss)}`);
  if (typeof options.optimizer?.step !== 'function') {
    throw new TypeError(`${op}: optimizer must be an Optimizer, got ${kindOf(options.optimizer)}`);
  }
  checkOptimizerReaches(op, model, options.optimizer);
  // every check on the data names fit, before batches() (which would name itself) sees it
  const n = samplePairs(op, '', x, y);
  const batchSize = options.batchSize === undefined ? n : checkInteger(op, 'batchSize', options.batchSize, 1);
  const shuffle = options.shuffle ?? batchSize < n;
  const rng = rngOf(op, options);
  const metrics = Object.entries(options.metrics ?? {});
  const validation =
    options.validation === undefined
      ? null
      : {
          x: asTensor(op, 'validation.x', options.validation.x),
          y: asTensor(op, 'validation.y', options.validation.y),
        };
  if (validation !== null) samplePairs(op, 'validation.', validation.x, validation.y);
  // one split for every epoch when nothing is shuffled; the samples are then copied once
  const fixed = shuffle ? null : batches(x, y, { batchSize });

  const history: History = { loss: [], metrics: {}, valLoss: [], valMetrics: {} };
  for (const [name] of metrics) {
    history.metrics[name] = [];
    if (validation !== null) history.valMetrics[name] = [];
  }
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    let lossSum = 0;
    const metricSums = metrics.map(() => 0);
    for (const batch of fixed ?? batches(x, y, { batchSize, shuffle: true, rng })) {
      options.optimizer.zeroGrad();
      const prediction = model.forward(batch.x);
      const loss = options.loss(prediction, batch.y);
      const size = batch.x.shape[0]!;
      lossSum += scalarLoss(op, loss) * size;
      metrics.forEach(([, metric], k) => {
        metricSums[k]! += metric(prediction, batch.y) * size;
      });
      loss.backward();
      options.optimizer.step();
    }
    const log: EpochLog = {
      epoch,
      loss: lossSum / n,
      metrics: Object.fromEntries(metrics.map(([name], k) => [name, metricSums[k]! / n])),
    };
    history.loss.push(log.loss);
    for (const [name] of metrics) history.metrics[name]!.push(log.metrics[name]!);
    if (validation !== null) {
      model.eval();
      const prediction = noGrad(() => model.forward(validation.x));
      log.valLoss = scalarLoss(
        op,
        noGrad(() => options.loss(prediction, validation.y)),
      );
      log.valMetrics = Object.fromEntries(
        metrics.map(([name, metric]) => [name, metric(prediction, validation.y)]),
      );
      model.train();
      history.valLoss.push(log.valLoss);
      for (const [name] of metrics) history.valMetrics[name]!.push(log.valMetrics[name]!);
    }
    if (options.onEpoch?.(log) === false) break;
  }
  return history;
}
