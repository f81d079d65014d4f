// Binary cross-entropy of one probability against one target, as one op: PyTorch's loss (each log
// clamped below at -100) with PyTorch's gradient, which is not the derivative of the clamped logs.

import { defineOp, type Tensor, type Value } from '@chainrule/engine';

/** log p clamped below at -100, as PyTorch's BCELoss does: finite at p = 0. */
export const LOG_FLOOR = -100;
/** e^-100: below it, log p is clamped. */
export const P_FLOOR = Math.exp(LOG_FLOOR);
/** The least p·(1 - p) the gradient divides by, as PyTorch's (its EPSILON). */
const BCE_EPS = 1e-12;

/** -[t·log p + (1 - t)·log(1 - p)] on numbers, each log clamped at -100. */
const forward = (p: number, t: number): number =>
  -(t * Math.log(Math.max(p, P_FLOOR)) + (1 - t) * Math.log(Math.max(1 - p, P_FLOOR)));

/** The ops both kinds of node have that the gradient needs. */
interface Node<N> {
  neg(): N;
  add(x: N | number): N;
  sub(x: N | number): N;
  mul(x: N | number): N;
  div(x: N | number): N;
  maximum(x: N | number): N;
  log(): N;
}

/**
 * PyTorch's gradients: (p - t)/max(p·(1 - p), 1e-12) for p, so that a prediction at or past the clamp
 * still points back (a confident wrong p = 0 for t = 1 gets -1e12, where the clamped log's derivative
 * is 0 and the unit would never recover) and p = t gets 0; log(1 - p) - log p with the same clamps
 * for t. Made of engine ops, so second derivatives go through it.
 */
function backward<N extends Node<N>>(g: N, p: N, t: N): [N, N] {
  const q = p.neg().add(1);
  // grouped as PyTorch groups it: g·(p - t) / max((1 - p)·p, eps)
  const dp = g.mul(p.sub(t)).div(q.mul(p).maximum(BCE_EPS));
  return [dp, g.mul(q.maximum(P_FLOOR).log().sub(p.maximum(P_FLOOR).log()))];
}

/**
 * The per-element binary cross-entropy of probabilities `p` against targets `t` (Values, or Tensors
 * that broadcast), with PyTorch's loss and gradient.
 *
 * @internal
 */
export const bceValueTerm = defineOp<Value>({
  name: 'binaryCrossEntropy',
  forward,
  backward: (g, { inputs: [p, t] }) => backward(g, p!, t!),
});

/** `bceValueTerm` for Tensors. @internal */
export const bceTensorTerm = defineOp<Tensor>({
  name: 'binaryCrossEntropy',
  forward,
  backward: (g, { inputs: [p, t] }) => backward(g, p!, t!),
});
