// The losses against torch 2.13 (float64), from the fixture support/torch-loss-reference.py writes:
// binaryCrossEntropy and bceWithLogits at the edges (probabilities 0 and 1, past the -100 clamp,
// logits of ±40 and ±1000), mseLoss and crossEntropy, values and gradients for the input and the
// target, with the mean and the sum, on Tensors and on lists of Values.

import { type Tensor, tensor, type Value, value } from '@chainrule/engine';
import { bceWithLogits, binaryCrossEntropy, crossEntropy, type Loss, mseLoss } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import reference from './support/torch-loss-reference.json' with { type: 'json' };

type Reduction = 'mean' | 'sum';
const losses: Record<string, Loss> = { binaryCrossEntropy, bceWithLogits, mseLoss };

/** A number of the fixture: JSON holds Infinity and NaN as strings. */
const num = (x: number | string): number => (typeof x === 'number' ? x : Number(x));

/**
 * Equal, or within 8 ulps on the scale of the larger of the two and 1: chainrule's mean divides the
 * upstream gradient (1/n, then the op), where ATen divides the op's result by n; and where torch loses
 * digits (bceWithLogits near saturation: σ(20) - 1, log(1 + e^-40)) the fixture's number is torch's,
 * off from the exact one on the scale of 1.
 */
function expectNear(actual: number, expected: number, where: string, exact: boolean): void {
  if (exact || Object.is(actual, expected) || !Number.isFinite(expected)) {
    expect(actual, where).toBe(expected);
    return;
  }
  const scale = Math.max(Math.abs(actual), Math.abs(expected), 1);
  expect(Math.abs(actual - expected), `${where}: ${actual} against torch's ${expected}`).toBeLessThanOrEqual(
    8 * 2 ** (Math.floor(Math.log2(scale)) - 52),
  );
}

/** binaryCrossEntropy is written as ATen writes it: with the sum, its numbers are torch's, bit for bit. */
const bitForBit = (name: string, reduction: string) => name === 'binaryCrossEntropy' && reduction === 'sum';

describe('the losses give torch’s values and gradients', () => {
  const elementwise = reference.cases.filter((c) => c.name !== 'crossEntropy');
  test.each(elementwise.map((c) => [c.name, c.reduction, c] as const))(
    '%s, %s, on Tensors',
    (name, reduction, c) => {
      const x = tensor((c.input as number[]).map(num), { requiresGrad: true });
      const t = tensor((c.target as number[]).map(num), { requiresGrad: true });
      const loss = losses[name]!(x, t, { reduction: reduction as Reduction }) as Tensor;
      const exact = bitForBit(name, reduction);
      expectNear(loss.item(), num(c.value), 'the loss', exact);
      loss.backward();
      for (const [i, g] of (c.grad as (number | string)[]).entries()) {
        expectNear(x.grad!.data[i]!, num(g), `∂input[${i}]`, exact);
      }
      for (const [i, g] of (c.targetGrad as (number | string)[]).entries()) {
        expectNear(t.grad!.data[i]!, num(g), `∂target[${i}]`, exact);
      }
    },
  );

  test.each(elementwise.map((c) => [c.name, c.reduction, c] as const))(
    '%s, %s, on Values',
    (name, reduction, c) => {
      const xs = (c.input as number[]).map((v) => value(num(v)));
      const ts = (c.target as number[]).map((v) => value(num(v)));
      const loss = losses[name]!(xs, ts, { reduction: reduction as Reduction }) as Value;
      const exact = bitForBit(name, reduction);
      expectNear(loss.data, num(c.value), 'the loss', exact);
      loss.backward();
      for (const [i, g] of (c.grad as (number | string)[]).entries()) {
        expectNear(xs[i]!.grad, num(g), `∂input[${i}]`, exact);
      }
      for (const [i, g] of (c.targetGrad as (number | string)[]).entries()) {
        expectNear(ts[i]!.grad, num(g), `∂target[${i}]`, exact);
      }
    },
  );

  test.each(reference.cases.filter((c) => c.name === 'crossEntropy').map((c) => [c.reduction, c] as const))(
    'crossEntropy, %s',
    (reduction, c) => {
      const x = tensor(c.input as number[][], { requiresGrad: true });
      const loss = crossEntropy(x, c.target as number[], { reduction: reduction as Reduction }) as Tensor;
      expectNear(loss.item(), num(c.value), 'the loss', false);
      loss.backward();
      for (const [i, g] of (c.grad as number[][]).flat().entries()) {
        expectNear(x.grad!.data[i]!, g, `∂logits[${i}]`, false);
      }
    },
  );
});
