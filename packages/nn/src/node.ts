// The Node-only entry of @chainrule/nn: state dicts to and from files, and fit with a terminal progress bar.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { type FitOptions, fit, type History } from './fit.js';
import type { Module } from './module.js';

/**
 * Anything with a state dict: a Module, a ScalarMLP, an optimizer. `saveStateDict` and
 * `loadStateDictFile` take any of them.
 *
 * @example
 * ```ts
 * const owners: HasState[] = [model, optimizer];
 * ```
 */
export interface HasState {
  /**
   * The state as plain JSON-safe data.
   *
   * @example
   * ```ts
   * JSON.stringify(owner.stateDict());
   * ```
   */
  stateDict(): unknown;
  /**
   * Restores state saved by `stateDict()`, checking it all first and changing nothing on refusal.
   *
   * @example
   * ```ts
   * owner.loadStateDict(JSON.parse(text));
   * ```
   */
  loadStateDict(state: unknown): void;
}

/**
 * Writes `owner.stateDict()` to `path` as JSON. The file is written beside the target and renamed
 * over it, so a crash never leaves half a file.
 *
 * @example
 * ```ts
 * import { saveStateDict } from '@chainrule/nn/node';
 * await saveStateDict(model, 'moons.json');
 * ```
 */
export async function saveStateDict(owner: HasState, path: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(owner.stateDict())}\n`, 'utf8');
  await rename(temp, path);
}

/**
 * Reads JSON from `path` and loads it with `owner.loadStateDict`, which checks everything and
 * changes nothing when it refuses. A file that is not JSON is refused with its path named.
 *
 * @example
 * ```ts
 * import { loadStateDictFile } from '@chainrule/nn/node';
 * await loadStateDictFile(model, 'moons.json');
 * ```
 */
export async function loadStateDictFile(owner: HasState, path: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`loadStateDictFile: ${path} is not JSON: ${(e as Error).message}`);
  }
  owner.loadStateDict(state);
}

/**
 * Options of `fitWithProgress`: those of `fit`, and where the bar is drawn.
 *
 * @example
 * ```ts
 * const options: ProgressOptions = { x, y, loss: mseLoss, optimizer, epochs: 100, stream: process.stdout };
 * ```
 */
export interface ProgressOptions extends FitOptions {
  /**
   * The stream the bar is drawn on. Default process.stderr. The bar is drawn only when it is a terminal.
   *
   * @example
   * ```ts
   * fitWithProgress(model, { ...options, stream: process.stdout });
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
 * const history = fitWithProgress(model, { x, y, loss: binaryCrossEntropy, optimizer, epochs: 2000 });
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
    return fit(model, {
      ...options,
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
