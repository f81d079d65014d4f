// One training step of a 784-256-256-10 MLP at batch 128, in steps per second, beside TensorFlow.js.

import { createRng, type Rng, Tensor } from '@chainrule/engine';
import { machine } from './measure.js';
import {
  contenders,
  type Figures,
  legend,
  msPerCall,
  quick,
  ratioTable,
  setUpTf,
  type TimingPlan,
  tf,
  tfTrainStep,
} from './tensor-kit.js';
import { heParams, sgdInPlace } from './train-kit.js';

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
function chainruleStep(): () => void {
  const rng = createRng(1);
  const { x: xData, y: yData } = makeBatch(rng);
  const x = new Tensor(xData, [batch, sizes[0]!]);
  const y = new Tensor(yData, [batch, sizes[sizes.length - 1]!]);
  const layers = heParams(sizes, rng).map(({ w, b }, i) => ({
    w: new Tensor(w, [sizes[i]!, sizes[i + 1]!], { requiresGrad: true }),
    b: new Tensor(b, [sizes[i + 1]!], { requiresGrad: true }),
  }));
  const params = layers.flatMap((l) => [l.w, l.b]);
  return () => {
    let h = x;
    layers.forEach((l, i) => {
      h = h.matmul(l.w).add(l.b);
      if (i < layers.length - 1) h = h.relu();
    });
    const loss = h.logSoftmax(-1).mul(y).sum().div(-batch);
    loss.backward();
    sgdInPlace(params, lr);
  };
}

/** TensorFlow.js: the same network and loss, gradients by tf.variableGrads, plain SGD by its optimizer. */
function tfStep(): () => void {
  const rng = createRng(1);
  const { x: xData, y: yData } = makeBatch(rng);
  const x = tf.tensor2d(Float32Array.from(xData), [batch, sizes[0]!]);
  const y = tf.tensor2d(Float32Array.from(yData), [batch, sizes[sizes.length - 1]!]);
  const layers = heParams(sizes, rng).map(({ w, b }, i) => ({
    w: tf.variable(tf.tensor2d(Float32Array.from(w), [sizes[i]!, sizes[i + 1]!])),
    b: tf.variable(tf.tensor1d(Float32Array.from(b))),
  }));
  return tfTrainStep(
    () => {
      let h: tf.Tensor2D = x;
      layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.w), l.b);
        if (i < layers.length - 1) h = tf.relu(h);
      });
      return tf.div(tf.sum(tf.mul(tf.logSoftmax(h, -1), y)), -batch) as tf.Scalar;
    },
    layers.flatMap((l) => [l.w, l.b]),
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
const ms = await msPerCall(present, (c) => (c.startsWith('chainrule') ? chainruleStep() : tfStep()), timing);
const figures: Figures = {};
for (const c of present) figures[c] = 1000 / ms[c]!;
console.log(ratioTable('workload', 'steps/s', [{ name: 'one step', figures }], present));
console.log(legend(present));
