// One topological order and one reverse pass for every kind of node.

import type { GraphNode } from './node.js';
import { withRecording } from './recording.js';

let walk = 0;

/**
 * Orders the graph below `root` so that every node comes after all of its parents. An explicit
 * stack replaces recursion, so a chain of a million nodes needs memory, not call-stack depth.
 * Parents are visited in array order, so the order is the same on every run. With `trackedOnly`
 * the walk does not enter nodes that receive no gradient.
 *
 * @internal
 */
export function topoOrder<N extends GraphNode<N>>(root: N, trackedOnly = false): N[] {
  const kept = root._order(trackedOnly);
  if (kept !== null) return kept;
  const mark = ++walk;
  const order: N[] = [];
  const stack: N[] = [root];
  const next: number[] = [0];
  root._mark = mark;
  while (stack.length > 0) {
    const top = stack.length - 1;
    const node = stack[top]!;
    const i = next[top]!;
    if (i < node.parents.length) {
      next[top] = i + 1;
      const parent = node.parents[i]!;
      if (parent._mark !== mark && (!trackedOnly || parent._tracked)) {
        parent._mark = mark;
        stack.push(parent);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * Walks `order` (from `topoOrder`) backwards from its last node, whose gradient is `seed`, and
 * leaves each node's gradient for this pass in `_pending`. With `createGraph` the rules record
 * nodes, so the gradients can be differentiated again.
 */
function reversePass<N extends GraphNode<N>>(order: readonly N[], seed: N, createGraph: boolean): void {
  order[order.length - 1]!._pending = seed;
  withRecording(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      const g = node._pending;
      if (g === null) continue;
      // read once: a Value's parents are an array made on each read
      const parents = node.parents;
      if (parents.length === 0) continue;
      const grads = node._vjp(g);
      if (grads.length !== parents.length) {
        throw new Error(
          `internal: ${node.op} returned ${grads.length} gradients for ${parents.length} inputs`,
        );
      }
      for (let j = 0; j < parents.length; j++) {
        const parent = parents[j]!;
        let gj = grads[j];
        if (gj === null || gj === undefined || !parent._tracked) continue;
        gj = parent._fitGrad(gj, node.op);
        parent._pending = parent._pending === null ? gj : parent._sumGrads(parent._pending, gj);
      }
    }
  });
}

/**
 * Passes started so far, and the number of the innermost one under way (0 outside every pass): a
 * custom op's backward can run one (explain, grad, …) inside another.
 */
let started = 0;
let current = 0;

/**
 * @internal The number of the innermost pass under way, 0 outside every pass: each pass gets a new
 * one, so a mark a pass leaves on a tensor (Tensor's `_madeFor`) means nothing to any other pass.
 */
export function currentPass(): number {
  return current;
}

/**
 * Runs `body`, a pass over `order` that keeps its gradients in `_pending`, and then clears them. A
 * pass inside a pass may share nodes with it: it starts them from null and gives back the outer
 * pass's gradients when it is done.
 */
function inPass<N extends GraphNode<N>, T>(order: readonly N[], body: () => T): T {
  const outer = current !== 0 ? order.map((node) => node._pending) : null;
  if (outer !== null) for (const node of order) node._pending = null;
  const outside = current;
  current = ++started;
  try {
    return body();
  } finally {
    current = outside;
    for (let k = 0; k < order.length; k++) order[k]!._pending = outer === null ? null : outer[k]!;
  }
}

/**
 * Backpropagates from `root`: every node below it that takes gradients adds d(root)/d(node) to
 * its accumulated gradient, as PyTorch's `backward()` does for leaves (and micrograd for every node).
 *
 * @internal
 */
export function backpropagate<N extends GraphNode<N>>(root: N, seed: N, createGraph: boolean): void {
  const order = topoOrder(root, true);
  inPass(order, () => {
    reversePass(order, seed, createGraph);
    withRecording(createGraph, () => {
      for (const node of order) {
        const g = node._pending;
        if (g === null) continue;
        node._grad = node._grad === null ? node._keepGrad(g, createGraph) : node._sumGrads(node._grad, g);
      }
    });
  });
}

/**
 * The gradients of `root` with respect to `inputs` (null where `root` does not depend on one),
 * without touching any accumulated gradient: PyTorch's `torch.autograd.grad`.
 *
 * @internal
 */
export function gradientsOf<N extends GraphNode<N>>(
  root: N,
  seed: N,
  inputs: readonly N[],
  createGraph: boolean,
): (N | null)[] {
  const order = topoOrder(root, true);
  return inPass(order, () => {
    reversePass(order, seed, createGraph);
    return inputs.map((input) => input._pending);
  });
}

/**
 * Every node below `root` with its gradient d(root)/d(node), in topological order, without touching
 * accumulated gradients. Used by `explain`.
 *
 * @internal
 */
export function allGradients<N extends GraphNode<N>>(root: N, seed: N): { node: N; grad: N | null }[] {
  const order = topoOrder(root, true);
  return inPass(order, () => {
    reversePass(order, seed, false);
    return order.map((node) => ({ node, grad: node._pending }));
  });
}
