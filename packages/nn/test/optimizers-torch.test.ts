// The optimizers against torch.optim 2.13 (float64): 12 steps of SGD, Adam, AdamW and RMSprop under
// their shared options, from the same start with the same gradients, replayed from the fixture that
// support/torch-optim-reference.py writes. Each step agrees to a few ulps on the parameters' scale
// (the updates group some products otherwise than ATen's loops).

import { Tensor } from '@chainrule/engine';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import reference from './support/torch-optim-reference.json' with { type: 'json' };

type Options = Record<string, unknown>;
const makers: Record<string, (p: Tensor, options: Options) => Optimizer> = {
  SGD: (p, o) => new SGD([p], o),
  Adam: (p, o) => new Adam([p], o),
  AdamW: (p, o) => new AdamW([p], o),
  RMSprop: (p, o) => new RMSprop([p], o),
};

/**
 * |a - b| within `ulps` units in the last place of the larger of |a|, |b| and 1: a parameter that an
 * update brings near 0 is a difference of numbers near 1, rounded on their scale.
 */
function expectUlps(actual: number, expected: number, ulps: number, where: string): void {
  if (Object.is(actual, expected)) return;
  const scale = Math.max(Math.abs(actual), Math.abs(expected), 1);
  const ulp = 2 ** (Math.floor(Math.log2(scale)) - 52);
  expect(Math.abs(actual - expected), `${where}: ${actual} against torch's ${expected}`).toBeLessThanOrEqual(
    ulps * ulp,
  );
}

describe('the optimizers step as torch.optim does', () => {
  test.each(reference.cases.map((c, i) => [i, c.optimizer, JSON.stringify(c.options), c] as const))(
    'case %i: %s %s',
    (_, name, __, c) => {
      const p = new Tensor(Float64Array.from(reference.start), [reference.start.length], {
        requiresGrad: true,
      });
      const optimizer = makers[name]!(p, c.options as Options);
      c.after.forEach((want, step) => {
        p.grad = new Tensor(Float64Array.from(reference.grads[step]!), [reference.start.length]);
        optimizer.step();
        for (const [i, w] of want.entries()) expectUlps(p.data[i]!, w, 8, `step ${step + 1}, element ${i}`);
      });
    },
  );
});
