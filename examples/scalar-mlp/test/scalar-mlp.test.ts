// micrograd's demo, quick run: 10 steps of SGD lower the loss, and the decision boundary is a well-formed picture.

import { recordingContext } from '@chainrule/example-kit';
import { readPngSize, readSvg, tempDir } from '@chainrule/example-kit/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { example, type ScalarMLPRun, scalarMLP, scores, trainScalarMLP } from '../src/index.js';

const dir = tempDir('scalar-mlp');

describe('the quick run (10 steps)', () => {
  let run: ScalarMLPRun;
  beforeAll(async () => {
    run = await scalarMLP(recordingContext(dir, { fast: true }));
  }, 60_000); // training, then 3600 grid points through a network of Values: longer on a shared machine

  test('has 337 parameters, lowers the loss and classifies at least 80% of the moons', () => {
    expect(run.parameters).toBe(337);
    expect(run.losses).toHaveLength(10);
    expect(run.losses.at(-1)).toBeLessThan(run.losses[0]! / 2);
    expect(run.accuracies.at(-1)).toBeGreaterThanOrEqual(0.8);
    expect(run.ok).toBe(true);
  });

  test('the decision boundary is an SVG of 3600 shaded cells and 100 points, and a PNG twice its size', () => {
    const svg = readSvg(run.boundary.svg);
    expect(svg.markCounts['mark-rect']).toBeGreaterThanOrEqual(60);
    expect(svg.markCounts['mark-symbol']).toBe(100);
    expect(svg.texts).toEqual(expect.arrayContaining(['x₁', 'x₂', 'σ(score)', 'class 0', 'class 1']));
    expect(readPngSize(run.boundary.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
  });
});

test('scores by matrices equal the scalar network scores', () => {
  const { model, data } = trainScalarMLP({ steps: 1 });
  const byValues = data.x.slice(0, 5).map((row) => model.forward(row)[0]!.data);
  const byMatrices = scores(model, data.x.slice(0, 5));
  for (const [i, s] of byMatrices.entries()) expect(s).toBeCloseTo(byValues[i]!, 12);
});

test('the demo entry reports the accuracy after its steps', async () => {
  const ctx = recordingContext(dir);
  const result = await example.run(ctx);
  expect(result.ok).toBe(true);
  expect(result.ours).toMatch(/^accuracy \d+% after 10 steps$/);
  expect(ctx.lines.join('\n')).toContain('step  9 loss');
});
