// One training step of a 784-256-256-10 MLP at batch 128, in steps per second, beside TensorFlow.js; the
// layers written with separate ops (matmul, add, relu) and with each library's fused dense layer.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, type Rng, Tensor } from '@chainrule/engine';
import { machine } from './measure.js';
import {
  contenders,
  type Figures,
  fmt,
  legend,
  msPerCall,
  quick,
  ratioTable,
  setUpTf,
  type TimingPlan,
  tf,
  tfNet,
  tfTrainStep,
} from './tensor-kit.js';
import { chainruleNet, type Style, sgdInPlace } from './train-kit.js';

const sizes = [784, 256, 256, 10];
const batch = 128;
const lr = 0.01;

/** The batch: standard-normal inputs and one-hot labels, the same numbers for every contender. */
function makeBatch(rng: Rng): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(batch * sizes[0]!);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const classes = sizes[sizes.length - 1]!;
  const y = new Float64Array(batch * classes);
  for (let r = 0; r < batch; r++) y[r * classes + rng.int(classes)] = 1;
  return { x, y };
}

/**
 * chainrule, public API only: forward with relu, cross-entropy as the mean over the batch of
 * -Σ onehot·logSoftmax(logits), backward, then SGD in place under noGrad.
 */
function chainruleStep(style: Style): () => void {
  const rng = createRng(1);
  const { x: xData, y: yData } = makeBatch(rng);
  const x = new Tensor(xData, [batch, sizes[0]!]);
  const y = new Tensor(yData, [batch, sizes[sizes.length - 1]!]);
  const net = chainruleNet(sizes, rng, style);
  return () => {
    const h = net.forward(x);
    const loss = h.logSoftmax(-1).mul(y).sum().div(-batch);
    loss.backward();
    sgdInPlace(net.params, lr);
  };
}

/**
 * TensorFlow.js: the same network and loss, gradients by tf.variableGrads, plain SGD by its optimizer;
 * fused, its fused.matMul adds the bias (and, outside gradient mode only, applies the relu).
 */
function tfStep(style: Style): () => void {
  const rng = createRng(1);
  const { x: xData, y: yData } = makeBatch(rng);
  const x = tf.tensor2d(Float32Array.from(xData), [batch, sizes[0]!]);
  const y = tf.tensor2d(Float32Array.from(yData), [batch, sizes[sizes.length - 1]!]);
  const net = tfNet(sizes, rng, style);
  return tfTrainStep(
    () => {
      const h = net.forward(x);
      return tf.div(tf.sum(tf.mul(tf.logSoftmax(h, -1), y)), -batch) as tf.Scalar;
    },
    net.vars,
    lr,
  );
}

const timing: TimingPlan = quick
  ? { warmup: 2, samples: 3, minSampleMs: 300 }
  : { warmup: 5, samples: 5, minSampleMs: 1000 };

await setUpTf();
const present = contenders();
console.log(
  `MLP training step, ${sizes.join('-')} relu, batch ${batch}, cross-entropy, backward, SGD (${machine()})`,
);
const rows: { name: string; figures: Figures }[] = [];
for (const style of ['ops', 'fused'] as const) {
  const ms = await msPerCall(
    present,
    (c) => (c.startsWith('chainrule') ? chainruleStep(style) : tfStep(style)),
    timing,
  );
  const figures: Figures = {};
  for (const c of present) figures[c] = 1000 / ms[c]!;
  rows.push({ name: `one step, ${style === 'ops' ? 'separate ops' : 'fused layers'}`, figures });
}
console.log(ratioTable('workload', 'steps/s', rows, present));
// The step as nn's user writes it (Sequential, crossEntropy, SGD), alone in a fresh process per
// thread count, as a training script runs it. A full run only: about 15 s each.
if (!quick && present.includes('chainrule wasm ×1')) {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'mlp-run.ts');
  const runs = [1, 2].map((threads) => {
    const run = spawnSync(process.execPath, [...process.execArgv, script, String(threads)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`bench: mlp-run.ts on ${threads} thread(s) failed`);
    return `wasm ×${threads} ${fmt(JSON.parse(run.stdout).stepsPerSecond)} steps/s`;
  });
  console.log(`one step with nn's Sequential, crossEntropy and SGD, in a fresh process: ${runs.join(', ')}`);
}
console.log(legend(present));
