// Tensor autograd semantics as PyTorch users expect them: when a graph is recorded, detach, accumulation,
// gradient shapes, createGraph and grad/valueAndGrad (a Hessian-vector product), the sigmoid composite,
// and gradcheck on tensors, including a deliberately wrong gradient it must reject.

import { concat, grad, gradcheck, noGrad, stack, type Tensor, tensor, valueAndGrad } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { centralDiff } from './support/numeric.js';
import { expectTensor } from './support/tensors.js';

const leaf = (x: number[] | number[][] | number): Tensor => tensor(x, { requiresGrad: true });

describe('when a graph is recorded', () => {
  test('no graph is recorded when no input requires grad', () => {
    const y = tensor([1, 2])
      .mul(tensor([3, 4]))
      .exp()
      .sum();
    expect(y.op).toBe('');
    expect(y.parents).toHaveLength(0);
    expect(y.requiresGrad).toBe(false);
  });

  test('one input that requires grad makes the output record its op and both parents', () => {
    const a = leaf([1, 2]);
    const b = tensor([3, 4]);
    const y = a.mul(b);
    expect(y.op).toBe('mul');
    expect(y.parents).toEqual([a, b]);
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expectTensor(a.grad, [3, 4]);
    expect(b.grad).toBeNull();
  });

  test('nothing inside noGrad records a graph, and recording resumes after it', () => {
    const a = leaf([1, 2]);
    const inside = noGrad(() => a.mul(2).add(a).sum());
    expect(inside.op).toBe('');
    expect(inside.requiresGrad).toBe(false);
    expect(a.mul(2).op).toBe('mul');
  });

  test('noGrad still restores recording when its function throws', () => {
    const a = leaf([1, 2]);
    expect(() => noGrad(() => a.reshape([3]))).toThrow();
    expect(a.mul(2).requiresGrad).toBe(true);
  });
});

describe('detach', () => {
  test('detach stops gradients: x·detach(x) has gradient x, not 2x', () => {
    const x = leaf([1.5, -2]);
    x.mul(x.detach()).sum().backward();
    expectTensor(x.grad, [1.5, -2]);
  });

  test('a detached tensor is a leaf over the same numbers, outside the graph', () => {
    const x = leaf([1, 2]);
    const d = x.exp().detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.op).toBe('');
    expect(() => d.sum().backward()).toThrow(/^backward: this tensor does not require grad/);
  });
});

describe('gradients: shape and accumulation', () => {
  test('grad has the shape of its tensor, even when the tensor was broadcast', () => {
    const shapes = [[], [1], [3], [1, 3], [2, 1, 3], [4, 1]];
    const xs = shapes.map((s) =>
      tensor(new Float64Array(s.reduce((n, d) => n * d, 1)).fill(1), { shape: s, requiresGrad: true }),
    );
    xs.reduce((acc, x) => acc.mul(x))
      .sum()
      .backward();
    xs.forEach((x, i) => {
      expect(x.grad!.shape, `input ${i}`).toEqual(shapes[i]);
    });
    // each element meets every element of the others: 2·4·3 = 24 products in the [2,4,3] output
    expect(xs[0]!.grad!.item()).toBe(24);
    expectTensor(xs[5]!.grad, [[6], [6], [6], [6]]);
  });

  test('grad is null before any backward pass', () => {
    expect(leaf([1]).grad).toBeNull();
  });

  test('a second backward accumulates into grad, and zeroGrad resets it', () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(x).sum();
    y.backward();
    expectTensor(x.grad, [2, 4, 6]);
    y.backward();
    expectTensor(x.grad, [4, 8, 12]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    y.backward();
    expectTensor(x.grad, [2, 4, 6]);
  });

  test('a one-element output of any shape can start backward without a gradient', () => {
    const x = leaf([[2]]);
    x.mul(x).backward();
    expectTensor(x.grad, [[4]]);
  });

  test('the gradient passed to backward may be nested arrays or a tensor', () => {
    const x = leaf([1, 2]);
    x.exp().backward([1, 0]);
    x.exp().backward(tensor([0, 1]));
    expectTensor(x.grad, [Math.E, Math.exp(2)]);
  });
});

describe('higher order: createGraph, grad and valueAndGrad', () => {
  test('backward({ createGraph: true }) gives a gradient with a graph, and differentiating it gives the second derivative', () => {
    const x = leaf([1, 2, -3]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    expectTensor(g, [3, 12, 27]);
    expect(g.requiresGrad).toBe(true);
    expect(g.op).not.toBe('');
    x.zeroGrad();
    g.sum().backward();
    expectTensor(x.grad, [6, 12, -18]);
  });

  test('without createGraph the gradient is a plain leaf', () => {
    const x = leaf([1, 2]);
    x.pow(3).sum().backward();
    expect(x.grad!.op).toBe('');
    expect(x.grad!.requiresGrad).toBe(false);
  });

  test('grad(f) and valueAndGrad(f) of a tensor function give the output and the gradient, leaving grad alone', () => {
    const f = (x: Tensor): Tensor => x.mul(x).sum().add(x.exp().sum());
    const x = leaf([0, 1, 2]);
    expectTensor(grad(f)(x), [1, 2 + Math.E, 4 + Math.exp(2)]);
    const [y, dy] = valueAndGrad(f)(x);
    expectTensor(y, 5 + 1 + Math.E + Math.exp(2));
    expectTensor(dy, [1, 2 + Math.E, 4 + Math.exp(2)]);
    expect(x.grad).toBeNull();
    // a tensor that does not require grad is differentiated at its value
    expectTensor(grad(f)(tensor([0, 1, 2])), [1, 2 + Math.E, 4 + Math.exp(2)]);
  });

  test('grad of a tensor function whose output has many elements is a clear error', () => {
    expect(() => grad((x: Tensor) => x.mul(2))(tensor([1, 2]))).toThrow(
      'grad: needs a single-element output, got shape [2]: reduce it first (sum, mean)',
    );
  });

  test('a Hessian-vector product through grad(grad(f)) matches finite differences of the gradient', () => {
    // f couples the elements so the Hessian is dense: f = (Σ x²)·(Σ eˣ) + Σ tanh(x)·x₀
    const f = (x: Tensor): Tensor =>
      x
        .mul(x)
        .sum()
        .mul(x.exp().sum())
        .add(x.tanh().mul(x.slice(0)).sum());
    const x0 = [0.3, -0.7, 1.1, 0.2];
    const v = tensor([1, -2, 0.5, 3]);
    const hvp = grad((x: Tensor) => grad(f)(x).mul(v).sum())(tensor(x0));
    expect(hvp.shape).toEqual([4]);
    // ∇f(x0 + t·v) differentiated in t at 0, per component, by Richardson-extrapolated central differences
    const gradientAt = (t: number, i: number): number =>
      grad(f)(tensor(x0.map((xi, j) => xi + t * v.data[j]!))).data[i]!;
    const numeric = x0.map((_, i) => centralDiff((t) => gradientAt(t, i), 0));
    expect(hvp.data).toBeAllClose(numeric, { rtol: 1e-7, atol: 1e-9 });
  });

  test('Hessian-vector products of every kind of op match finite differences of the gradient', () => {
    const w = tensor([
      [0.5, -1],
      [2, 0.3],
    ]);
    const cases: [string, (x: Tensor) => Tensor][] = [
      ['pow and div', (x) => x.pow(3).div(x.mul(x).add(1)).sum()],
      ['a tensor exponent', (x) => x.abs().add(0.5).pow(x).sum()],
      [
        'log, reciprocal and sigmoid',
        (x) => x.mul(x).add(0.5).log().mul(x.sigmoid()).add(x.exp().reciprocal()).sum(),
      ],
      ['matmul', (x) => x.matmul(w).matmul(x).tanh().sum()],
      [
        'broadcasting',
        (x) =>
          x
            .sum(0, true)
            .mul(x)
            .mul(x.slice(null, 0).reshape([2, 1]))
            .sum(),
      ],
      [
        'softmax, logSumExp and mean',
        (x) =>
          x
            .softmax(0)
            .mul(w)
            .sum()
            .add(x.logSumExp(1).mul(x.mean(1)).sum()),
      ],
      [
        'max, maximum and relu away from ties and kinks',
        (x) => x.max(1).pow(2).sum().add(x.maximum(0.1).mul(x.relu()).sum()),
      ],
      [
        'transpose, concat and stack',
        (x) =>
          concat([x.T, x], 1)
            .sum(1)
            .mul(stack([x, x.exp()], 0).sum(0).T.matmul(w).sum(0))
            .sum(),
      ],
    ];
    const x0 = [
      [0.7, -0.4],
      [1.3, 0.25],
    ];
    const v = tensor([
      [1, -0.5],
      [0.3, 2],
    ]);
    const shifted = (t: number): Tensor => tensor(x0).add(v.mul(t));
    for (const [name, f] of cases) {
      const hvp = grad((x: Tensor) => grad(f)(x).mul(v).sum())(tensor(x0));
      const numeric = [0, 1, 2, 3].map((i) => centralDiff((t) => grad(f)(shifted(t)).data[i]!, 0));
      expect(hvp.data, name).toBeAllClose(numeric, { rtol: 1e-6, atol: 1e-8 });
    }
  });

  test('the same Hessian-vector product through backward({ createGraph: true }) agrees', () => {
    const x = leaf([0.3, -0.7, 1.1]);
    const v = tensor([1, -2, 0.5]);
    x.mul(x).sum().mul(x.exp().sum()).backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.zeroGrad();
    g.mul(v).sum().backward();
    const hvp = grad((t: Tensor) =>
      grad((u: Tensor) => u.mul(u).sum().mul(u.exp().sum()))(t)
        .mul(v)
        .sum(),
    )(tensor([0.3, -0.7, 1.1]));
    expect(x.grad!.data).toBeAllClose(hvp.data, { rtol: 1e-14 });
  });
});

describe('sigmoid', () => {
  const s = (x: number): number => 1 / (1 + Math.exp(-x));

  test('for inputs ≥ 0 it is the four-node chain neg, exp, add, reciprocal of the walkthrough', () => {
    const x = leaf([1]);
    const d = x.sigmoid();
    const c = d.parents[0]!;
    const b = c.parents[0]!;
    const a = b.parents[0]!;
    expect([d.op, c.op, b.op, a.op]).toEqual(['reciprocal', 'add', 'exp', 'neg']);
    expect(a.parents).toEqual([x]);
    d.backward();
    // dD/dC = -1/C², dD/dB = dD/dC, dD/dA = dD/dB·e^A, dD/dx = -dD/dA: -0.53, -0.53, -0.20, 0.20
    expect(c.grad!.item()).toBeCloseTo(-0.5344, 4);
    expect(b.grad!.item()).toBeCloseTo(-0.5344, 4);
    expect(a.grad!.item()).toBeCloseTo(-0.1966, 4);
    expect(x.grad!.item()).toBeCloseTo(0.19661193324148185, 15);
  });

  test('value and gradient stay finite and exact at ±1000, alone and mixed', () => {
    for (const xs of [[1000], [-1000], [1000, -1000, 0]]) {
      const x = leaf(xs);
      const y = x.sigmoid();
      y.sum().backward();
      expect(Array.from(y.data)).toEqual(xs.map((v) => (v === 0 ? 0.5 : v > 0 ? 1 : 0)));
      expect(Array.from(x.grad!.data)).toEqual(xs.map((v) => (v === 0 ? 0.25 : 0)));
    }
  });

  test('on mixed-sign, all-negative and all-positive tensors it matches 1/(1+e^-x) and s(1-s)', () => {
    const inputs = [
      [-30, -4.5, -1, -1e-3, 0, 1e-3, 0.5, 2, 7, 35],
      [-20, -3, -0.25],
      [0, 0.25, 3, 20],
    ];
    for (const xs of inputs) {
      const x = leaf(xs);
      const y = x.sigmoid();
      y.backward(tensor(xs.map(() => 1)));
      expect(y.data).toBeAllClose(xs.map(s), { rtol: 1e-15 });
      // s(1 - s) with 1 - s(x) written as s(-x), so it keeps its digits for large x
      expect(x.grad!.data).toBeAllClose(
        xs.map((v) => s(v) * s(-v)),
        { rtol: 1e-14 },
      );
    }
  });

  test('its gradient passes gradcheck across both signs', () => {
    const report = gradcheck(
      (x: Tensor) =>
        x
          .sigmoid()
          .mul(tensor([1, -2, 3, 0.5]))
          .sum(),
      [tensor([-3, -0.2, 0.4, 5])],
    );
    expect(report.ok, JSON.stringify(report.worst)).toBe(true);
  });
});

describe('gradcheck on tensors', () => {
  test('accepts correct gradients, checking every element of every input', () => {
    const report = gradcheck(
      (a: Tensor, b: Tensor) => a.matmul(b).tanh().sum(),
      [
        tensor([
          [0.5, -1, 0.2],
          [0.3, 0.8, -0.6],
        ]),
        tensor([
          [1, 0.5],
          [-0.4, 0.2],
          [0.7, -0.9],
        ]),
      ],
    );
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(12);
    expect(report.maxRelError).toBeLessThan(1e-8);
  });

  test('rejects a deliberately wrong tensor gradient and points at the element', () => {
    // x·detach(x) has the value x² but backward sees only one factor: gradient x instead of 2x
    const report = gradcheck(
      (x: Tensor) =>
        x
          .mul(x.detach())
          .mul(tensor([1, 0, 1]))
          .sum(),
      [tensor([0.5, 2, -1.5])],
    );
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(0);
    expect(report.worst!.index).toBe(2);
    expect(report.worst!.analytic).toBeCloseTo(-1.5, 12);
    expect(report.worst!.numeric).toBeCloseTo(-3, 8);
  });

  test('rejects a gradient that is off in a single element of a broadcast operand', () => {
    // the detached term touches only b's gradient, and only through its second element
    const mask = tensor([0, 1]);
    const report = gradcheck(
      (a: Tensor, b: Tensor) => a.add(b).sum().add(b.mul(b.detach()).mul(mask).sum()),
      [
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([0.5, 0.7]),
      ],
    );
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(1);
    expect(report.worst!.index).toBe(1);
  });

  test('refuses a function whose output has more than one element', () => {
    expect(() => gradcheck((x: Tensor) => x.mul(2), [tensor([1, 2])])).toThrow(
      'gradcheck: the function must return a Value or a single-element Tensor, got shape [2]',
    );
  });

  test('does not touch the gradient of a tensor passed as input', () => {
    const x = leaf([1, 2]);
    expect(gradcheck((t: Tensor) => t.exp().sum(), [x]).ok).toBe(true);
    expect(x.grad).toBeNull();
  });
});
