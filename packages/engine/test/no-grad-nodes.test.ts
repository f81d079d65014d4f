// Nodes without gradient: inside traceGraph, comparisons, the masks derivatives and composites split cases
// with, and detached maxima are recorded with their op and inputs when an input is in the graph, change no
// number, and take no gradient; outside it they are constants as before; a gradient recorded with
// createGraph, traced or not, is bit for bit the unrecorded one.

import {
  defineOp,
  grad,
  linear,
  noGrad,
  opAttributes,
  type Tensor,
  tensor,
  toDot,
  traceGraph,
  where,
} from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

const leaf = (x: number[] | number[][]): Tensor => tensor(x, { requiresGrad: true });

/** The same elements, bit for bit (NaN with NaN, -0 apart from +0). */
function expectSameBits(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < a.size; i++) {
    if (!Object.is(a.data[i], b.data[i])) expect.fail(`element ${i}: ${a.data[i]} against ${b.data[i]}`);
  }
}

/** Every node in the graph below `t` (the nodes that do not require grad included). */
function nodesBelow(t: Tensor): Tensor[] {
  const stack = [t];
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...n.parents);
  }
  return [...seen];
}

/** Every op name in the graph below `t`. */
const opsBelow = (t: Tensor): Set<string> => new Set(nodesBelow(t).map((n) => n.op));

const X = [
  [-1.5, 0, 2],
  [0.25, -0, -3],
  [4, 4, -2],
];

/** Functions whose forward or backward uses a mask, each of one [3,3] tensor to a scalar. */
const CASES: Record<string, (x: Tensor) => Tensor> = {
  'where with comparisons': (x) =>
    x
      .where(x.gt(0), x.mul(0.1))
      .add(x.where(x.le(-1), 2))
      .sum(),
  relu: (x) => x.relu().mul(x).sum(),
  leakyRelu: (x) => x.leakyRelu(0.2).pow(2).sum(),
  abs: (x) => x.abs().mul(x).sum(),
  clamp: (x) => x.clamp(-1, 1).mul(x).sum(),
  maximum: (x) => x.maximum(x.T).mul(x).sum(),
  'max over an axis, with ties': (x) => x.max(1).pow(2).sum().add(x.max().mul(x.sum())),
  'sigmoid of mixed signs': (x) => x.sigmoid().mul(x).sum(),
  'norm with a zero row': (x) =>
    x
      .mul(tensor([[1], [0], [1]]))
      .norm(2, 1)
      .mul(x.sum(1))
      .sum(),
  'softmax, logSoftmax, logSumExp': (x) =>
    x.softmax(1).mul(x).sum().add(x.logSoftmax(0).sum()).add(x.logSumExp(1).pow(2).sum()),
  logcumsumexp: (x) => x.logcumsumexp(1).pow(2).sum(),
  'linear with relu': (x) => linear(x, x.T, null, { activation: 'relu' }).pow(2).sum(),
};

describe('nodes without gradient', () => {
  test('a comparison of a tensor in the graph is a node that does not require grad, and so is what is computed from it alone', () => {
    const x = leaf([-1, 2, 3]);
    const c = traceGraph(() => x.gt(0));
    expect([c.op, c.parents[0], c.requiresGrad]).toEqual(['gt', x, false]);
    const scaled = traceGraph(() => c.mul(2));
    expect([scaled.op, scaled.requiresGrad]).toEqual(['mul', false]);
    const y = x.mul(scaled).sum();
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 2, 2]);
    expect(() => traceGraph(() => scaled.sum()).backward()).toThrow(
      "backward: this tensor (made by 'sum') does not require grad: it comes from a comparison, a mask or a detached maximum, which carry no gradient",
    );
  });

  test("a custom op of a comparison is recorded without gradient, and the gradient through the product is the comparison's", () => {
    const cube = defineOp<Tensor>({
      name: 'cube',
      forward: (a) => a ** 3,
      backward: (g, { inputs: [a] }) => [g.mul(a!.pow(2).mul(3))],
    });
    const x = leaf([-1, 2]);
    const c = traceGraph(() => cube(x.gt(0).mul(2)));
    expect([c.op, c.requiresGrad, Array.from(c.data)]).toEqual(['cube', false, [0, 8]]);
    x.mul(c).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 8]);
  });

  test('where whose branches take no gradient but whose condition is recorded is a node without gradient', () => {
    const x = leaf([-1, 2]);
    const w = traceGraph(() => where(x.gt(0), 1, -1));
    expect([w.op, w.requiresGrad, Array.from(w.data)]).toEqual(['where', false, [-1, 1]]);
  });

  test("a mixed-sign sigmoid's masks and the softmax's maximum are nodes of the input, seen by toDot and opAttributes", () => {
    const x = leaf([-1, 2]);
    const s = traceGraph(() => x.sigmoid());
    const ops = opsBelow(s);
    expect(ops.has('isNegative') && ops.has('negativeSign')).toBe(true);
    expect(toDot(s)).toContain('label="isNegative"');
    const m = nodesBelow(traceGraph(() => x.softmax())).find((n) => n.op === 'finiteOrZero')!;
    expect([m.op, m.requiresGrad]).toEqual(['finiteOrZero', false]);
    expect(opAttributes(m.parents[0]!)).toEqual({ op: 'max', attributes: { axis: 0, keepDims: true } });
    expect([m.parents[0]!.requiresGrad, m.parents[0]!.parents[0]]).toEqual([false, x]);
  });

  test("relu's gradient recorded with createGraph multiplies by a step node of the output", () => {
    const x = leaf([-1, 2]);
    let out = x;
    traceGraph(() => {
      out = x.relu();
      out.sum().backward({ createGraph: true });
    });
    expect(Array.from(x.grad!.data)).toEqual([0, 1]);
    const step = x.grad!.parents.find((p) => p.op === 'step')!;
    expect([x.grad!.op, step.requiresGrad, step.parents[0]]).toEqual(['mul', false, out]);
    // abs's sign and maximum's tie-sharing mask, likewise
    const y = leaf([-1, 2]);
    traceGraph(() => y.abs().add(y.maximum(0)).sum().backward({ createGraph: true }));
    const ops = opsBelow(y.grad!);
    expect(ops.has('sign') && ops.has('gtHalf')).toBe(true);
  });

  test('outside traceGraph they are constants, as before: a comparison keeps no graph alive', () => {
    const x = leaf([-1, 2, 3]);
    const c = x.gt(0);
    expect([c.op, c.parents.length, c.requiresGrad]).toEqual(['', 0, false]);
    expect(c.mul(2).op).toBe('');
    expect(opsBelow(x.sigmoid()).has('isNegative')).toBe(false);
    x.relu().sum().backward({ createGraph: true });
    expect(opsBelow(x.grad!).has('step')).toBe(false);
    expect(() => traceGraph(5 as never)).toThrow('traceGraph: expected a function, got the number 5');
  });

  for (const [name, f] of Object.entries(CASES)) {
    test(`${name}: values and gradients are bit for bit those computed without recording`, () => {
      const recorded = f(leaf(X));
      const plain = noGrad(() => f(tensor(X)));
      expectSameBits(recorded, plain);
      const traced = leaf(X);
      expectSameBits(
        traceGraph(() => f(traced)),
        plain,
      );
      traceGraph(() => f(traced).backward({ createGraph: true }));
      // backward without createGraph runs with recording off: the masks are arrays, as before
      const a = leaf(X);
      f(a).backward();
      const b = leaf(X);
      f(b).backward({ createGraph: true });
      expectSameBits(b.grad!, a.grad!);
      // and the recorded gradient differentiates again to the same numbers as the unrecorded path's
      const c = leaf(X);
      const gc = grad(f)(c) as Tensor;
      expectSameBits(gc, a.grad!);
      expectSameBits(traced.grad!, a.grad!);
    });
  }
});
