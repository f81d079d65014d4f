// prod, var, std, norm, argmin, cumsum and logcumsumexp: hand-worked values and PyTorch's conventions
// (zeros in prod, the 2-norm at zero, ties, the RangeError of var), gradients to the second order.
// Random shapes, forward mode and the backends: tensor-reductions-properties.test.ts.

import { hessian, Tensor, tensor } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expectGradcheck, expectSecondOrder } from './support/reductions.js';
import { expectTensor, fcParams, valuesArb } from './support/tensors.js';

// ---- hand-worked values and conventions --------------------------------------------------------

describe('prod', () => {
  test('multiplies along an axis or over everything, with keepDims and negative axes', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.prod().item()).toBe(720);
    expectTensor(t.prod(0), [4, 10, 18]);
    expectTensor(t.prod(-1, true), [[6], [120]]);
    expectTensor(t.prod(null, true), [[720]]);
    expect(tensor(5).prod(0).item()).toBe(5);
    expect(tensor([]).prod().item()).toBe(1);
  });

  test('sends each element the product of the others, times the upstream gradient', () => {
    const x = tensor([[2, 3, 4]], { requiresGrad: true });
    x.prod(1).backward(tensor([10]));
    expectTensor(x.grad, [[120, 80, 60]]);
  });

  test('with one zero in a slice only the zero gets a gradient; with two, none does', () => {
    const x = tensor(
      [
        [2, 0, 3],
        [0, 5, 0],
        [1, 2, 4],
      ],
      { requiresGrad: true },
    );
    x.prod(1).sum().backward();
    expectTensor(x.grad, [
      [0, 6, 0],
      [0, 0, 0],
      [8, 4, 2],
    ]);
  });

  test('its Hessian with zeros is exact: ∂²/∂xᵢ∂xⱼ is the product of the rest', () => {
    const h = (xs: number[]) => (hessian((t: Tensor) => t.prod())(tensor(xs)) as Tensor).toArray();
    expect(h([0, 2, 3])).toEqual([
      [0, 3, 2],
      [3, 0, 0],
      [2, 0, 0],
    ]);
    // two zeros: the gradient is 0 everywhere, but the mixed derivative of the two zeros is not
    expect(h([0, 0, 3])).toEqual([
      [0, 3, 0],
      [3, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('passes gradcheck to the second order with and without zeros', () => {
    const rows = tensor([
      [0.5, -1.5, 2, 0.7],
      [0, 1.2, -0.8, 1.1],
      [0, 0, 1.3, -0.6],
    ]);
    for (const axis of [0, 1, null]) {
      expectGradcheck((t) => t.prod(axis), rows);
      expectSecondOrder((t) => t.prod(axis), rows);
    }
  });
});

describe('var and std', () => {
  const t = tensor([
    [1, 2, 3, 4],
    [2, 2, 2, 2],
  ]);

  test('divide by n - 1 by default and by n with correction 0', () => {
    expectTensor(t.var(1), [5 / 3, 0]);
    expectTensor(t.var(1, { correction: 0 }), [1.25, 0]);
    expectTensor(t.var(0), [0.5, 0, 0.5, 2]);
    expect(t.var().item()).toBeCloseTo(5.5 / 7, 14);
    expectTensor(t.std(-1, { correction: 0, keepDims: true }), [[Math.sqrt(1.25)], [0]]);
    expectTensor(t.std(1, true), [[Math.sqrt(5 / 3)], [0]]);
    expect(tensor([2, 4, 4, 4, 5, 5, 7, 9]).std(0, { correction: 0 }).item()).toBe(2);
  });

  test('have the gradient 2(x - mean)/(n - correction), and std its quotient by 2·std', () => {
    const x = tensor([1, 2, 6], { requiresGrad: true });
    x.var().backward();
    expectTensor(x.grad, [-2, -1, 3]);
    x.zeroGrad();
    x.std(0, { correction: 0 }).backward();
    const s = Math.sqrt(14 / 3);
    expectTensor(x.grad, [-2 / 3 / s, -1 / 3 / s, 1 / s]);
  });

  test('std of a constant slice has the gradient 0, as PyTorch, not 0·∞ = NaN', () => {
    const x = tensor(
      [
        [1, 2],
        [5, 5],
      ],
      { requiresGrad: true },
    );
    const s = x.std(1);
    expect(Array.from(s.data)).toEqual([Math.SQRT1_2, 0]);
    s.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([-0.5 / Math.SQRT1_2, 0.5 / Math.SQRT1_2, 0, 0]);
  });

  test('refuse n - correction <= 0 with a RangeError naming the op, the axis and the count', () => {
    expect(() => tensor([[1], [2]]).var(1)).toThrow(
      new RangeError(
        'var: axis 1 of [2,1] holds 1 element, and with correction 1 the divisor n - correction = 0 is not positive',
      ),
    );
    expect(() => tensor([1, 2]).std(null, { correction: 2 })).toThrow(
      /^std: the tensor \[2\] holds 2 elements, and with correction 2 .* = 0 is not positive$/,
    );
    expect(() => tensor([]).var(0, { correction: 0 })).toThrow(/^var: axis 0 of \[0\] holds 0 elements/);
    expect(
      tensor([[1], [2]])
        .var(1, { correction: 0 })
        .toArray(),
    ).toEqual([0, 0]);
  });

  test('refuse arguments of the wrong kind', () => {
    expect(() => t.var(1, { correction: -1 })).toThrow(
      /^var: correction must be a finite number >= 0, got -1/,
    );
    expect(() => t.std(1, { correction: '1' as unknown as number })).toThrow(TypeError);
    expect(() => t.var(1, 'yes' as unknown as boolean)).toThrow(/^var: expected keepDims or/);
    expect(() => t.std(2)).toThrow(/^std: axis 2 is out of range/);
  });

  test('pass gradcheck to the second order', () => {
    const x = tensor([
      [0.3, -1.2, 2.5],
      [1.1, 0.4, -0.7],
    ]);
    for (const axis of [0, -1, null]) {
      for (const correction of [0, 1]) {
        expectSecondOrder((v) => v.var(axis, { correction }), x);
        expectSecondOrder((v) => v.std(axis, { correction }), x);
      }
    }
  });
});

describe('norm', () => {
  test('gives the 1-, 2- and Infinity-norms along an axis or over everything', () => {
    const t = tensor([
      [3, -4],
      [0, 0],
      [-1, 1],
    ]);
    expect(t.norm().item()).toBe(Math.sqrt(27));
    expectTensor(t.norm(2, 1), [5, 0, Math.SQRT2]);
    expectTensor(t.norm(1, -1, true), [[7], [0], [2]]);
    expectTensor(t.norm(Number.POSITIVE_INFINITY, 0), [3, 4]);
    expect(tensor([]).norm().item()).toBe(0);
  });

  test('the 2-norm has gradient 0 at the zero vector, and x/‖x‖ elsewhere', () => {
    const x = tensor(
      [
        [0, 0],
        [3, -4],
      ],
      { requiresGrad: true },
    );
    x.norm(2, 1).sum().backward();
    expectTensor(x.grad, [
      [0, 0],
      [0.6, -0.8],
    ]);
    const h = hessian((v: Tensor) => v.norm())(tensor([0, 0])) as Tensor;
    expect(Array.from(h.data).every((v) => v === 0)).toBe(true);
  });

  test('the 2-norm is bit for bit Math.sqrt of the sum of squares', () => {
    fc.assert(
      fc.property(valuesArb(7, -1e3, 1e3), (xs) => {
        expect(tensor(xs).norm().item()).toBe(Math.sqrt(tensor(xs).mul(tensor(xs)).sum().item()));
      }),
      fcParams(50),
    );
  });

  test('the Infinity-norm shares its gradient evenly among ties of magnitude, with their signs', () => {
    const x = tensor([3, -3, 1, 2], { requiresGrad: true });
    x.norm(Number.POSITIVE_INFINITY).backward();
    expectTensor(x.grad, [0.5, -0.5, 0, 0]);
  });

  test('the 1-norm has gradient sign(x), 0 at 0', () => {
    const x = tensor([2, 0, -1], { requiresGrad: true });
    x.norm(1).backward();
    expectTensor(x.grad, [1, 0, -1]);
  });

  test('refuses other p, naming the value', () => {
    const t = tensor([1, 2]);
    expect(() => t.norm(3)).toThrow(
      new RangeError('norm: p = 3 is not supported: p must be 1, 2 or Infinity'),
    );
    expect(() => t.norm(0)).toThrow(/^norm: p = 0 is not supported/);
    expect(() => t.norm(Number.NEGATIVE_INFINITY)).toThrow(/^norm: p = -Infinity/);
    expect(() => t.norm('fro' as unknown as number)).toThrow(TypeError);
    expect(() => tensor([[], []]).norm(Number.POSITIVE_INFINITY, 1)).toThrow(
      /^norm: cannot take the Infinity-norm over no elements: axis 1 of \[2,0\] is empty/,
    );
  });

  test('passes gradcheck to the second order away from its kinks', () => {
    const x = tensor([
      [0.3, -1.2, 2.5],
      [1.1, 0.45, -0.7],
    ]);
    for (const axis of [0, 1, null]) {
      expectSecondOrder((v) => v.norm(2, axis), x);
      expectSecondOrder((v) => v.norm(1, axis), x);
      expectSecondOrder((v) => v.norm(Number.POSITIVE_INFINITY, axis), x);
    }
  });
});

describe('argmin', () => {
  test('gives the first index of the minimum, a NaN winning as in PyTorch', () => {
    const t = tensor([
      [1, 5, 1],
      [7, 2, 2],
    ]);
    expectTensor(t.argmin(1), [0, 1]);
    expectTensor(t.argmin(-2), [0, 1, 0]);
    expect(t.argmin().item()).toBe(0);
    expect(tensor([3, Number.NaN, 1, Number.NaN]).argmin().item()).toBe(1);
    expectTensor(
      tensor([
        [2, Number.NaN],
        [Number.NaN, -1],
      ]).argmin(0),
      [1, 0],
    );
    expect(tensor([0, -0, -1e-300]).argmin().item()).toBe(2);
    expect(tensor([-0, 0]).argmin().item()).toBe(0);
  });

  test('takes no gradient and refuses what argmax refuses, naming argmin', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.argmin().requiresGrad).toBe(false);
    expect(() => tensor([]).argmin()).toThrow(
      'argmin: cannot take the minimum over no elements: the tensor of [0] is empty',
    );
    // as argmax: only the reduced axis must have elements
    expect(Tensor.zeros([0, 3]).argmin(1).shape).toEqual([0]);
    expect(() => Tensor.zeros([0, 3]).argmin(0)).toThrow(
      'argmin: cannot take the minimum over no elements: axis 0 of [0,3] is empty',
    );
    expect(() => x.argmin(1)).toThrow(/^argmin: axis 1 is out of range/);
  });
});

describe('cumsum', () => {
  test('adds up along an axis, negative axes counting from the end', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectTensor(t.cumsum(1), [
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expectTensor(t.cumsum(-2), [
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(tensor(5).cumsum(0).toArray()).toBe(5);
    expect(tensor([[], []]).cumsum(1).shape).toEqual([2, 0]);
    expect(() => t.cumsum(2)).toThrow(/^cumsum: axis 2 is out of range/);
  });

  test('its gradient is the running sum of g from the far end', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    x.cumsum(1).backward(tensor([[1, 10, 100]]));
    expectTensor(x.grad, [[111, 110, 100]]);
  });
});

describe('logcumsumexp', () => {
  test('is log Σ_{k ≤ j} exp(x_k), stable for elements far below or above the others', () => {
    expectTensor(tensor([0, 0, 0]).logcumsumexp(0), [0, Math.log(2), Math.log(3)]);
    expectTensor(
      tensor([
        [1, 2],
        [3, 4],
      ]).logcumsumexp(-2),
      [
        [1, 2],
        [3 + Math.log1p(Math.exp(-2)), 4 + Math.log1p(Math.exp(-2))],
      ],
    );
    // one global shift (log(cumsum(exp(x - 1000))) + 1000) would give -Infinity for the first two
    expectTensor(tensor([-1000, -999, 1000]).logcumsumexp(0), [-1000, -999 + Math.log1p(Math.exp(-1)), 1000]);
    expectTensor(tensor([1000, -1000, 1000]).logcumsumexp(0), [1000, 1000, 1000 + Math.log(2)]);
    expectTensor(tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]).logcumsumexp(0), [
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0,
    ]);
    expect(tensor(3).logcumsumexp(0).toArray()).toBe(3);
    expect(() => tensor([1]).logcumsumexp(1)).toThrow(/^logcumsumexp: axis 1 is out of range/);
  });

  test('its gradient is a softmax over each prefix, summed over the prefixes an element is in', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.logcumsumexp(0).backward(tensor([1, 10, 100]));
    const e = [Math.E, Math.E ** 2, Math.E ** 3];
    const s2 = e[0]! + e[1]!;
    const s3 = s2 + e[2]!;
    expectTensor(x.grad, [
      1 + (10 * e[0]!) / s2 + (100 * e[0]!) / s3,
      (10 * e[1]!) / s2 + (100 * e[1]!) / s3,
      (100 * e[2]!) / s3,
    ]);
  });

  test('-Infinity elements get finite gradients: 0 after a finite element (PyTorch), 1 for a leading one', () => {
    const ninf = Number.NEGATIVE_INFINITY;
    const grad = (xs: number[]) => {
      const x = tensor(xs, { requiresGrad: true });
      x.logcumsumexp(0).sum().backward();
      return Array.from(x.grad!.data);
    };
    // PyTorch 2.13: [2.9999999999999996, 0, 0] and [1.629…, 1.709…, 2.660…, 0, 0, 0]; both were NaN
    expect(grad([0, ninf, ninf])).toEqual([3, 0, 0]);
    const padded = grad([1, 2, 3, ninf, ninf, ninf]);
    expect(padded.slice(3)).toEqual([0, 0, 0]);
    expect(padded.slice(0, 3).every(Number.isFinite)).toBe(true);
    expect(grad([0, ninf, 1])[1]).toBe(0);
    // out_0 = x_0 whatever x_0 is, so x_0 = -Infinity gets 1 from it (PyTorch gives NaN)
    expect(grad([ninf, 0, 1])[0]).toBe(1);
    expect(grad([ninf, ninf, ninf])).toEqual([1, 1, 1]);
    const x = tensor([[0.5, ninf, ninf]], { requiresGrad: true });
    expect(hessian((v: Tensor) => v.logcumsumexp(1).sum())(x).toArray()).toEqual([
      [[[0, 0, 0]], [[0, 0, 0]], [[0, 0, 0]]],
    ]);
  });

  test('passes gradcheck to the second order, ties included', () => {
    const x = tensor([
      [0.3, -1.2, 2.5, 0.3],
      [1.1, 1.1, -0.7, 40],
    ]);
    for (const axis of [0, 1, -1]) expectSecondOrder((v) => v.logcumsumexp(axis), x);
  });
});
