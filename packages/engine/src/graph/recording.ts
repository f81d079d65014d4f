// Whether new operations record graph nodes: switched off by noGrad and by a backward pass without createGraph.

import { describe } from '../errors.js';

let recording = true;
/** Whether ops without a gradient are recorded too (inside `traceGraph`). */
let tracing = false;

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

/** @internal Whether ops that carry no gradient are recorded as nodes (inside `traceGraph`). */
export function isTracing(): boolean {
  return tracing;
}

/**
 * Runs `fn` recording everything its tensors are computed from, for tools that walk the graph (as
 * `exportOnnx` does, and `toDot`): inside it (and outside `noGrad`), a comparison (`x.gt(0)`), the masks that derivatives and
 * composites split cases with, and the maxima that softmax and logSumExp hold constant are recorded as
 * nodes with their op and inputs, which never require grad, so no gradient flows through them and no
 * number changes. Outside it they are constants, as PyTorch's bool tensors are, and keep no graph alive.
 *
 * @example
 * ```ts
 * const x = tensor([-1, 2], { requiresGrad: true });
 * x.gt(0).op; // '' (a constant)
 * const m = traceGraph(() => x.gt(0));
 * [m.op, m.parents[0] === x, m.requiresGrad]; // ['gt', true, false]
 * ```
 */
export function traceGraph<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`traceGraph: expected a function, got ${describe(fn)}`);
  const previous = tracing;
  tracing = true;
  try {
    return fn();
  } finally {
    tracing = previous;
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
