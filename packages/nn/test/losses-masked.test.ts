import { tensor, value } from '@chainrule/engine';
import { crossEntropy } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';

describe('crossEntropy with a masked class', () => {
  test('a logit of -Infinity in another class gives a finite loss and gradient, on Tensors as on Values', () => {
    const z = tensor([[0, Number.NEGATIVE_INFINITY, 0]], { requiresGrad: true });
    const loss = crossEntropy(z, [0]);
    expect(loss.item()).toBeCloseTo(Math.LN2, 15);
    loss.backward();
    expect(Array.from(z.grad!.data)).toEqual([-0.5, 0, 0.5]);
    const row = [value(0), value(Number.NEGATIVE_INFINITY), value(0)];
    expect(crossEntropy([row], [0]).data).toBeCloseTo(Math.LN2, 15);
  });
});
