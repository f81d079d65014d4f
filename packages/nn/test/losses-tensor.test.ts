import { gradcheck, ShapeError, type Tensor, tensor } from '@chainrule/engine';
import { bceWithLogits, binaryCrossEntropy, crossEntropy, hingeLoss, mseLoss, sseLoss } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { expectClose } from './support/close.js';

describe('losses over Tensors', () => {
  test('mseLoss and sseLoss against their closed forms', () => {
    const p = tensor([
      [0.5, 2],
      [1, -1],
    ]);
    const t = tensor([
      [0, 1],
      [1, 1],
    ]);
    expectClose(mseLoss(p, t).item(), (0.25 + 1 + 0 + 4) / 4);
    expectClose(mseLoss(p, t, { reduction: 'sum' }).item(), 5.25);
    expectClose(sseLoss(p, t).item(), 5.25);
    expectClose(
      mseLoss(p, [
        [0, 1],
        [1, 1],
      ]).item(),
      1.3125,
    );
  });

  test('binaryCrossEntropy against its closed form, and finite at probabilities 0 and 1', () => {
    expectClose(
      binaryCrossEntropy(tensor([0.8, 0.3]), tensor([1, 0])).item(),
      -(Math.log(0.8) + Math.log(0.7)) / 2,
    );
    expectClose(
      binaryCrossEntropy(tensor([0.8]), tensor([0.25])).item(),
      -(0.25 * Math.log(0.8) + 0.75 * Math.log(0.2)),
    );
    expectClose(binaryCrossEntropy(tensor([1, 0]), tensor([1, 0])).item(), 0);
    // a confident wrong answer costs the clamp, 100, as in PyTorch
    expectClose(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'sum' }).item(), 200);
    const p = tensor([0, 1, 0, 1], { requiresGrad: true });
    binaryCrossEntropy(p, tensor([0, 1, 1, 0])).backward();
    expect(Array.from(p.grad!.data).every(Number.isFinite)).toBe(true);
  });

  test("binaryCrossEntropy's gradient is PyTorch's (p - t)/max((1 - p)·p, 1e-12), also at and past the clamp", () => {
    const ps = [1e-50, 1e-44, 1e-43, 0, 1 - 1e-16, 0.5, 1e-13, 0];
    const ts = [1, 1, 1, 1, 0, 0.3, 1, 0];
    for (const reduction of ['sum', 'mean'] as const) {
      const p = tensor(ps, { requiresGrad: true });
      binaryCrossEntropy(p, tensor(ts), { reduction }).backward();
      const g = reduction === 'sum' ? 1 : 1 / ps.length;
      // grouped as ATen's binary_cross_entropy_backward: g·(p - t) / max((1 - p)·p, eps), eps a float 1e-12
      const want = ps.map((x, i) => (g * (x - ts[i]!)) / Math.max((1 - x) * x, Math.fround(1e-12)));
      expect(Array.from(p.grad!.data)).toEqual(want);
    }
    // a confident wrong prediction is pushed back (about -1e12, torch's -1000000003995.8029), not
    // left at the clamp's zero derivative; a tiny loss keeps its digits (log1p, as torch)
    const p = tensor([0], { requiresGrad: true });
    binaryCrossEntropy(p, tensor([1])).backward();
    expect(p.grad!.item()).toBe(-1000000003995.8029);
    expect(binaryCrossEntropy(tensor([1e-10]), tensor([0])).item()).toBe(1.00000000005e-10);
    // the target's gradient is -logit(p), unclamped, as ATen's (torch 2.13 gave these bits)
    const target = tensor([0.25, 0.25, 0.25, 0.25, 0.25], { requiresGrad: true });
    binaryCrossEntropy(tensor([0, 1e-300, 0.3, 1 - 1e-13, 1]), target, { reduction: 'sum' }).backward();
    expect(Array.from(target.grad!.data)).toEqual([
      Number.POSITIVE_INFINITY,
      690.7755278982137,
      0.8472978603872036,
      -29.933295312068662,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  test('bceWithLogits is exact, with gradient σ(z) - t, even at ±1000 and at 0', () => {
    const z = tensor([0.7, -2, 1000, -1000, 0], { requiresGrad: true });
    const t = tensor([1, 0.5, 0, 1, 1]);
    const loss = bceWithLogits(z, t, { reduction: 'sum' });
    // a small loss keeps its digits where z - z·t cancels: log1p(e^-40), not 0; and the gradient
    // σ(z) - t stays exact where σ(z) is near 1 (z = 20, t = 1)
    const saturated = tensor([20], { requiresGrad: true });
    bceWithLogits(saturated, tensor([1])).backward();
    expect(saturated.grad!.item()).toBe(-Math.exp(-20) / (1 + Math.exp(-20)));
    expect(bceWithLogits(tensor([40, 12]), tensor([1, 1]), { reduction: 'sum' }).item()).toBe(
      Math.log1p(Math.exp(-40)) + Math.log1p(Math.exp(-12)),
    );
    const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    const expected = [0.7, -2, 1000, -1000, 0].reduce((s, x, i) => s + softplus(x) - x * t.data[i]!, 0);
    expectClose(loss.item(), expected, 1e-9);
    loss.backward();
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    Array.from(z.data).forEach((x, i) => {
      expectClose(z.grad!.data[i]!, sigmoid(x) - t.data[i]!);
    });
  });

  test('crossEntropy from logits and integer labels, stable for large logits', () => {
    const z = tensor([
      [2, 0],
      [0, 0],
    ]);
    expectClose(crossEntropy(z, [0, 1]).item(), (Math.log(1 + Math.exp(-2)) + Math.LN2) / 2);
    expectClose(crossEntropy(tensor([[1000, 0, -1000]]), tensor([1])).item(), 1000);
    expectClose(crossEntropy(z, [0, 1], { reduction: 'sum' }).item(), Math.log(1 + Math.exp(-2)) + Math.LN2);
  });

  test('hingeLoss is relu(1 - y·s)', () => {
    expectClose(hingeLoss(tensor([0.3, -2, 0.5]), tensor([1, -1, -1])).item(), (0.7 + 0 + 1.5) / 3);
  });

  test('every loss’s gradient passes gradcheck', () => {
    const p = tensor([
      [0.2, -0.4],
      [1.1, 0.6],
    ]);
    const cases: [string, (x: Tensor) => Tensor][] = [
      [
        'mse',
        (x) =>
          mseLoss(
            x,
            tensor([
              [0, 1],
              [1, -1],
            ]),
          ),
      ],
      [
        'sse',
        (x) =>
          sseLoss(
            x,
            tensor([
              [0, 1],
              [1, -1],
            ]),
          ),
      ],
      [
        'bce',
        (x) =>
          binaryCrossEntropy(
            x.sigmoid(),
            tensor([
              [0, 1],
              [0.3, 1],
            ]),
          ),
      ],
      [
        'bceWithLogits',
        (x) =>
          bceWithLogits(
            x,
            tensor([
              [0, 1],
              [0.3, 1],
            ]),
          ),
      ],
      ['crossEntropy', (x) => crossEntropy(x, [1, 0])],
      [
        'hinge',
        (x) =>
          hingeLoss(
            x,
            tensor([
              [1, -1],
              [-1, 1],
            ]),
            { reduction: 'sum' },
          ),
      ],
    ];
    for (const [name, f] of cases) expect(gradcheck(f, [p]).ok, name).toBe(true);
    expect(gradcheck((x: Tensor) => bceWithLogits(x, tensor([1, 0])), [tensor([0, 0])]).ok).toBe(true);
  });

  test('errors name the loss and the shapes', () => {
    expect(() => binaryCrossEntropy(tensor([[0.5], [0.5]]), tensor([1, 0]))).toThrow(ShapeError);
    expect(() => binaryCrossEntropy(tensor([[0.5], [0.5]]), tensor([1, 0]))).toThrow(
      'binaryCrossEntropy: prediction [2,1] and target [2] differ in shape',
    );
    expect(() => binaryCrossEntropy(tensor([1.5]), tensor([1]))).toThrow(
      'binaryCrossEntropy: prediction 1.5 at index 0 is not a probability in [0, 1]',
    );
    expect(() => crossEntropy(tensor([1, 2]), [0])).toThrow(
      'crossEntropy: expected logits of shape [N, classes], got [2]',
    );
    expect(() => crossEntropy(tensor([[1, 2]]), [0.5])).toThrow(
      'crossEntropy: label 0.5 at index 0 is not a class index in [0, 2)',
    );
    expect(() => hingeLoss(tensor([1]), tensor([0]))).toThrow(
      'hingeLoss: target 0 at index 0 must be -1 or 1',
    );
    expect(() => mseLoss(tensor([1]), 'a' as never)).toThrow(
      'mseLoss: expected the target as a Tensor or nested arrays, got the string "a"',
    );
  });
});
