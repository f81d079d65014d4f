// The two-layer network learns the seeds' table, its loss falls, and its loss curve is a well-formed picture.

import { recordingContext } from '@chainrule/example-kit';
import { readPngSize, readSvg, tempDir } from '@chainrule/example-kit/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { example, TARGETS, type TwoLayerRun, trainTwoLayerNetwork, twoLayerNetwork } from '../src/index.js';

const dir = tempDir('two-layer-network');

describe('the 1500-iteration run', () => {
  let run: TwoLayerRun;
  beforeAll(async () => {
    run = await twoLayerNetwork(recordingContext(dir));
  });

  test('predicts under 0.1 for the targets 0 and over 0.9 for the targets 1', () => {
    expect(run.predictions).toHaveLength(4);
    run.predictions.forEach((p, i) => {
      if (TARGETS[i] === 0) expect(p).toBeLessThan(0.1);
      else expect(p).toBeGreaterThan(0.9);
    });
    expect(run.ok).toBe(true);
  });

  test('the loss falls from about 1 to under 0.01, and never rises by more than rounding after step 20', () => {
    expect(run.losses).toHaveLength(1500);
    expect(run.losses[0]).toBeGreaterThan(0.5);
    expect(run.losses.at(-1)).toBeLessThan(0.01);
    for (let i = 20; i < run.losses.length; i++)
      expect(run.losses[i]).toBeLessThanOrEqual(run.losses[i - 1]! + 1e-9);
  });

  test('the loss curve is an SVG line chart with labelled axes, and a PNG twice its size', () => {
    const svg = readSvg(run.lossCurve.svg);
    expect(svg.markCounts['mark-line']).toBe(1);
    expect(svg.texts).toContain('iteration');
    expect(svg.texts.some((t) => t.startsWith('loss'))).toBe(true);
    expect(readPngSize(run.lossCurve.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
  });
});

test('the same seed trains the same network; another seed also learns the table', () => {
  const a = trainTwoLayerNetwork({ iterations: 50 });
  expect(trainTwoLayerNetwork({ iterations: 50 }).losses).toEqual(a.losses);
  const other = trainTwoLayerNetwork({ seed: 7 });
  for (const [i, p] of other.predictions.entries()) expect(Math.abs(p - TARGETS[i]!)).toBeLessThan(0.1);
});

test('the demo entry prints the prediction table and reports our four predictions', async () => {
  const ctx = recordingContext(dir);
  const result = await example.run(ctx);
  expect(result.ok).toBe(true);
  expect(result.ours).toMatch(/^0\.0\d\d 0\.9\d\d 0\.9\d\d 0\.0\d\d$/);
  expect(result.files).toHaveLength(2);
  expect(ctx.lines.join('\n')).toContain("input         prediction  y (actual)  seed's prediction");
});
