// The Node-only entry of @chainrule/nn: state dicts to and from files, and fit with a terminal progress bar.

import { SingleBar } from 'cli-progress';
import { type FitOptions, fit, type History } from './fit.js';
import type { Module } from './module.js';

export {
  type HasState,
  loadSafetensors,
  loadStateDictFile,
  saveSafetensors,
  saveStateDict,
} from './node/state-files.js';

/**
 * Options of `fitWithProgress`: those of `fit`, and where the bar is drawn.
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons(50, { seed: 1 });
 * const model = new Sequential(new Linear(2, 1), new Sigmoid());
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * const targets = tensor(y.map((label) => [label]));
 * const options: ProgressOptions = { x: tensor(x), y: targets, loss: mseLoss, optimizer, epochs: 100, stream: process.stdout };
 * ```
 */
export interface ProgressOptions extends FitOptions {
  /**
   * The stream the bar is drawn on. Default process.stderr. The bar is drawn only when it is a terminal.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 1), new Sigmoid());
   * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
   * const options = { x: tensor([[0, 1], [1, 0]]), y: tensor([[1], [0]]), loss: mseLoss, optimizer, epochs: 10 };
   * fitWithProgress(model, { ...options, stream: process.stdout }).loss.length; // 10
   * ```
   */
  stream?: NodeJS.WritableStream;
}

/**
 * `fit` with a terminal progress bar (cli-progress) showing the epoch, the loss and the first metric.
 * The bar is drawn only on a terminal; elsewhere (CI, a pipe) it stays silent.
 *
 * @example
 * ```ts
 * import { fitWithProgress } from '@chainrule/nn/node';
 * const { x, y } = makeMoons(100, { seed: 1 });
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1), new Sigmoid());
 * const optimizer = new Adam(model.parameters(), { lr: 0.01 });
 * const targets = tensor(y.map((label) => [label]));
 * const history = fitWithProgress(model, { x: tensor(x), y: targets, loss: binaryCrossEntropy, optimizer, epochs: 50 });
 * history.loss.length; // 50
 * ```
 */
export function fitWithProgress(model: Module, options: ProgressOptions): History {
  const metric = Object.keys(options.metrics ?? {})[0];
  const bar = new SingleBar({
    format: `epoch {value}/{total} [{bar}] loss {loss}${metric === undefined ? '' : ` ${metric} {metric}`}`,
    stream: options.stream ?? process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  });
  bar.start(options.epochs, 0, { loss: '-', metric: '-' });
  try {
    const { stream: _stream, ...fitOptions } = options;
    return fit(model, {
      ...fitOptions,
      onEpoch: (log) => {
        const shown = metric === undefined ? '-' : (log.metrics[metric] ?? 0).toFixed(4);
        bar.update(log.epoch + 1, { loss: log.loss.toPrecision(5), metric: shown });
        return options.onEpoch?.(log);
      },
    });
  } finally {
    bar.stop();
  }
}
