// micrograd's demo, full run: 100 steps classify the moons at 95% or better (micrograd reaches 100%).

import { expect, test } from 'vitest';
import { trainScalarMLP } from '../src/index.js';

test('after 100 SGD steps the accuracy is at least 95% and the loss under 0.05', () => {
  const run = trainScalarMLP();
  expect(run.accuracies.at(-1)).toBeGreaterThanOrEqual(0.95);
  expect(run.losses.at(-1)).toBeLessThan(0.05);
}, 180_000);
