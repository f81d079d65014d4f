// Whether new operations record graph nodes: switched off by noGrad and by a backward pass without createGraph.

import { describe } from '../errors.js';

let recording = true;

/** @internal Whether operations currently record graph nodes. */
export function isRecording(): boolean {
  return recording;
}

/** @internal Runs `fn` with recording switched on or off, restoring the previous state afterwards. */
export function withRecording<T>(on: boolean, fn: () => T): T {
  const previous = recording;
  recording = on;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/**
 * Runs `fn` without recording a graph: results of operations inside are leaves, as under
 * PyTorch's `torch.no_grad()`. Use it for parameter updates and evaluation.
 *
 * @example
 * ```ts
 * const w = value(2);
 * const y = noGrad(() => w.mul(3)); // y.op === '' and y.parents is empty
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`noGrad: expected a function, got ${describe(fn)}`);
  return withRecording(false, fn);
}
