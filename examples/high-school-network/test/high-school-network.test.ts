// Seed 001's products and network: the inner product by hand, the shape error, the falling loss, the picture.

import { createRng } from '@chainrule/engine';
import { recordingContext } from '@chainrule/example-kit';
import { readPngSize, readSvg, tempDir } from '@chainrule/example-kit/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  example,
  type HighSchoolRun,
  highSchoolNetwork,
  matrixProducts,
  trainHighSchoolNetwork,
} from '../src/index.js';

const dir = tempDir('high-school-network');

describe('the run', () => {
  let run: HighSchoolRun;
  beforeAll(async () => {
    run = await highSchoolNetwork(recordingContext(dir));
  });

  test('the inner product equals w1·x1 + w2·x2 + w3·x3', () => {
    expect(run.inner.product).toBeCloseTo(run.inner.byHand, 12);
  });

  test('the loss falls over the 100 steps, every step', () => {
    const { losses } = run.training;
    expect(losses).toHaveLength(100);
    expect(losses.at(-1)).toBeLessThan(losses[0]! / 2);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!);
    expect(run.ok).toBe(true);
  });

  test('the loss curve is an SVG line chart and a PNG twice its size', () => {
    const svg = readSvg(run.lossCurve.svg);
    expect(svg.markCounts['mark-line']).toBe(1);
    expect(svg.texts).toEqual(expect.arrayContaining(['step', 'MSE loss']));
    expect(readPngSize(run.lossCurve.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
  });
});

test('[2,3]·[3,2] is [2,2], [1,4]·[4,2] is [1,2], and [3,2]·[3,2] fails naming both shapes', () => {
  expect(matrixProducts(createRng(0))).toEqual([
    { left: [2, 3], right: [3, 2], shape: [2, 2] },
    {
      left: [3, 2],
      right: [3, 2],
      error: 'matmul: cannot multiply [3,2] by [3,2]: inner dimensions 2 and 3 differ',
    },
    { left: [1, 4], right: [4, 2], shape: [1, 2] },
  ]);
});

test('the loss falls from other random starts too', () => {
  for (const seed of [2, 3, 4]) {
    const { losses } = trainHighSchoolNetwork(createRng(seed));
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
  }
});

test('the demo entry prints the shape error and reports the loss falling', async () => {
  const ctx = recordingContext(dir);
  const result = await example.run(ctx);
  expect(result.ok).toBe(true);
  expect(result.ours).toMatch(/^shape error raised; loss \d\.\d{3} → \d\.\d{3}$/);
  expect(ctx.lines.join('\n')).toContain('[3,2]·[3,2]  →  error: matmul: cannot multiply [3,2] by [3,2]');
});
