// Seed 002's architecture list and its data: 1000 noisy moons with 10% held out.

import { tensor } from '@chainrule/engine';
import { type LayerDescription, makeMoons, trainTestSplit } from '@chainrule/nn';

/** Seed 002's 2-4-6-6-4-1 network as its list of layers. */
export const moonsArchitecture: LayerDescription[] = [
  { inputDim: 2, outputDim: 4, activation: 'relu' },
  { inputDim: 4, outputDim: 6, activation: 'relu' },
  { inputDim: 6, outputDim: 6, activation: 'relu' },
  { inputDim: 6, outputDim: 4, activation: 'relu' },
  { inputDim: 4, outputDim: 1, activation: 'sigmoid' },
];

/** makeMoons(1000, { noise: 0.2 }) split 90/10, labels as a [N, 1] column, all from one seed. */
export function moonsSplit(seed: number) {
  const data = makeMoons(1000, { noise: 0.2, seed });
  return trainTestSplit(tensor(data.x), tensor(data.y).reshape([-1, 1]), { testSize: 0.1, seed });
}
