// defineOp: custom ops on Values and Tensors, their checks, and higher order through them.

import {
  defineOp,
  explain,
  grad,
  gradcheck,
  jacobian,
  ShapeError,
  Tensor,
  tensor,
  toDot,
  type Value,
  value,
} from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expectClose, expectRelClose } from './support/numeric.js';
import { fcParams } from './support/tensors.js';

const stableLogAddExp = (a: number, b: number) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

// log(eᵃ + eᵇ), stable for any a, b; ∂/∂a = σ(a − b), ∂/∂b = σ(b − a)
const logaddexp = defineOp({
  name: 'logaddexp',
  forward: stableLogAddExp,
  backward: (g: Value | Tensor, { inputs: [a, b] }) =>
    g instanceof Tensor
      ? [g.mul((a as Tensor).sub(b as Tensor).sigmoid()), g.mul((b as Tensor).sub(a as Tensor).sigmoid())]
      : [g.mul((a as Value).sub(b as Value).sigmoid()), g.mul((b as Value).sub(a as Value).sigmoid())],
});

// the real root y of y³ + y = a, found by Newton's method: an outside routine; by the implicit function
// theorem dy/da = 1 / (3y² + 1), written on the output so that second derivatives follow
const cubicRoot = defineOp({
  name: 'cubicRoot',
  forward: (a) => {
    let y = Math.cbrt(a);
    for (let i = 0; i < 60; i++) y -= (y * y * y + y - a) / (3 * y * y + 1);
    return y;
  },
  backward: (g: Value, { output: y }) => g.div(y.mul(y).mul(3).add(1)),
});

describe('a custom op on Values', () => {
  test('records one node under its name, with the values and gradients of its rule', () => {
    const [a, b] = [value(1000, 'a'), value(1000, 'b')];
    const y = logaddexp(a, b);
    expect(y.op).toBe('logaddexp');
    expect(y.parents).toEqual([a, b]);
    y.backward();
    expect([y.data, a.grad, b.grad]).toEqual([1000 + Math.LN2, 0.5, 0.5]);
    expect(explain(logaddexp(value(1, 'x'), value(2, 'y')))).toMatch(/logaddexp\s+logaddexp\(x, y\)/);
    expect(toDot(y)).toContain('logaddexp');
  });

  test('numbers are constants, and the recorded and numeric backward passes agree bit for bit', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -30, max: 30, noNaN: true }),
        fc.double({ min: -30, max: 30, noNaN: true }),
        (p, q) => {
          const x = value(p);
          logaddexp(x, q).mul(x).backward();
          const numeric = x.grad;
          x.zeroGrad();
          logaddexp(x, q).mul(x).backward({ createGraph: true });
          expect(x.grad).toBe(numeric);
        },
      ),
      fcParams(100),
    );
  });

  test('an outside root finder differentiates by the implicit function theorem, to second order', () => {
    for (const a of [-5, -0.3, 0, 2, 40]) {
      const y = cubicRoot(value(a)).data;
      expectRelClose(y ** 3 + y, a === 0 ? 1e-300 : a, 1e-14, 1e-15);
      expectRelClose(grad((t: Value) => cubicRoot(t))(a), 1 / (3 * y * y + 1), 1e-14);
      // d²y/da² = -6y·(dy/da)³
      expectRelClose(
        grad(grad((t: Value) => cubicRoot(t)))(a),
        (-6 * y) / (3 * y * y + 1) ** 3,
        1e-12,
        1e-300,
      );
    }
  });

  test('gradcheck passes on a right backward and fails on a wrong one', () => {
    expect(gradcheck((a: Value, b: Value) => logaddexp(a, b).mul(a), [0.3, -1.2]).ok).toBe(true);
    const wrong = defineOp({
      name: 'wrongSquare',
      forward: (x) => x * x,
      backward: (g: Value, { inputs: [x] }) => g.mul(x!), // should be 2x
    });
    expect(gradcheck((x: Value) => wrong(x), [1.5]).ok).toBe(false);
  });

  // A backward that backpropagates another graph sharing nodes with the one being differentiated: the
  // inner pass adds its own gradients and leaves the outer pass's state as it found it. The outer
  // y = op(s) + s² with op's derivative 2 gives dy/ds = 2 + 2s = 20 at x = 3 (s = x²), so dy/dx = 120;
  // the inner t = 2s adds 2 to s and 4x = 12 to x.
  test('a backward that runs backward, or walks the graph, on nodes of the graph being differentiated', () => {
    for (const createGraph of [false, true]) {
      const x = value(3);
      const s = x.mul(x);
      const t = s.mul(2);
      const op = defineOp({
        name: 'nested',
        forward: (a) => a,
        backward: (g: Value) => {
          t.backward();
          return [g.mul(2)];
        },
      });
      op(s).add(s.mul(s)).backward({ createGraph });
      expect([x.grad, s.grad, t.grad]).toEqual([132, 22, 1]);
    }
    // explain, toDot and grad walk the graph too; inside the numeric pass they change nothing of it
    const x = value(0.7);
    const s = x.mul(x).sin();
    const looks = defineOp({
      name: 'looks',
      forward: (a) => a,
      backward: (g: Value) => {
        explain(s);
        toDot(s);
        grad((v: Value) => v.mul(s))(2);
        return [g.mul(3)];
      },
    });
    const plain = defineOp({ name: 'plain', forward: (a) => a, backward: (g: Value) => [g.mul(3)] });
    // the outer pass numeric, then recorded (createGraph): the inner walks change neither
    for (const createGraph of [false, true]) {
      x.zeroGrad();
      looks(s).mul(s).add(s).backward({ createGraph });
      const seen = x.grad;
      x.zeroGrad();
      plain(s).mul(s).add(s).backward();
      expect(seen).toBe(x.grad);
      expect(x.grad).not.toBe(0);
    }
  });
});

describe('a custom op on Tensors', () => {
  test('an elementwise forward broadcasts its inputs, and gradients sum back to each shape', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor([0, 1, 2], { requiresGrad: true });
    const y = logaddexp(a, b);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([1, 2].flatMap((p) => [0, 1, 2].map((q) => stableLogAddExp(p, q))));
    y.sum().backward();
    expect(a.grad!.shape).toEqual([2, 1]);
    expect(b.grad!.shape).toEqual([3]);
    expect(gradcheck((u: Tensor, v: Tensor) => logaddexp(u, v).sum(), [a.detach(), b.detach()]).ok).toBe(
      true,
    );
  });

  test('a whole-array forward: normalising to a unit sum, with forward mode and reverse mode agreeing', () => {
    // y = x / Σx; dx = (g - Σ g·y) / Σx
    const normalize = defineOp({
      name: 'normalize',
      forwardTensor: ({ data }) => {
        const total = data.reduce((s, v) => s + v, 0);
        return data.map((v) => v / total);
      },
      backward: (g: Tensor, { inputs: [x], output: y }) => g.sub(g.mul(y).sum()).div(x!.sum()),
    });
    const x = tensor([1, 2, 5]);
    expect(Array.from(normalize(x).data)).toEqual([1 / 8, 2 / 8, 5 / 8]);
    expect(
      gradcheck(
        (t: Tensor) =>
          normalize(t)
            .mul(tensor([1, -2, 0.5]))
            .sum(),
        [x],
      ).ok,
    ).toBe(true);
    const rev = jacobian((t: Tensor) => normalize(t))(x);
    const fwd = jacobian((t: Tensor) => normalize(t), { mode: 'forward' })(x);
    expectClose(fwd.data, rev.data, { rtol: 1e-15, atol: 1e-17 });
    expect(grad((t: Tensor) => normalize(t).pow(2).sum())(x).shape).toEqual([3]);
  });
});

describe('mistakes name the op', () => {
  test('a backward with the wrong number of gradients, shape or kind', () => {
    const two = defineOp({ name: 'two', forward: (x) => x, backward: (g: Value) => [g, g] });
    expect(() => two(value(1)).backward()).toThrow(/^two: backward returned 2 gradients for 1 input$/);
    const summed = defineOp({ name: 'summed', forward: (x) => x, backward: (g: Tensor) => g.sum() });
    expect(() =>
      summed(tensor([1, 2], { requiresGrad: true }))
        .sum()
        .backward(),
    ).toThrow(ShapeError);
    expect(() =>
      summed(tensor([1, 2], { requiresGrad: true }))
        .sum()
        .backward(),
    ).toThrow(/^summed: backward returned a gradient of shape \[\] for input 0 of shape \[2\]$/);
    const kind = defineOp({ name: 'kind', forward: (x) => x, backward: () => 'one' as unknown as Value });
    expect(() => kind(value(1)).backward()).toThrow(
      /^kind: backward returned the string "one" for input 0, a Value$/,
    );
  });

  test('a bad definition or a bad call', () => {
    const backward = (g: Value) => g;
    expect(() => defineOp({ name: 'exp', forward: (x) => x, backward })).toThrow(/built-in op/);
    expect(() => defineOp({ name: '', forward: (x) => x, backward })).toThrow(/^defineOp: name must be/);
    expect(() => defineOp({ name: 'noForward', backward })).toThrow(/needs forward/);
    const tensorOnly = defineOp({ name: 'tensorOnly', forwardTensor: ({ data }) => data.slice(), backward });
    expect(() => tensorOnly(value(1))).toThrow(/^tensorOnly: defined for Tensors only/);
    const id = defineOp({ name: 'id', forward: (x) => x, backward });
    expect(() => id(value(1), tensor([1]) as unknown as Value)).toThrow(/^id: cannot mix Values and Tensors/);
    expect(() => id('1' as unknown as Value)).toThrow(/^id: input 0 must be a Value, a Tensor or a number/);
    const notNumber = defineOp({ name: 'notNumber', forward: () => '1' as unknown as number, backward });
    expect(() => notNumber(value(1))).toThrow(/^notNumber: forward returned the string "1"/);
  });
});
