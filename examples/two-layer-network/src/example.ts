// The two-layer network as the demo runs it: training with a progress bar, the prediction table, the loss curve.

import {
  type Example,
  type ExampleContext,
  type Picture,
  pictureFiles,
  pictureLine,
  writePicture,
} from '@chainrule/example-kit';
import { lineChartSvg } from '@chainrule/viz';
import { INPUTS, TARGETS, type TwoLayerResult, trainTwoLayerNetwork } from './two-layer-network.js';

/** The seeds' predictions after 1500 iterations (seed 003's table). */
export const SEED_PREDICTIONS = [0.023, 0.979, 0.975, 0.025];

/** What `twoLayerNetwork` computed and wrote. */
export interface TwoLayerRun extends TwoLayerResult {
  iterations: number;
  lossCurve: Picture;
  /** Every prediction within 0.1 of its target and the loss lower at the end than at the start. */
  ok: boolean;
}

/** Trains the network with a progress bar and writes the loss curve under `ctx.outDir`. */
export async function twoLayerNetwork(ctx: ExampleContext, iterations = 1500): Promise<TwoLayerRun> {
  const bar = ctx.progress('training', iterations);
  const result = trainTwoLayerNetwork({
    iterations,
    onStep: (step, loss) => {
      if (step % 10 === 0 || step === iterations) bar.update(step, { loss });
    },
  });
  bar.stop();
  const svg = lineChartSvg([{ name: 'loss', x: result.losses.map((_, i) => i + 1), y: result.losses }], {
    title: 'Two-layer network: sum-of-squares loss by iteration',
    xTitle: 'iteration',
    yTitle: 'loss Σ (y − ŷ)² (log scale)',
    yScale: 'log',
  });
  const lossCurve = writePicture(ctx.outDir, 'loss', svg);
  const ok =
    result.predictions.every((p, i) => Math.abs(p - TARGETS[i]!) < 0.1) &&
    result.losses.at(-1)! < result.losses[0]!;
  return { ...result, iterations, lossCurve, ok };
}

/** The loss every so often and the prediction table beside the seeds'. */
export function report(run: TwoLayerRun): string {
  const checkpoints = [1, 10, 100, 250, 500, 1000, 1500].filter((i) => i <= run.iterations);
  const cell = (c: string | number, width = 12) => String(c).padEnd(width);
  return [
    'A 3-4-1 network, ŷ = σ(σ(X·W1)·W2), weights uniform in [0, 1), no biases; loss Σ (y − ŷ)²,',
    'gradients by backward(), update W ← W − dLoss/dW (the seeds add the negative gradient, step 1).',
    '',
    'iteration   loss',
    ...checkpoints.map((i) => `${cell(i)}${run.losses[i - 1]!.toFixed(6)}`),
    '',
    `${cell('input', 14)}${cell('prediction')}${cell('y (actual)')}seed's prediction`,
    ...INPUTS.map(
      (row, i) =>
        `${cell(row.join(' '), 14)}${cell(run.predictions[i]!.toFixed(3))}${cell(TARGETS[i]!)}${SEED_PREDICTIONS[i]!.toFixed(3)}`,
    ),
    '',
    pictureLine('The loss curve', run.lossCurve),
  ].join('\n');
}

/** The demo's entry for this example. */
export const example: Example = {
  name: 'two-layer-network',
  reproduces: 'seeds 000, 003: 3-4-1 sigmoid network, 1500 iterations',
  seedFigure: SEED_PREDICTIONS.join(' '),
  async run(ctx) {
    const run = await twoLayerNetwork(ctx);
    ctx.log(report(run));
    return {
      ours: run.predictions.map((p) => p.toFixed(3)).join(' '),
      ok: run.ok,
      files: pictureFiles(run.lossCurve),
    };
  },
};
