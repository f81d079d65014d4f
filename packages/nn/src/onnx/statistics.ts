// Statistics whose recorded form holds a number of the example: a mean or a variance over the batch axis
// divides by the batch's element count (counted by the model for the batch it gets), and logcumsumexp,
// whose recorded scan holds the example's running maxima, written as one log-sum-exp per prefix.

import { opAttributes, type Tensor } from '@chainrule/engine';
import type { BatchCount, OnnxGraph, Slot } from './graph.js';
import { elementType } from './proto.js';

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** The count to record on a sum of `x` over `axis`, when the sum runs over the batch axis. */
export function countOf(x: Slot, axis: number | null): { counted?: BatchCount } {
  if (x.batch === null || (axis !== null && axis !== x.batch.axis)) return {};
  return { counted: { input: x, axis, n: axis === null ? product(x.shape) : x.shape[axis]! } };
}

/** The single number a constant holds, or null. */
function constantNumber(t: Tensor | undefined): number | null {
  return t !== undefined && t.op === '' && !t.requiresGrad && t.size === 1 ? t.data[0]! : null;
}

/** Whether `m` is `x.mean(axis, true)` as recorded: x summed along `axis` with keepDims, over its count. */
function isMeanOf(m: Tensor, x: Tensor, axis: number | null): boolean {
  const s = m.parents[0];
  const a = s && opAttributes(s);
  if (m.op !== 'div' || a?.op !== 'sum' || s!.parents[0] !== x) return false;
  const n = axis === null ? x.size : x.shape[axis]!;
  return a.attributes.axis === axis && a.attributes.keepDims && constantNumber(m.parents[1]) === n;
}

/**
 * The correction c when `t` = Σ d² / (n − c) is a variance as `var` records it (d = x − x.mean(axis,
 * true), the sum along the same axis), else null.
 */
function varianceCorrection(t: Tensor, n: number, d: number): number | null {
  const s = t.parents[0]!;
  const sum = opAttributes(s);
  const square = s.parents[0];
  if (sum?.op !== 'sum' || square?.op !== 'mul' || square.parents[0] !== square.parents[1]) return null;
  const deviation = square.parents[0]!;
  if (deviation.op !== 'sub') return null;
  const [x, mean] = deviation.parents as [Tensor, Tensor];
  return isMeanOf(mean, x, sum.attributes.axis) && n - d >= 0 ? n - d : null;
}

/**
 * The divisor of `t` = a / k when `a` is a sum over the batch axis and k its element count in the
 * trace (a mean) or that count less a correction (a variance): the count of the batch the model
 * gets, as the model computes it. Null for any other division, whose number stays a constant.
 */
export function batchDivisor(g: OnnxGraph, t: Tensor, ins: readonly Slot[]): string | null {
  const counted = ins[0]!.counted;
  const k = constantNumber(t.parents[1]);
  if (counted === undefined || k === null) return null;
  const correction = k === counted.n ? 0 : varianceCorrection(t, counted.n, k);
  if (correction === null) return null;
  const { input, axis } = counted;
  const count =
    axis === null
      ? g.node('Size', [input.name])
      : g.node('Gather', [g.node('Shape', [input.name]), g.ints('axis', [axis], [])]);
  const n = g.node('Cast', [count], { to: elementType(g.dtype) });
  return correction === 0 ? n : g.node('Sub', [n, g.scalar(correction)]);
}

/**
 * logcumsumexp along axis 1 of `x` (shape [outer, len, inner]): out[o, j, i] is the log-sum-exp over
 * k ≤ j of x[o, k, i], one stable ReduceLogSumExp per prefix over a [outer, len, len, inner] view in
 * which the elements after j are −∞. Refused along the batch axis, whose length the mask would fix.
 */
export function logcumsumexp(g: OnnxGraph, x: Slot): string {
  const len = x.shape[1]!;
  if (x.batch?.axis === 1) {
    throw g.fixedBatch('logcumsumexp', 'runs along the batch axis', [x.shape]);
  }
  const mask = Array.from({ length: len * len }, (_, i) => i % len <= Math.floor(i / len));
  const view = g.node('Unsqueeze', [x.name, g.ints('axes', [1])]);
  const prefixes = g.node('Where', [
    g.bools('prefix', mask, [len, len, 1]),
    view,
    g.scalar(Number.NEGATIVE_INFINITY),
  ]);
  return g.node('ReduceLogSumExp', [prefixes], { axes: [2], keepdims: 0 });
}
