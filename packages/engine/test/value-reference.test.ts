// Value against a plain-number reference evaluator on random expression DAGs: the same values and first
// derivatives bit for bit, second derivatives (forward-over-reverse on dual numbers) within 1e-12; two
// graphs differentiated interleaved; a handle kept across many training steps.

import { noGrad, type Value, value } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { makeAlgebra, type Algebra as RuleAlgebra } from '../src/ops/elementwise/algebra.js';
import {
  type AnyDeclaration,
  type BinaryDerivative,
  gradients,
  type Params,
} from '../src/ops/elementwise/declaration.js';
import { declarationOf, elementwiseOps } from '../src/ops/elementwise/index.js';
import {
  type Algebra,
  type Program,
  programArbitrary,
  runProgram,
  valueAlgebra,
} from './support/programs.js';

const seed = process.env['FC_SEED'] === undefined ? undefined : Number(process.env['FC_SEED']);
const params = (numRuns: number): fc.Parameters<unknown> =>
  seed === undefined ? { numRuns } : { numRuns, seed };

/** First-order gradients: the same number, bit for bit (0 where the reference reached no leaf). */
function expectFirstOrder(actual: number, expected: number, what: string): void {
  expect(actual, what).toBe(expected);
}

/**
 * The reference: a list of nodes in the order they are made, each its declaration's `f` on numbers.
 * Its reverse pass runs the nodes in the reverse of a depth-first post-order from the root (parents in
 * argument order: the order the engine documents for both Value and Tensor), each declaration's
 * derivative over `m`, and sums the contributions into each input in that order.
 */
interface RefNode {
  readonly index: number;
  readonly op: string;
  readonly parents: readonly RefNode[];
  readonly params: Params;
  readonly data: number;
}

class Reference {
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
function recordedGradients(ref: Reference, root: RefNode): (RefNode | null)[] {
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
function referenceAlgebra(ref: Reference): Algebra<RefNode> {
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
const numbers: RuleAlgebra<number> = makeAlgebra<number>(
  (op, args) => applyNumbers(op, args as number[]),
  (op, args) => applyNumbers(op, args),
);

function applyNumbers(op: string, args: readonly number[]): number {
  const d = declarationOf(op)!;
  return d.arity === 1 ? d.f(args[0]!, {}) : d.f(args[0]!, args[1]!, {});
}

/** A dual number: a value and its tangent along one direction. */
interface Dual {
  readonly v: number;
  readonly t: number;
}

const dual = (v: number, t = 0): Dual => ({ v, t });
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
const duals: RuleAlgebra<Dual> = { ...dualOps, reluGrad: (g, a) => dualOps.mul(g, dualOps.step(a)) };

/** Builds a program on Values and on the reference. */
function build(program: Program) {
  const leaves = program.leaves.map((x) => value(x));
  const out = runProgram(valueAlgebra, program, leaves);
  const ref = new Reference();
  const refLeaves = program.leaves.map((x) => ref.leaf(x));
  const refOut = runProgram(referenceAlgebra(ref), program, refLeaves);
  return { leaves, out, ref, refLeaves, refOut };
}

describe('Value against a plain-number reference evaluator', () => {
  test('random DAGs over the declared ops: the same value and leaf gradients, bit for bit', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 14 }), (program) => {
        const { leaves, out, ref, refLeaves, refOut } = build(program);
        expect(Object.is(out.data, refOut.data)).toBe(true);
        const g = ref.gradients(
          refOut,
          numbers,
          (n) => n.data,
          (x) => x,
        );
        out.backward();
        leaves.forEach((leaf, i) => {
          expectFirstOrder(leaf.grad, g[refLeaves[i]!.index] ?? 0, `leaf ${i}`);
        });
      }),
      params(400),
    );
  });

  test('second derivatives along the first leaf match forward-over-reverse on dual numbers', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 10 }), (program) => {
        const { leaves, out, ref, refLeaves, refOut } = build(program);
        const tangent = (n: RefNode): Dual => dual(n.data, n === refLeaves[0] ? 1 : 0);
        // tangents of every node along leaf 0, forward, so lift reads them
        const tangents = new Map<RefNode, Dual>();
        for (const n of ref.nodes) {
          if (n.op === '') tangents.set(n, tangent(n));
          else if (n.op === 'where') {
            const taken = n.parents[0]!.data !== 0 ? n.parents[1]! : n.parents[2]!;
            tangents.set(n, dual(n.data, tangents.get(taken)!.t));
          } else {
            const d = declarationOf(n.op)! as AnyDeclaration;
            const [a, b] = n.parents.map((p) => tangents.get(p)!);
            const io = { a: a!.v, b: b === undefined ? (n.params.b as number) : b.v, out: n.data, g: 1 };
            let t = 0;
            if (d.derivative !== null && d.arity === 1) t = d.derivative(numbers, io, n.params) * a!.t;
            else if (d.derivative !== null) {
              const [da, db] = d.derivative as BinaryDerivative<Params>;
              t = da(numbers, io, n.params) * a!.t;
              if (b !== undefined) t += db(numbers, io, n.params) * b.t;
            }
            tangents.set(n, dual(n.data, t));
          }
        }
        const g = ref.gradients(
          refOut,
          duals,
          (n) => tangents.get(n)!,
          (x) => dual(x),
        );
        out.backward({ createGraph: true });
        const firsts = leaves.map((l) => l.gradValue);
        leaves.forEach((l, i) => {
          expectFirstOrder(l.grad, g[refLeaves[i]!.index]?.v ?? 0, `first ${i}`);
        });
        firsts.forEach((first, i) => {
          for (const l of leaves) l.zeroGrad();
          if (first !== null && first.op !== '') first.backward();
          const h = leaves[0]!.grad; // d(dout/dleaf_i)/dleaf_0
          const expected = g[refLeaves[i]!.index]?.t ?? 0;
          expect(Math.abs(h - expected), `H[${i}][0] = ${h}, reference ${expected}`).toBeLessThanOrEqual(
            1e-12 * Math.max(1, Math.abs(expected)),
          );
        });
      }),
      params(300),
    );
  });
});

describe('Value against the reference, reverse over reverse', () => {
  test('random DAGs: first derivatives recorded, then differentiated again, the same bits as the reference', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 10 }), (program) => {
        const { leaves, out, ref, refLeaves, refOut } = build(program);
        out.backward({ createGraph: true });
        const firsts = leaves.map((l) => l.gradValue);
        const refFirsts = recordedGradients(ref, refOut);
        firsts.forEach((first, i) => {
          const expected = refFirsts[refLeaves[i]!.index] ?? null;
          expect(first === null, `first ${i} exists`).toBe(expected === null);
          if (first === null || expected === null) return;
          expect(first.data, `first ${i}`).toBe(expected.data);
          for (const l of leaves) l.zeroGrad();
          first.backward();
          const g = ref.gradients(
            expected,
            numbers,
            (n) => n.data,
            (x) => x,
          );
          leaves.forEach((l, j) => {
            expect(l.grad, `d(first ${i})/d(leaf ${j})`).toBe(g[refLeaves[j]!.index] ?? 0);
          });
        });
      }),
      params(300),
    );
  });
});

describe('graphs side by side', () => {
  /** A small network-like expression of its leaves. */
  const f = (xs: readonly Value[], k: number): Value => {
    let acc = xs[0]!.mul(k);
    for (let i = 1; i < xs.length; i++) acc = acc.add(xs[i]!.mul(xs[i - 1]!).tanh()).mul(0.5 + i / 10);
    return acc.sigmoid();
  };

  test('two graphs built and differentiated interleaved give the gradients each gives alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 6 }),
        (u, w) => {
          const alone = (xs: number[], k: number): number[] => {
            const vs = xs.map((x) => value(x));
            f(vs, k).backward();
            return vs.map((v) => v.grad);
          };
          const [ga, gb] = [alone(u, 2), alone(w, 3)];
          // interleaved: both built, then differentiated in turn, one of them twice
          const a = u.map((x) => value(x));
          const b = w.map((x) => value(x));
          const ya = f(a, 2);
          const yb = f(b, 3);
          yb.backward();
          ya.backward();
          expect(a.map((v) => v.grad)).toEqual(ga);
          expect(b.map((v) => v.grad)).toEqual(gb);
          for (const v of b) v.zeroGrad();
          yb.backward();
          expect(b.map((v) => v.grad)).toEqual(gb);
          expect(a.map((v) => v.grad)).toEqual(ga);
        },
      ),
      params(100),
    );
  });

  test('a handle kept across many training steps still reads its own node', () => {
    const w = value(0.5, 'w');
    const keptInput = value(1.25, 'x');
    const kept = w.mul(keptInput).tanh();
    const keptData = kept.data;
    kept.backward();
    const keptGrad = w.grad;
    for (let step = 0; step < 300; step++) {
      // a training step that makes and drops a graph of a few thousand nodes
      let loss = value(0);
      for (let i = 0; i < 1000; i++)
        loss = loss.add(
          w
            .mul(i / 1000)
            .tanh()
            .mul(w),
        );
      w.zeroGrad();
      loss.backward();
      noGrad(() => {
        w.data -= 1e-4 * w.grad;
      });
      w.data = 0.5; // keep the kept graph's leaf where it was
    }
    expect(kept.data).toBe(keptData);
    expect(kept.op).toBe('tanh');
    expect(kept.parents[0]!.op).toBe('mul');
    expect(kept.parents[0]!.parents).toEqual([w, keptInput]);
    expect(keptInput.label).toBe('x');
    w.zeroGrad();
    kept.backward();
    expect(w.grad).toBe(keptGrad);
  });
});
