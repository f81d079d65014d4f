// Seed 001's mathematics as the demo runs it: the two products, the shape error, the 10-5-2 network's falling loss.

import { formatShape } from '@chainrule/engine';
import {
  type Example,
  type ExampleContext,
  type Picture,
  pictureFiles,
  pictureLine,
  writePicture,
} from '@chainrule/example-kit';
import { lineChartSvg } from '@chainrule/viz';
import { highSchoolMath } from './high-school-network.js';

/** What `highSchoolNetwork` computed and wrote. */
export type HighSchoolRun = ReturnType<typeof highSchoolMath> & {
  lossCurve: Picture;
  /** The loss fell, the inner product matched the sum by hand, and only [3,2]·[3,2] failed. */
  ok: boolean;
};

/** Runs seed 001's numeric part and writes the loss curve under `ctx.outDir`. */
export async function highSchoolNetwork(ctx: ExampleContext): Promise<HighSchoolRun> {
  const steps = 100;
  const bar = ctx.progress('training', steps);
  const math = highSchoolMath(1, { steps, onStep: (step, loss) => bar.update(step, { loss }) });
  bar.stop();
  const { losses } = math.training;
  const svg = lineChartSvg([{ name: 'loss', x: losses.map((_, i) => i + 1), y: losses }], {
    title: 'The 10-5-2 network: mean squared error by step (lr 0.1)',
    xTitle: 'step',
    yTitle: 'MSE loss',
  });
  const lossCurve = writePicture(ctx.outDir, 'loss', svg);
  const ok =
    losses.at(-1)! < losses[0]! &&
    Math.abs(math.inner.product - math.inner.byHand) < 1e-12 &&
    math.products.map((p) => p.error === undefined).join() === 'true,false,true';
  return { ...math, lossCurve, ok };
}

const vec = (xs: readonly number[]) => `(${xs.map((v) => v.toFixed(3)).join(', ')})`;

/** The products, the error message, and the loss every ten steps. */
export function report(run: HighSchoolRun): string {
  const { inner, products, training } = run;
  const { losses } = training;
  return [
    'Inner product of two random 3-vectors, w·x = w1·x1 + w2·x2 + w3·x3:',
    `  w = ${vec(inner.w)}, x = ${vec(inner.x)}`,
    `  w.matmul(x) = ${inner.product.toFixed(6)}   by hand: ${inner.byHand.toFixed(6)}`,
    '',
    'Matrix products: the rows of the left times the columns of the right, so the inner sizes must agree:',
    ...products.map(
      (p) =>
        `  ${formatShape(p.left)}·${formatShape(p.right)}  →  ${p.shape === undefined ? `error: ${p.error}` : formatShape(p.shape)}`,
    ),
    '',
    'A 10-5-2 network, fc1 → sigmoid → fc2 → sigmoid, random input and target, MSE, lr 0.1:',
    ...losses
      .map((loss, i) => ({ step: i + 1, loss }))
      .filter(({ step }) => step === 1 || step % 10 === 0)
      .map(({ step, loss }) => `  step ${String(step).padStart(3)}   loss ${loss.toFixed(6)}`),
    `  target ${vec(training.target)}, output after training ${vec(training.output)}`,
    '  (a sigmoid output stays in (0, 1): a target outside that range is approached, never reached,',
    '   so the loss falls towards a floor rather than to zero)',
    '',
    pictureLine('The loss curve', run.lossCurve),
  ].join('\n');
}

/** The demo's entry for this example. */
export const example: Example = {
  name: 'high-school-network',
  reproduces: 'seed 001: products, shape error, 10-5-2 MSE net',
  seedFigure: '[3,2]·[3,2] is an error; the loss falls over 100 steps',
  async run(ctx) {
    const run = await highSchoolNetwork(ctx);
    ctx.log(report(run));
    const { losses } = run.training;
    return {
      ours: `shape error raised; loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`,
      ok: run.ok,
      files: pictureFiles(run.lossCurve),
    };
  },
};
