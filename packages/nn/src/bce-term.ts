// Binary cross-entropy of one probability (or one logit) against one target, as one op each: the loss
// computed on numbers in its most accurate order, the gradient written out (PyTorch's for
// probabilities, which is not the derivative of the clamped logs; σ(z) - t for logits, in a form
// exact on both sides of 0). Each op serves Values and Tensors with the same numbers.

import { defineOp, type ElementwiseMethods, type Tensor, type Value } from '@chainrule/engine';

/** log p clamped below at -100, as PyTorch's BCELoss does: finite at p = 0. */
export const LOG_FLOOR = -100;
/** The least (1 - p)·p the gradient divides by: PyTorch's EPSILON, a float 1e-12. */
const BCE_EPS = Math.fround(1e-12);

/** What both kinds of node offer the gradients: the elementwise ops, and sigmoid (a composite on each). */
type Node<N> = ElementwiseMethods<N> & { sigmoid(): N };

/** (t - 1)·max(log(1 - p), -100) - t·max(log p, -100), as ATen's binary_cross_entropy writes it. */
const bceForward = (p: number, t: number): number =>
  (t - 1) * Math.max(Math.log1p(-p), LOG_FLOOR) - t * Math.max(Math.log(p), LOG_FLOOR);

/**
 * PyTorch's gradients: g·(p - t)/max((1 - p)·p, eps) for p, so that a prediction at or past the clamp
 * still points back (a confident wrong p = 0 for t = 1 gets -1e12, where the clamped log's
 * derivative is 0 and the unit would never recover) and p = t gets 0; g·(-logit p) =
 * -g·log(p/(1 - p)), unclamped, for t. Made of engine ops, so second derivatives go through it.
 */
function bceBackward<N extends Node<N>>(g: N, p: N, t: N): [N, N] {
  const q = p.neg().add(1);
  const dp = g.mul(p.sub(t)).div(q.mul(p).maximum(BCE_EPS));
  return [dp, g.mul(p.div(q).log().neg())];
}

/** (max(z, 0) - z·t) + log1p(e^(-|z|)): the small term last, so it survives where z - z·t cancels. */
const logitForward = (z: number, t: number): number =>
  (z >= 0 ? z - z * t : -(z * t)) + Math.log1p(Math.exp(-Math.abs(z)));

/**
 * σ(z) - t, as (1 - t) - σ(-z) for z >= 0 and σ(z) - t below: each side exact where σ is near 1
 * (z = 20, t = 1: -2.0611536181902033e-9, not 1 - 0.9999999979388463); g·(-z) for t.
 */
function logitBackward<N extends Node<N>>(g: N, z: N, t: N): [N, N] {
  const up = z.ge(0); // 1 where z >= 0: constant, with no gradient of its own
  const sign = up.mul(-2).add(1); // -1 where z >= 0, else 1
  return [g.mul(up.sub(t).add(sign.mul(z.mul(sign).sigmoid()))), g.mul(z.neg())];
}

/** A gradient written once for both kinds of node: the output's gradient and the two inputs in, their gradients out. */
type Backward = <N extends Node<N>>(g: N, a: N, b: N) => [N, N];

/** One op of two inputs under `name`, as a Value op and as a Tensor op with the same numbers. */
function bothKinds(name: string, forward: (a: number, b: number) => number, backward: Backward) {
  return {
    value: defineOp<Value>({ name, forward, backward: (g, { inputs: [a, b] }) => backward(g, a!, b!) }),
    tensor: defineOp<Tensor>({ name, forward, backward: (g, { inputs: [a, b] }) => backward(g, a!, b!) }),
  };
}

/**
 * The per-element binary cross-entropy of probabilities `p` against targets `t` (Values, or Tensors
 * that broadcast), with PyTorch's loss and gradient.
 *
 * @internal
 */
export const bceTerm = bothKinds('binaryCrossEntropy', bceForward, bceBackward);

/** The per-element binary cross-entropy of logits `z` against targets `t`, softplus(z) - z·t. @internal */
export const logitTerm = bothKinds('bceWithLogits', logitForward, logitBackward);
