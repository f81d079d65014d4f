// Slow: seed 002's classifier and the 3-4-1 table network, each over 10 seeds.

import { tensor } from '@chainrule/engine';
import { Adam, accuracy, binaryCrossEntropy, fit, fromArchitecture, MLP, SGD, sseLoss } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { moonsArchitecture, moonsSplit } from './support/moons.js';
import { overSeeds } from './support/seeds.js';

describe('tensor networks over 10 seeds', () => {
  test('seed 002: the 2-4-6-6-4-1 fromArchitecture with its default init and Adam reaches 93% test accuracy on at least 9 of 10 seeds', () => {
    const passed = overSeeds('2-4-6-6-4-1 test accuracy', (seed) => {
      const { xTrain, xTest, yTrain, yTest } = moonsSplit(seed);
      const model = fromArchitecture(moonsArchitecture, { seed });
      fit(model, {
        x: xTrain,
        y: yTrain,
        loss: binaryCrossEntropy,
        optimizer: new Adam(model.parameters(), { lr: 0.01 }),
        epochs: 2000,
      });
      const acc = accuracy(model.eval().forward(xTest), yTest);
      return { figure: acc, pass: acc >= 0.93 };
    });
    expect(passed).toBeGreaterThanOrEqual(9);
  }, 300_000);

  test('the 3-4-1 sigmoid network puts all four rows of seeds 000/003 on the right side of 0.5', () => {
    const x = tensor([
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const passed = overSeeds('3-4-1 worst-row margin', (seed) => {
      const model = new MLP([3, 4, 1], { activation: 'sigmoid', outputActivation: 'sigmoid', seed });
      fit(model, { x, y, loss: sseLoss, optimizer: new SGD(model.parameters(), { lr: 1 }), epochs: 1500 });
      const p = Array.from(model.forward(x).data);
      const margin = Math.min(...p.map((v, i) => (y.data[i] === 1 ? v - 0.5 : 0.5 - v)));
      return { figure: margin, pass: margin > 0 };
    });
    expect(passed).toBeGreaterThanOrEqual(9);
  }, 300_000);
});
