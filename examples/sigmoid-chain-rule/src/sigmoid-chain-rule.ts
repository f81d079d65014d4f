// Seed 001's walkthrough: sigmoid as four nodes A, B, C, D, and the chain rule run through them backwards.

import { explain, toDot, type Value, value } from '@chainrule/engine';

/** The walkthrough's nodes and their gradients d(sigmoid)/d(node). */
export interface ChainNode {
  /** x, or A, B, C, D for the computed nodes. */
  name: string;
  op: string;
  data: number;
  grad: number;
}

/** Everything the walkthrough computes at one input. */
export interface SigmoidChainRule {
  x: number;
  /** s(x) = 1 / (1 + e^-x). */
  sigmoid: number;
  /** ds/dx as backward() computed it. */
  derivative: number;
  /** ds/dx from the closed form s(x)·(1 - s(x)), to compare with. */
  closedForm: number;
  /** x, A, B, C, D in the order the forward pass computed them. */
  nodes: ChainNode[];
  /** `explain`'s table of the graph. */
  explanation: string;
  /** `toDot`'s picture of the graph, top to bottom, gradients included. */
  dot: string;
}

/**
 * Builds sigmoid(x) (for x >= 0 the engine records A = -x, B = exp(A), C = B + 1, D = 1 / C; for
 * x < 0 the equal form A = exp(x), B = A + 1, C = 1 / B, D = A·C), runs the reverse pass and reads
 * every node's gradient back, as seed 001 does by hand at x = 1.
 */
export function sigmoidChainRule(x = 1): SigmoidChainRule {
  const input = value(x, 'x');
  const d = input.sigmoid();
  d.backward(); // fills grad = dD/d(node) on every node below D

  // Name the computed nodes A, B, C, D in the order the forward pass made them, as the seed does.
  const chain = computedNodes(d);
  chain.forEach((node, i) => {
    node.label = 'ABCD'[i] ?? `N${i}`;
  });

  const s = d.data;
  return {
    x,
    sigmoid: s,
    derivative: input.grad,
    closedForm: s * (1 - s), // the textbook derivative, for comparison only
    nodes: [input, ...chain].map((node: Value) => ({
      name: node.label,
      op: node.op === '' ? 'leaf' : node.op,
      data: node.data,
      grad: node.grad,
    })),
    explanation: explain(d),
    dot: toDot(d, { rankdir: 'TB' }), // top to bottom: the chain reads like the seed's derivation
  };
}

/** The computed nodes below `root` (constants and leaves left out), each after its parents. */
function computedNodes(root: Value): Value[] {
  const order: Value[] = [];
  const seen = new Set<Value>();
  const visit = (node: Value): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const parent of node.parents) visit(parent);
    if (node.op !== '') order.push(node);
  };
  visit(root);
  return order;
}

/** sigmoid and its derivative at `x`, through the engine. */
export function sigmoidAndDerivative(x: number): { sigmoid: number; derivative: number } {
  const input = value(x);
  const s = input.sigmoid();
  s.backward();
  return { sigmoid: s.data, derivative: input.grad };
}

/**
 * The seed's chain written out literally: at x = -1000, A = 1000 and B = e^1000 overflows to
 * Infinity. The reverse pass then multiplies dD/dB = -1/C² = 0 by dB/dA = e^A = Infinity: NaN.
 * This is why `sigmoid()` records the equal form e^x · 1/(1 + e^x) for negative x.
 */
export function naiveDerivative(x: number): number {
  const input = value(x);
  input.neg().exp().add(1).reciprocal().backward();
  return input.grad;
}
