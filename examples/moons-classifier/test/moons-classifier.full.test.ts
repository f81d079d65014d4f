// Seed 002, full run: 10000 epochs of gradient descent from Kaiming init reach at least 93% test accuracy.

import { expect, test } from 'vitest';
import { moonsData, trainMoons } from '../src/index.js';

test('Kaiming init reaches 93% or more on the test points after 10000 epochs', () => {
  const run = trainMoons(moonsData());
  expect(run.testAccuracy).toBeGreaterThanOrEqual(0.93);
  expect(run.costs.at(-1)).toBeLessThan(0.15);
}, 180_000);
