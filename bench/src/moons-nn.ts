// The moons epoch as a user of nn writes it (moons-run.ts's nn style), apart from moons-kit.ts so that
// the engine-only styles run in a process that has not loaded nn.

import { createRng, Tensor } from '@chainrule/engine';
import { binaryCrossEntropy, Linear, Sequential, SGD, Sigmoid } from '@chainrule/nn';
import { lr, makeMoons, points } from './moons-kit.js';

/**
 * The same epoch as a user of nn writes it, nn's public pieces only: a `Sequential` of `Linear` layers
 * (PyTorch's default initialisation, seeded; the hidden ones with `activation: 'relu'`, so each runs
 * as one fused `linear`) ending in `Sigmoid`, `binaryCrossEntropy`, and the `SGD` optimizer's zeroGrad
 * and step around backward.
 */
export function nnEpoch(sizes: readonly number[]): () => void {
  const data = makeMoons(createRng(2));
  const x = new Tensor(data.x, [points, 2]);
  const y = new Tensor(data.y, [points, 1]);
  const layers = sizes.slice(1).map((fanOut, i) => {
    const activation = i < sizes.length - 2 ? 'relu' : 'none';
    return new Linear(sizes[i]!, fanOut, { seed: 10 + i, activation });
  });
  const model = new Sequential(...layers, new Sigmoid());
  const optimizer = new SGD(model.parameters(), { lr });
  return () => {
    const loss = binaryCrossEntropy(model.forward(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  };
}
