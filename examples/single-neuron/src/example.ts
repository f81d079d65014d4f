// The single neuron as the demo runs it: training with a progress bar, the weights, the answer for [1,0,0].

import {
  type Example,
  type ExampleContext,
  type Picture,
  pictureFiles,
  pictureLine,
  writePicture,
} from '@chainrule/example-kit';
import { lineChartSvg } from '@chainrule/viz';
import { INPUTS, NEW_INPUT, type SingleNeuronResult, TARGETS, trainSingleNeuron } from './single-neuron.js';

/** What `singleNeuron` computed and wrote. */
export interface SingleNeuronRun extends SingleNeuronResult {
  iterations: number;
  errorCurve: Picture;
  /** The answer for [1, 0, 0] over 0.9, and the hand rule equal to autograd's gradient. */
  ok: boolean;
}

/** Trains the neuron (2000 iterations when `ctx.fast`, else 20000) and writes its error curve. */
export async function singleNeuron(ctx: ExampleContext): Promise<SingleNeuronRun> {
  const iterations = ctx.fast ? 2000 : 20000;
  const bar = ctx.progress('training', iterations);
  const result = trainSingleNeuron({
    iterations,
    onStep: (step, error) => {
      if (step % 100 === 0 || step === iterations) bar.update(step, { error });
    },
  });
  bar.stop();
  const svg = lineChartSvg([{ name: 'error', x: result.errors.map((_, i) => i + 1), y: result.errors }], {
    title: 'Single neuron: mean absolute error by iteration',
    xTitle: 'iteration',
    yTitle: 'mean |y − output| (log scale)',
    yScale: 'log',
  });
  const errorCurve = writePicture(ctx.outDir, 'error', svg);
  const agrees = result.firstStep.rule.every((r, i) => Math.abs(r - result.firstStep.autograd[i]!) < 1e-12);
  return { ...result, iterations, errorCurve, ok: result.answer > 0.9 && agrees };
}

const fmt = (xs: readonly number[], digits = 4) => `[${xs.map((v) => v.toFixed(digits)).join(', ')}]`;

/** The weights before and after, the outputs, the rule checked against backward(), and the new answer. */
export function report(run: SingleNeuronRun): string {
  return [
    'One neuron, output = σ(w·x), three synapses, no bias. Training rule of the seed:',
    '  w ← w + Xᵀ · (error ⊙ output ⊙ (1 − output)),  error = y − output',
    '',
    `Random initial weights:      ${fmt(run.initialWeights)}`,
    `First adjustment, the rule:  ${fmt(run.firstStep.rule, 6)}`,
    `−dL/dw from backward():      ${fmt(run.firstStep.autograd, 6)}   (L = ½ Σ (y − output)²)`,
    '',
    `Weights after ${run.iterations} iterations: ${fmt(run.weights)}`,
    '',
    'input     output   y',
    ...INPUTS.map((row, i) => `${row.join(' ')}     ${run.outputs[i]!.toFixed(4)}   ${TARGETS[i]}`),
    '',
    `New situation [${NEW_INPUT.join(', ')}]: ${run.answer.toFixed(6)}   (the answer is the first bit: 1)`,
    '',
    pictureLine('The error curve', run.errorCurve),
  ].join('\n');
}

/** The demo's entry for this example. */
export const example: Example = {
  name: 'single-neuron',
  reproduces: 'seed 004: one sigmoid neuron, the error × input × σ′ rule',
  seedFigure: '[1,0,0] → near 1',
  async run(ctx) {
    const run = await singleNeuron(ctx);
    ctx.log(report(run));
    return {
      ours: `[1,0,0] → ${run.answer.toFixed(6)} (${run.iterations} iterations)`,
      ok: run.ok,
      files: pictureFiles(run.errorCurve),
    };
  },
};
