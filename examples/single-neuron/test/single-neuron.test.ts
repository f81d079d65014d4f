// The single neuron answers [1,0,0] with nearly 1, its rule is gradient descent, and its picture is well-formed.

import { recordingContext } from '@chainrule/example-kit';
import { readPngSize, readSvg, tempDir } from '@chainrule/example-kit/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { example, type SingleNeuronRun, singleNeuron, TARGETS, trainSingleNeuron } from '../src/index.js';

const dir = tempDir('single-neuron');

describe('the quick run (2000 iterations)', () => {
  let run: SingleNeuronRun;
  beforeAll(async () => {
    run = await singleNeuron(recordingContext(dir, { fast: true }));
  });

  test('answers the new input [1,0,0] with more than 0.9', () => {
    expect(run.iterations).toBe(2000);
    expect(run.answer).toBeGreaterThan(0.9);
    expect(run.ok).toBe(true);
  });

  test("the seed's hand rule is exactly −dL/dw for L = ½ Σ (y − output)²", () => {
    expect(run.firstStep.rule.map((r, i) => Math.abs(r - run.firstStep.autograd[i]!))).toEqual([
      expect.closeTo(0, 12),
      expect.closeTo(0, 12),
      expect.closeTo(0, 12),
    ]);
  });

  test('learns the table: outputs within 0.1 of the targets, the first weight large and positive', () => {
    for (const [i, o] of run.outputs.entries()) expect(Math.abs(o - TARGETS[i]!)).toBeLessThan(0.1);
    expect(run.weights[0]).toBeGreaterThan(5);
  });

  test('the error curve is an SVG line chart and a PNG twice its size', () => {
    const svg = readSvg(run.errorCurve.svg);
    expect(svg.markCounts['mark-line']).toBe(1);
    expect(svg.texts).toContain('iteration');
    expect(readPngSize(run.errorCurve.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
  });
});

test('the full 20000 iterations answer [1,0,0] with 0.9999 or more', () => {
  const full = trainSingleNeuron();
  expect(full.answer).toBeGreaterThan(0.9999);
  expect(full.errors.at(-1)).toBeLessThan(full.errors[0]!);
});

test('the demo entry reports the answer for [1,0,0]', async () => {
  const ctx = recordingContext(dir);
  const result = await example.run(ctx);
  expect(result.ok).toBe(true);
  expect(result.ours).toMatch(/^\[1,0,0\] → 0\.99\d+ \(2000 iterations\)$/);
  expect(ctx.lines.join('\n')).toContain('New situation [1, 0, 0]: 0.99');
});
