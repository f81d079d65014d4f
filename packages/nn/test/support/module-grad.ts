// Checks a module's parameter gradients against central finite differences on its own parameters.

import { createRng, noGrad, type Tensor } from '@chainrule/engine';
import type { Module } from '@chainrule/nn';

/**
 * The worst relative error between backward's gradient of sum(forward(x)·R) (R fixed, random) and
 * central differences, over every parameter element of `module`.
 */
export function worstParameterError(module: Module, x: Tensor, h = 1e-6): number {
  const out = noGrad(() => module.forward(x));
  const rng = createRng(99);
  const weights = out.detach().mul(0);
  for (let i = 0; i < weights.size; i++) weights.data[i] = rng.normal();
  const objective = (): number => noGrad(() => module.forward(x).mul(weights).sum().item());
  module.zeroGrad();
  module.forward(x).mul(weights).sum().backward();
  let worst = 0;
  for (const p of module.parameters()) {
    for (let i = 0; i < p.size; i++) {
      const v = p.data[i]!;
      p.data[i] = v + h;
      const up = objective();
      p.data[i] = v - h;
      const down = objective();
      p.data[i] = v;
      const numeric = (up - down) / (2 * h);
      const analytic = p.grad === null ? 0 : p.grad.data[i]!;
      worst = Math.max(worst, Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric)));
    }
  }
  return worst;
}
