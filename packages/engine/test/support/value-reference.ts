// The plain-number reference evaluator that value-reference.test.ts holds Value to: nodes in the order
// they are made, each its declaration's `f` on numbers; reverse passes over numbers, over dual numbers
// (forward over reverse), and recorded as reference nodes (reverse over reverse).

import { makeAlgebra, type Algebra as RuleAlgebra } from '../../src/ops/elementwise/algebra.js';
import { type AnyDeclaration, gradients, type Params } from '../../src/ops/elementwise/declaration.js';
import { declarationOf, elementwiseOps } from '../../src/ops/elementwise/index.js';
import type { Algebra } from './programs.js';

/**
 * The reference: a list of nodes in the order they are made, each its declaration's `f` on numbers.
 * Its reverse pass runs the nodes in the reverse of a depth-first post-order from the root (parents in
 * argument order: the order the engine documents for both Value and Tensor), each declaration's
 * derivative over `m`, and sums the contributions into each input in that order.
 */
export interface RefNode {
  readonly index: number;
  readonly op: string;
  readonly parents: readonly RefNode[];
  readonly params: Params;
  readonly data: number;
}

export class Reference {
  readonly nodes: RefNode[] = [];

  node(op: string, parents: readonly RefNode[], params: Params, data: number): RefNode {
    const n = { index: this.nodes.length, op, parents, params, data };
    this.nodes.push(n);
    return n;
  }

  leaf(x: number): RefNode {
    return this.node('', [], {}, x);
  }

  /** A declared op on nodes, as Value's method applies it (a number right operand kept as `b` where declared). */
  apply(op: string, inputs: readonly (RefNode | number)[], p: Params = {}): RefNode {
    const d = declarationOf(op)!;
    const lifted = inputs.map((x) => (typeof x === 'number' ? this.leaf(x) : x));
    if (d.arity === 2 && d.numberOperandAsParam === true && typeof inputs[1] === 'number') {
      const a = lifted[0]!;
      const q = { ...p, b: inputs[1] };
      return this.node(op, [a], q, d.f(a.data, inputs[1], q));
    }
    const data = d.arity === 1 ? d.f(lifted[0]!.data, p) : d.f(lifted[0]!.data, lifted[1]!.data, p);
    // an op without a derivative (a comparison) gives a constant, as on Value
    if (d.derivative === null) return this.leaf(data);
    return this.node(op, lifted, p, data);
  }

  /** `a` where `cond` is nonzero (NaN included), else `b`: one node of three parents. */
  where(cond: RefNode, a: RefNode, b: RefNode): RefNode {
    return this.node('where', [cond, a, b], {}, cond.data !== 0 ? a.data : b.data);
  }

  /**
   * The gradients d(root)/d(node) of every node over the algebra `m` (numbers, or dual numbers), with
   * `lift` turning a node's data into an element of `m`.
   */
  gradients<T>(
    root: RefNode,
    m: RuleAlgebra<T>,
    lift: (n: RefNode) => T,
    constant: (x: number) => T,
  ): (T | null)[] {
    // -0 is the identity of +: a first contribution lands unchanged
    const zero = constant(-0);
    const g: (T | null)[] = this.nodes.map(() => null);
    g[root.index] = constant(1);
    const order = postOrder(root);
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const gi = g[node.index];
      if (gi === null || gi === undefined || node.op === '') continue;
      if (node.op === 'where') {
        // the whole gradient to the branch taken, a constant +0 to the other, none to the condition
        const taken = node.parents[0]!.data !== 0 ? 1 : 2;
        for (const k of [1, 2]) {
          const p = node.parents[k]!;
          const share = k === taken ? gi : constant(0);
          const prev = g[p.index];
          g[p.index] = prev === null || prev === undefined ? m.add(zero, share) : m.add(prev, share);
        }
        continue;
      }
      const d = declarationOf(node.op)! as AnyDeclaration;
      const [a, b] = node.parents;
      const io = {
        a: lift(a!),
        b: b === undefined ? (node.params.b as number) : lift(b),
        out: lift(node),
        g: gi,
      };
      if (d.derivative === null) throw new Error(`reference: ${node.op} has no derivative`);
      const partials =
        d.arity === 1
          ? [d.derivative(m, io, node.params)]
          : node.parents.map((_, k) =>
              (d.derivative as readonly [(typeof d.derivative)[0], (typeof d.derivative)[1]])[k]!(
                m,
                io,
                node.params,
              ),
            );
      node.parents.forEach((p, k) => {
        const prev = g[p.index];
        g[p.index] =
          prev === null || prev === undefined ? m.add(zero, partials[k]!) : m.add(prev, partials[k]!);
      });
    }
    return g;
  }
}

/**
 * The reverse pass of `backward({ createGraph: true })` on the reference, recorded as reference nodes:
 * each rule over an algebra that records (as Value's does: a number operand a leaf, or pow's parameter;
 * g·[a > 0] as a product with a constant mask), a node's first contribution taken as it is and later ones
 * added with an `add` node, where's untaken branch a +0 leaf. Returns each node's gradient node.
 */
export function recordedGradients(ref: Reference, root: RefNode): (RefNode | null)[] {
  const base = makeAlgebra<RefNode>((op, args) => ref.apply(op, args as (RefNode | number)[]), applyNumbers);
  const m: RuleAlgebra<RefNode> = { ...base, reluGrad: (g, a) => base.mul(g, base.step(a)) };
  const g: (RefNode | null)[] = [];
  g[root.index] = ref.leaf(1);
  const order = postOrder(root);
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    const gi = g[node.index];
    if (gi === null || gi === undefined || node.parents.length === 0) continue;
    let grads: (RefNode | null)[];
    if (node.op === 'where') {
      const zero = ref.leaf(0);
      grads = node.parents[0]!.data !== 0 ? [null, gi, zero] : [null, zero, gi];
    } else {
      const [a, b] = node.parents;
      const io = { a: a!, b: b ?? (node.params.b as number), out: node, g: gi };
      grads = gradients(declarationOf(node.op)!, m, io, node.params, node.parents.length);
    }
    node.parents.forEach((p, j) => {
      const gj = grads[j];
      if (gj === null || gj === undefined) return;
      const prev = g[p.index];
      g[p.index] = prev === null || prev === undefined ? gj : ref.apply('add', [prev, gj]);
    });
  }
  return g.map((x) => x ?? null);
}

/** The nodes below `root`, each after its parents: a depth-first walk with its own stack. */
function postOrder(root: RefNode): RefNode[] {
  const order: RefNode[] = [];
  const seen = new Set<RefNode>([root]);
  const stack: { node: RefNode; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const parent = top.node.parents[top.next++];
    if (parent === undefined) {
      order.push(top.node);
      stack.pop();
    } else if (!seen.has(parent)) {
      seen.add(parent);
      stack.push({ node: parent, next: 0 });
    }
  }
  return order;
}

/** The programs' operations on reference nodes, spelled as Value spells them (sigmoid's two forms included). */
export function referenceAlgebra(ref: Reference): Algebra<RefNode> {
  return {
    add: (a, b) => ref.apply('add', [a, b]),
    sub: (a, b) => ref.apply('sub', [a, b]),
    mul: (a, b) => ref.apply('mul', [a, b]),
    div: (a, b) => ref.apply('div', [a, b]),
    pow: (a, e) => ref.apply('pow', [a, e]),
    neg: (a) => ref.apply('neg', [a]),
    exp: (a) => ref.apply('exp', [a]),
    log: (a) => ref.apply('log', [a]),
    tanh: (a) => ref.apply('tanh', [a]),
    relu: (a) => ref.apply('relu', [a]),
    reciprocal: (a) => ref.apply('reciprocal', [a]),
    sigmoid: (a) => {
      if (a.data >= 0)
        return ref.apply('reciprocal', [ref.apply('add', [ref.apply('exp', [ref.apply('neg', [a])]), 1])]);
      const b = ref.apply('exp', [a]);
      return ref.apply('mul', [b, ref.apply('reciprocal', [ref.apply('add', [b, 1])])]);
    },
    declared: (name, args, a, b) => {
      const d = elementwiseOps[name] as AnyDeclaration;
      const p = d.params === undefined ? {} : (d.params as (...xs: unknown[]) => Params)(...args);
      return ref.apply(name, d.arity === 1 ? [a] : [a, b], p);
    },
    where: (cond, a, b) => ref.where(cond, a, b),
  };
}

/** Plain numbers, each op its declaration's `f`. */
export const numbers: RuleAlgebra<number> = makeAlgebra<number>(
  (op, args) => applyNumbers(op, args as number[]),
  (op, args) => applyNumbers(op, args),
);

function applyNumbers(op: string, args: readonly number[]): number {
  const d = declarationOf(op)!;
  return d.arity === 1 ? d.f(args[0]!, {}) : d.f(args[0]!, args[1]!, {});
}

/** A dual number: a value and its tangent along one direction. */
export interface Dual {
  readonly v: number;
  readonly t: number;
}

export const dual = (v: number, t = 0): Dual => ({ v, t });
const asDual = (x: Dual | number): Dual => (typeof x === 'number' ? dual(x) : x);

/**
 * Dual numbers: each op's value is its declaration's `f`, its tangent the chain rule with the op's own
 * first derivative (the declaration's rule over numbers with g = 1), so a reverse pass over duals gives
 * the second derivatives along the tangent (forward over reverse).
 */
const dualOps: RuleAlgebra<Dual> = makeAlgebra<Dual>(
  (op, args) => {
    const xs = args.map(asDual);
    const d = declarationOf(op)!;
    const v = d.arity === 1 ? d.f(xs[0]!.v, {}) : d.f(xs[0]!.v, xs[1]!.v, {});
    if (d.derivative === null) return dual(v); // a mask: a constant
    const io = { a: xs[0]!.v, b: xs[1]?.v ?? 0, out: v, g: 1 };
    if (d.arity === 1) return dual(v, d.derivative(numbers, io, {}) * xs[0]!.t);
    const [da, db] = d.derivative;
    const ta = xs[0]!.t === 0 ? 0 : da(numbers, io, {}) * xs[0]!.t;
    const tb = xs[1]!.t === 0 ? 0 : db(numbers, io, {}) * xs[1]!.t;
    return dual(v, ta + tb);
  },
  (op, args) => applyNumbers(op, args),
);
/** g·[a > 0] as a product with the constant mask, so that g's tangent flows through. */
export const duals: RuleAlgebra<Dual> = { ...dualOps, reluGrad: (g, a) => dualOps.mul(g, dualOps.step(a)) };
