import { gradcheck, type Value, value } from '@chainrule/engine';
import { bceWithLogits, binaryCrossEntropy, crossEntropy, hingeLoss, mseLoss, sseLoss } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { expectClose } from './support/close.js';

const vs = (xs: number[]) => xs.map((x) => value(x));

describe('losses over Values', () => {
  test('mseLoss and sseLoss against their closed forms', () => {
    expectClose(mseLoss(vs([0.5, 2]), [0, 1]).data, 0.625);
    expectClose(mseLoss(vs([0.5, 2]), [0, 1], { reduction: 'sum' }).data, 1.25);
    expectClose(sseLoss(vs([0.5, 2]), [0, 1]).data, 1.25);
    expectClose(sseLoss(vs([0.5, 2]), [0, 1], { reduction: 'mean' }).data, 0.625);
  });

  test('binaryCrossEntropy against its closed form, finite at 0 and 1', () => {
    expectClose(binaryCrossEntropy(vs([0.8, 0.3]), [1, 0]).data, -(Math.log(0.8) + Math.log(0.7)) / 2);
    expectClose(binaryCrossEntropy(vs([0.8]), [0.25]).data, -(0.25 * Math.log(0.8) + 0.75 * Math.log(0.2)));
    expect(binaryCrossEntropy(vs([1, 0]), [1, 0]).data).toBeCloseTo(0, 15);
    expect(binaryCrossEntropy(vs([0, 1]), [1, 0], { reduction: 'sum' }).data).toBe(200);
    const p = value(0);
    binaryCrossEntropy([p], [0]).backward();
    expect(p.grad).toBe(0); // p = t: PyTorch's (p - t)/max((1 - p)·p, 1e-12)
    const wrong = value(1e-50);
    binaryCrossEntropy([wrong], [1]).backward();
    expect(wrong.grad).toBe(-1 / Math.fround(1e-12));
  });

  test('bceWithLogits is exact and finite at ±1000', () => {
    const z = 0.7;
    expectClose(bceWithLogits(vs([z]), [1]).data, Math.log(1 + Math.exp(-z)));
    expect(bceWithLogits(vs([1000]), [0]).data).toBe(1000);
    expect(bceWithLogits(vs([-1000]), [1]).data).toBe(1000);
    expect(bceWithLogits(vs([1000]), [1]).data).toBe(0);
    // log1p keeps a small loss to the last digits: log(1 + e^-40) would round to 0
    expect(bceWithLogits(vs([40]), [1]).data).toBe(Math.log1p(Math.exp(-40)));
    expect(bceWithLogits(vs([12]), [1]).data).toBe(Math.log1p(Math.exp(-12)));
    const w = value(-1000);
    bceWithLogits([w], [1]).backward();
    expect(w.grad).toBe(-1); // σ(z) - t
  });

  test('crossEntropy against log-sum-exp, stable for large logits', () => {
    expectClose(crossEntropy([vs([2, 0])], [0]).data, Math.log(1 + Math.exp(-2)));
    expectClose(crossEntropy([vs([1000, 0, -1000])], [1]).data, 1000);
  });

  test('hingeLoss is micrograd’s relu(1 - y·s), and refuses 0/1 targets', () => {
    expectClose(hingeLoss(vs([0.3, -2]), [1, -1]).data, 0.35);
    expect(() => hingeLoss(vs([0.3]), [0])).toThrow('hingeLoss: target 0 at index 0 must be -1 or 1');
  });

  test('every loss passes gradcheck', () => {
    const cases: [string, (a: Value, b: Value) => Value][] = [
      ['mse', (a, b) => mseLoss([a, b], [0.2, -1])],
      ['sse', (a, b) => sseLoss([a, b], [0.2, -1])],
      ['bce', (a, b) => binaryCrossEntropy([a.sigmoid(), b.sigmoid()], [1, 0.3])],
      ['bceWithLogits', (a, b) => bceWithLogits([a, b], [1, 0.3])],
      ['crossEntropy', (a, b) => crossEntropy([[a, b, a.mul(b)]], [2])],
      ['hinge', (a, b) => hingeLoss([a, b], [1, -1])],
    ];
    for (const [name, f] of cases) expect(gradcheck(f, [0.3, -0.6]).ok, name).toBe(true);
  });

  test('errors name the loss and what is wrong', () => {
    expect(() => mseLoss(vs([1, 2]), [1])).toThrow('mseLoss: 2 predictions but 1 targets');
    expect(() => binaryCrossEntropy(vs([1.5]), [1])).toThrow(
      'binaryCrossEntropy: prediction 1.5 at index 0 is not a probability in [0, 1]',
    );
    expect(() => crossEntropy([vs([1, 2])], [2])).toThrow(
      'crossEntropy: label 2 at index 0 is not a class index in [0, 2)',
    );
    expect(() => mseLoss(vs([1]), [1], { reduction: 'none' as never })).toThrow(
      "mseLoss: reduction must be 'mean' or 'sum', got the string \"none\"",
    );
  });
});
