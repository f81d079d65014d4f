// Seed 002, quick run (1000 epochs): Kaiming learns, the seed's randn × 0.1 stalls, and the three pictures are well-formed.

import { recordingContext } from '@chainrule/example-kit';
import { readPngSize, readSvg, tempDir } from '@chainrule/example-kit/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { ARCHITECTURE, example, type MoonsComparison, moonsClassifier, moonsData } from '../src/index.js';

const dir = tempDir('moons-classifier');

describe('the quick run', () => {
  let c: MoonsComparison;
  beforeAll(async () => {
    c = await moonsClassifier(recordingContext(dir, { fast: true }));
  }, 120_000); // two trainings of 1000 epochs: seconds alone, longer on a shared machine

  test('uses 900 training and 100 test points and the 2-4-6-6-4-1 list', () => {
    expect(c.data.xTrain.shape).toEqual([900, 2]);
    expect(c.data.xTest.shape).toEqual([100, 2]);
    expect(ARCHITECTURE.map((l) => l.outputDim)).toEqual([4, 6, 6, 4, 1]);
  });

  test('Kaiming init learns: the cost falls and test accuracy reaches 80% in 1000 epochs', () => {
    expect(c.kaiming.costs).toHaveLength(1000);
    expect(c.kaiming.costs.at(-1)).toBeLessThan(c.kaiming.costs[0]! / 2);
    expect(c.kaiming.testAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(c.ok).toBe(true);
  });

  test("the seed's randn × 0.1 stalls at cost ln 2, predicting one class, its signal and gradient vanished", () => {
    expect(c.seedInit.costs.at(-1)).toBeCloseTo(Math.LN2, 3);
    expect([0, 1]).toContain(c.seedInit.predictedOnes);
    expect(c.seedInit.testAccuracy).toBeLessThan(0.6);
    expect(c.seedInit.initialOutputSpread).toBeLessThan(c.kaiming.initialOutputSpread / 1000);
    expect(c.seedInit.initialFirstLayerGradient).toBeLessThan(c.kaiming.initialFirstLayerGradient / 100);
  });

  test('the cost and accuracy curves are SVG line charts with two series and a legend, and PNGs', () => {
    for (const picture of [c.pictures.cost, c.pictures.accuracy]) {
      const svg = readSvg(picture.svg);
      expect(svg.markCounts['mark-line']).toBe(2);
      expect(svg.texts).toEqual(expect.arrayContaining(['epoch', 'Kaiming init', 'randn × 0.1 (the seed)']));
      expect(readPngSize(picture.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
    }
  });

  test('the decision boundary shades its 60×60 grid under 1000 points, train and test marked', () => {
    const svg = readSvg(c.pictures.boundary.svg);
    expect(svg.markCounts['mark-rect']).toBeGreaterThanOrEqual(60);
    expect(svg.markCounts['mark-symbol']).toBe(1000);
    expect(svg.texts).toEqual(expect.arrayContaining(['train', 'test', 'class 0', 'class 1', 'P(class 1)']));
    expect(readPngSize(c.pictures.boundary.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
  });
});

test('the data is the same every run', () => {
  expect(moonsData().xTrain.data).toEqual(moonsData().xTrain.data);
});

test('the demo entry prints both runs and the explanation', async () => {
  const ctx = recordingContext(dir);
  const result = await example.run(ctx);
  expect(result.ok).toBe(true);
  expect(result.ours).toMatch(/^Kaiming \d+%; randn × 0\.1 \d+% \(1000 epochs\)$/);
  expect(result.files).toHaveLength(6);
  expect(ctx.lines.join('\n')).toContain("Why the seed's init stalls");
});
