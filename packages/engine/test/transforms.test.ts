// The transformations against closed forms, finite differences and each other: grad over several
// arguments and trees, vjp, jvp, jacobian in both modes, hessian, hvp, and their errors.

import {
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  type Tensor,
  tensor,
  type Value,
  value,
  valueAndGrad,
  vjp,
} from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { centralDiff, expectClose, expectRelClose } from './support/numeric.js';

/** tanh(W·x + b)·c summed: a small network layer with a scalar read-out, smooth everywhere. */
const layer = (W: Tensor, x: Tensor, b: Tensor): Tensor => W.matmul(x).add(b).tanh();
const W0 = tensor([
  [0.5, -1.2, 0.3],
  [0.8, 0.1, -0.7],
]);
const x0 = tensor([0.3, -0.4, 1.1]);
const b0 = tensor([0.05, -0.2]);

describe('grad over several arguments', () => {
  test('argnums picks the arguments and gives one gradient per position', () => {
    const f = (x: Value, y: Value, z: Value) => x.mul(y).add(z.mul(z));
    expect(grad(f, { argnums: [0, 2] })(2, 3, 4)).toEqual([3, 8]);
    expect(grad(f, { argnums: 1 })(value(2), 3, value(4))).toBe(2);
    expect(grad(f, { argnums: [2, 0] })(2, 3, 4)).toEqual([8, 3]);
  });

  test('an argument can be an object or array of tensors; the gradient has its structure', () => {
    const params = { W: W0, b: b0 };
    const loss = (p: { W: Tensor; b: Tensor }, x: Tensor) => layer(p.W, x, p.b).sum();
    const g = grad(loss)(params, x0);
    const [dW, db] = grad((W: Tensor, b: Tensor) => layer(W, x0, b).sum(), { argnums: [0, 1] })(W0, b0);
    expect(g.W.toArray()).toEqual(dW.toArray());
    expect(g.b.toArray()).toEqual(db.toArray());
    const [d0, d1] = grad((xs: Value[]) => xs[0]!.mul(xs[1]!))([3, 5]);
    expect([d0, d1]).toEqual([5, 3]);
  });

  test('hasAux passes the auxiliary output through beside the gradient', () => {
    const f = (x: Value) => [x.mul(x), { note: 'square', at: x.data }] as const;
    const [g, aux] = grad(f, { hasAux: true })(3);
    expect(g).toBe(6);
    expect(aux).toEqual({ note: 'square', at: 3 });
    const [[v, aux2], g2] = valueAndGrad(f, { hasAux: true })(3);
    expect([v, g2, aux2.note]).toEqual([9, 6, 'square']);
  });

  test('the same node at two positions gets the gradient of each position', () => {
    const x = value(3);
    // f(a, b) = a·b²: ∂f/∂a = b² = 9 and ∂f/∂b = 2ab = 18 at a = b = 3, even when both are x
    const df = grad((a: Value, b: Value) => a.mul(b).mul(b), { argnums: [0, 1] });
    expect(df(x, x).map((g) => g.data)).toEqual([9, 18]);
    expect(grad((xs: Value[]) => xs[0]!.mul(xs[1]!).mul(xs[1]!))([x, x]).map((g) => g.data)).toEqual([9, 18]);
  });
});

describe('jvp and vjp agree with the Jacobian', () => {
  const f = (W: Tensor, x: Tensor) => layer(W, x, b0);
  const J = jacobian(f, { argnums: [0, 1] })(W0, x0) as [Tensor, Tensor];
  const Jf = jacobian(f, { argnums: [0, 1], mode: 'forward' })(W0, x0) as [Tensor, Tensor];

  test('the reverse and forward Jacobians have shape out ++ in and agree', () => {
    expect(J[0].shape).toEqual([2, 2, 3]);
    expect(J[1].shape).toEqual([2, 3]);
    expectClose(Jf[0].data, J[0].data, { rtol: 1e-14, atol: 1e-16 });
    expectClose(Jf[1].data, J[1].data, { rtol: 1e-14, atol: 1e-16 });
  });

  test('the Jacobian matches central differences of the function', () => {
    const base = f(W0, x0);
    for (let j = 0; j < 3; j++) {
      const col = Array.from(base.data, (_, i) =>
        centralDiff((h) => f(W0, x0.add(tensor([0, 1, 2].map((k) => (k === j ? h : 0))))).data[i]!, 0),
      );
      expectClose(
        col,
        [0, 1].map((i) => J[1].data[i * 3 + j]!),
        { rtol: 1e-7, atol: 1e-9 },
      );
    }
  });

  test('jvp is J·v, computed in forward mode', () => {
    const tW = tensor([
      [1, 0.5, -1],
      [0.2, 0, 2],
    ]);
    const tx = tensor([-0.3, 0.7, 0.1]);
    const [y, dy] = jvp(f, [W0, x0], [tW, tx]);
    expect(y.toArray()).toEqual(f(W0, x0).toArray());
    const expected = J[0]
      .reshape([2, 6])
      .matmul(tW.reshape([6]))
      .add(J[1].matmul(tx));
    expectClose(dy.data, expected.data, { rtol: 1e-14, atol: 1e-16 });
  });

  test('vjp is vᵀ·J, and its pullback can be called again', () => {
    const [y, pullback] = vjp(f, W0, x0);
    expect(y.toArray()).toEqual(f(W0, x0).toArray());
    for (const v of [tensor([1, -2]), tensor([0.5, 0.25])]) {
      const [dW, dx] = pullback(v);
      expectClose(dx.data, v.matmul(J[1]).data, { rtol: 1e-14, atol: 1e-16 });
      expectClose(dW.data, v.matmul(J[0].reshape([2, 6])).data, { rtol: 1e-14, atol: 1e-16 });
    }
  });

  test('scalar functions of Values: jvp, vjp and jacobian in numbers', () => {
    const g = (x: Value, y: Value) => [x.mul(y).tanh(), x.exp().add(y)];
    const [outs, ts] = jvp(g, [0.5, -1], [1, 2]);
    const Jg = jacobian(g, { argnums: [0, 1] })(0.5, -1) as number[][];
    expect(outs).toHaveLength(2);
    expectRelClose(ts[0], Jg[0]![0]! + 2 * Jg[0]![1]!, 1e-14);
    expectRelClose(ts[1], Jg[1]![0]! + 2 * Jg[1]![1]!, 1e-14);
    const [, pullback] = vjp(g, 0.5, -1);
    const [cx, cy] = pullback([1, -1]);
    expectRelClose(cx, Jg[0]![0]! - Jg[1]![0]!, 1e-14);
    expectRelClose(cy, Jg[0]![1]! - Jg[1]![1]!, 1e-14);
  });
});

describe('hessian and hvp', () => {
  const f = (x: Tensor) => layer(W0, x, b0).sum().mul(x.mul(x).sum());

  test('the Hessian is symmetric and equals central differences of the gradient', () => {
    const H = hessian(f)(x0);
    expect(H.shape).toEqual([3, 3]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        expectRelClose(H.data[i * 3 + j]!, H.data[j * 3 + i]!, 1e-12, 1e-15);
        const dj = centralDiff((h) => {
          const shifted = x0.add(tensor([0, 1, 2].map((k) => (k === j ? h : 0))));
          return grad(f)(shifted).data[i]!;
        }, 0);
        expectRelClose(H.data[i * 3 + j]!, dj, 1e-6, 1e-8);
      }
    }
  });

  test('jacobian(grad(f)) in either mode is hessian(f)', () => {
    const H = hessian(f)(x0);
    expectClose(jacobian(grad(f))(x0).data, H.data, { rtol: 1e-13, atol: 1e-15 });
    expectClose(jacobian(grad(f), { mode: 'forward' })(x0).data, H.data, { rtol: 1e-13, atol: 1e-15 });
  });

  test('hvp is H·v without forming H', () => {
    const H = hessian(f)(x0);
    const v = tensor([0.3, -1, 2]);
    const [hv] = hvp(f, [x0], [v]);
    expectClose(hv.data, H.matmul(v).data, { rtol: 1e-13, atol: 1e-15 });
  });

  test('the Hessian of a function of two Values, in blocks, matches the closed form', () => {
    // f = x²y: ∂²f/∂x² = 2y, ∂²f/∂x∂y = 2x, ∂²f/∂y² = 0
    const H = hessian((x: Value, y: Value) => x.mul(x).mul(y), { argnums: [0, 1] })(1.5, -2);
    expect(H).toEqual([
      [-4, 3],
      [3, 0],
    ]);
    expect(hessian((x: Value) => x.pow(4))(2)).toBe(48);
  });
});

describe('the transformations leave accumulated gradients alone', () => {
  test('no .grad changes', () => {
    const x = tensor([0.3, -0.4, 1.1], { requiresGrad: true });
    const v = value(0.7);
    x.mul(x).sum().backward();
    v.mul(v).backward();
    const before = [x.grad!.toArray(), v.grad];
    const f = (t: Tensor) => layer(W0, t, b0).sum();
    grad(f)(x);
    valueAndGrad(f)(x);
    jvp(f, [x], [tensor([1, 1, 1])]);
    vjp(f, x)[1](tensor(1));
    jacobian(f)(x);
    hessian(f)(x);
    hvp(f, [x], [tensor([1, 0, 0])]);
    grad((a: Value) => a.tanh())(v);
    hessian((a: Value) => a.tanh())(v);
    expect([x.grad!.toArray(), v.grad]).toEqual(before);
  });
});

describe('errors name the transformation', () => {
  test('a non-scalar output to grad', () => {
    expect(() => grad((x: Tensor) => x.mul(2))(x0)).toThrow(
      /^grad: needs a single-element output, got shape \[3\]/,
    );
    expect(() => hessian((x: Tensor) => x.mul(2))(x0)).toThrow(/^hessian: needs a single-element output/);
  });

  test('a tangent or cotangent of the wrong shape or kind', () => {
    expect(() => jvp((x: Tensor) => x.exp(), [x0], [tensor([1, 2])])).toThrow(
      /^jvp: the tangents 0 has shape \[2\] but its primal has shape \[3\]/,
    );
    expect(() => jvp((x: Tensor) => x.exp(), [x0], [] as unknown as [Tensor])).toThrow(
      /^jvp: the tangents has 0 leaves where 1 are needed/,
    );
    expect(() => vjp((x: Tensor) => x.exp(), x0)[1](tensor([1]))).toThrow(
      /^vjp: the cotangent 0 has shape \[1\]/,
    );
    expect(() => jvp((x: Value) => x.exp(), [1], [x0 as unknown as number])).toThrow(
      /^jvp: the tangents 0 must be a number or a Value/,
    );
  });

  test('an argnum out of range, or not an integer', () => {
    expect(() => grad((x: Value) => x, { argnums: 2 })(1)).toThrow(
      /^grad: argnums 2 is out of range: the function was called with 1 argument$/,
    );
    expect(() => jacobian((x: Value, _y: Value) => x, { argnums: [0, 3] })(1, 2)).toThrow(
      /^jacobian: argnums 3 is out of range/,
    );
    expect(() => grad((x: Value) => x, { argnums: -1 as 0 })).toThrow(
      /^grad: argnums must be non-negative integers/,
    );
  });

  test('a function that returns something else, or is not a function', () => {
    expect(() => grad((() => 3) as unknown as (x: Value) => Value)(1)).toThrow(
      /^grad: the function must return a Value or a Tensor, got the number 3/,
    );
    expect(() => jvp((() => 'x') as unknown as (x: Value) => Value, [1], [1])).toThrow(
      /^jvp: the function’s result is the string "x"/,
    );
    expect(() => jacobian((_x: Value) => [value(1), null])(1)).toThrow(
      /^jacobian: the function’s result at \[1\] is null/,
    );
    expect(() => grad(5 as unknown as (x: Value) => Value)).toThrow(
      /^grad: expected a function, got the number 5/,
    );
    expect(() => hvp((x: Value) => x, 1 as unknown as [number], [1])).toThrow(
      /^hvp: primals must be an array/,
    );
  });
});
