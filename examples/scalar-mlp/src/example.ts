// micrograd's demo as the demo runs it: training with a progress bar, the loss and accuracy, the decision boundary.

import {
  type Example,
  type ExampleContext,
  type Picture,
  pictureFiles,
  pictureLine,
  writePicture,
} from '@chainrule/example-kit';
import { decisionBoundarySvg } from '@chainrule/viz';
import { type ScalarMLPResult, scores, trainScalarMLP } from './scalar-mlp.js';

/** What `scalarMLP` computed and wrote. */
export interface ScalarMLPRun extends ScalarMLPResult {
  steps: number;
  boundary: Picture;
  /** Full run: final accuracy at least 95%. Quick run: the loss fell and accuracy reached 80%. */
  ok: boolean;
}

/** Trains for 100 steps (10 when `ctx.fast`) and draws the decision boundary under `ctx.outDir`. */
export async function scalarMLP(ctx: ExampleContext): Promise<ScalarMLPRun> {
  const steps = ctx.fast ? 10 : 100;
  const bar = ctx.progress('training', steps);
  const result = trainScalarMLP({
    steps,
    onStep: (step, loss, accuracy) => bar.update(step, { loss, accuracy: `${(accuracy * 100).toFixed(0)}%` }),
  });
  bar.stop();
  const svg = decisionBoundarySvg(
    (grid) => scores(result.model, grid).map((s) => 1 / (1 + Math.exp(-s))), // σ(score): 0.5 on the boundary
    result.data.x,
    result.data.y,
    {
      title: `Scalar MLP 2-16-16-1 on make_moons(100), after ${steps} steps`,
      xDomain: [-1.5, 2.5],
      yDomain: [-1, 1.5],
      legendTitle: 'σ(score)',
    },
  );
  const boundary = writePicture(ctx.outDir, 'decision-boundary', svg);
  const final = result.accuracies.at(-1)!;
  const ok = ctx.fast ? result.losses.at(-1)! < result.losses[0]! && final >= 0.8 : final >= 0.95;
  return { ...result, steps, boundary, ok };
}

/** The loss and accuracy every ten steps, as micrograd prints them. */
export function report(run: ScalarMLPRun): string {
  return [
    `ScalarMLP(2, [16, 16, 1]): ${run.parameters} parameters, every one a Value on the graph.`,
    'Loss: mean of max(0, 1 − y·score) + 1e-4·Σ p²; SGD, learning rate 1.0 − 0.9·step/100.',
    '',
    ...run.losses
      .map((loss, i) => ({ step: i, loss, accuracy: run.accuracies[i]! }))
      .filter(({ step }) => step % 10 === 0 || step === run.steps - 1)
      .map(
        ({ step, loss, accuracy }) =>
          `step ${String(step).padStart(2)} loss ${loss.toFixed(6)}, accuracy ${(accuracy * 100).toFixed(0)}%`,
      ),
    '',
    pictureLine('The decision boundary', run.boundary),
  ].join('\n');
}

/** The demo's entry for this example. */
export const example: Example = {
  name: 'scalar-mlp',
  reproduces: "micrograd's demo: 2-16-16-1 on moons, hinge + L2",
  seedFigure: 'accuracy 100% after 100 steps',
  async run(ctx) {
    const run = await scalarMLP(ctx);
    ctx.log(report(run));
    return {
      ours: `accuracy ${(run.accuracies.at(-1)! * 100).toFixed(0)}% after ${run.steps} steps`,
      ok: run.ok,
      files: pictureFiles(run.boundary),
    };
  },
};
