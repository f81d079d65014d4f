// The backward pass one node at a time, as seed 001 walks it by hand: the order, and the gradients
// every node holds after each step.

import { type Value, value } from '@chainrule/engine';
import { graphNodes } from '@chainrule/viz';
import type { Built } from './build.js';

/** A leaf without a label: a number written in the expression. `explain` leaves these out. */
export const isConstant = (node: Value): boolean => node.op === '' && node.label === '';

/** What one parent of the current node receives in a step. */
export interface Contribution {
  parent: Value;
  /** d(root)/d(node) · d(node)/d(parent), this use's share of the parent's gradient. */
  amount: number;
}

/** One step of the walk: `node`'s gradient is now complete, and it passes its share to each parent. */
export interface BackwardStep {
  node: Value;
  /** d(root)/d(node), final from this step on. */
  grad: number;
  /** One per parent position (a node that uses x twice passes two shares to x). */
  contributions: Contribution[];
  /** Every node's gradient after this step: all the shares passed so far, the seed 1 at the root. */
  gradients: Map<Value, number>;
}

const BINARY_OPS = ['add', 'sub', 'mul', 'div'] as const;
const UNARY_OPS = ['neg', 'exp', 'log', 'tanh', 'relu', 'reciprocal'] as const;

/**
 * `g` times the local derivatives of `node` with respect to each of its parents, computed by the
 * engine: the node's op is replayed on fresh leaves holding its parents' data, scaled by `g`, and
 * differentiated, so the numbers are the engine's rules', not a second copy of them.
 */
export function shares(node: Value, g: number, exponents: ReadonlyMap<Value, number>): number[] {
  const inputs = node.parents.map((p) => value(p.data));
  const [a, b] = inputs;
  let out: Value;
  const op = node.op;
  if (a !== undefined && b !== undefined && (BINARY_OPS as readonly string[]).includes(op)) {
    out = a[op as (typeof BINARY_OPS)[number]](b);
  } else if (a !== undefined && (UNARY_OPS as readonly string[]).includes(op)) {
    out = a[op as (typeof UNARY_OPS)[number]]();
  } else if (a !== undefined && op === 'pow' && exponents.has(node)) {
    out = a.pow(exponents.get(node)!);
  } else {
    throw new Error(`internal: the walkthrough cannot replay op '${op}' with ${inputs.length} inputs`);
  }
  out.mul(g).backward();
  return inputs.map((input) => input.grad);
}

/**
 * The backward pass of `built.root` as steps, root first, in the engine's reverse order (viz's
 * `graphNodes`, reversed: a depth-first walk visiting parents in argument order, as the engine's). Constant
 * leaves get no step of their own (they still receive their shares), unless the root is one. After the last step every
 * node's gradient is the one `backward()` computes.
 */
export function backwardSteps(built: Built): BackwardStep[] {
  const order = graphNodes(built.root);
  // -0 is the identity of +, as in the engine: a single share of -0 stays -0
  const gradients = new Map<Value, number>(order.map((node) => [node, -0]));
  gradients.set(built.root, 1);
  const steps: BackwardStep[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (isConstant(node) && node !== built.root) continue;
    const grad = gradients.get(node)!;
    const amounts = node.parents.length === 0 ? [] : shares(node, grad, built.exponents);
    const contributions = node.parents.map((parent, j) => ({ parent, amount: amounts[j]! }));
    for (const { parent, amount } of contributions) gradients.set(parent, gradients.get(parent)! + amount);
    steps.push({ node, grad, contributions, gradients: new Map(gradients) });
  }
  return steps;
}
