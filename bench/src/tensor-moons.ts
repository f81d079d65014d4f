// Full-batch epochs of the moons classifiers (sigmoid out, binary cross-entropy, plain gradient descent).

import { createRng, type Rng, sub, Tensor } from '@chainrule/engine';
import { machine } from './measure.js';
import {
  activate,
  contenders,
  type Figures,
  fmt,
  heParams,
  legend,
  msPerCall,
  quick,
  ratioTable,
  setUpTf,
  sgdInPlace,
  type TimingPlan,
  tf,
  tfTrainStep,
} from './tensor-kit.js';

const points = 900;
const lr = 0.1;

/** The networks: seed 002's architecture list and issue 8's wider one. */
const networks = [
  { name: '2-4-6-6-4-1', sizes: [2, 4, 6, 6, 4, 1] },
  { name: '2-25-50-50-25-1', sizes: [2, 25, 50, 50, 25, 1] },
];

/** scikit-learn's two interleaving half circles with Gaussian noise 0.2: x is [points, 2], y is [points, 1]. */
function makeMoons(rng: Rng): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(points * 2);
  const y = new Float64Array(points);
  const half = points / 2;
  for (let i = 0; i < points; i++) {
    const upper = i < half;
    const t = (Math.PI * (upper ? i : i - half)) / (half - 1);
    x[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + rng.normal(0, 0.2);
    x[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + rng.normal(0, 0.2);
    y[i] = upper ? 0 : 1;
  }
  return { x, y };
}

/**
 * One full-batch epoch in chainrule, public API only: relu hidden layers, sigmoid out (the engine's
 * composite), BCE = -mean(y·log p + (1-y)·log(1-p)), backward, gradient descent in place.
 */
function chainruleEpoch(sizes: readonly number[]): () => void {
  const rng = createRng(2);
  const data = makeMoons(rng);
  const x = new Tensor(data.x, [points, 2]);
  const y = new Tensor(data.y, [points, 1]);
  const notY = sub(1, y);
  const layers = heParams(sizes, rng).map(({ w, b }, i) => ({
    w: new Tensor(w, [sizes[i]!, sizes[i + 1]!], { requiresGrad: true }),
    b: new Tensor(b, [sizes[i + 1]!], { requiresGrad: true }),
  }));
  const params = layers.flatMap((l) => [l.w, l.b]);
  return () => {
    let h = x;
    layers.forEach((l, i) => {
      h = h.matmul(l.w).add(l.b);
      h = i < layers.length - 1 ? h.relu() : h.sigmoid();
    });
    const loss = y
      .mul(h.log())
      .add(notY.mul(sub(1, h).log()))
      .mean()
      .neg();
    loss.backward();
    sgdInPlace(params, lr);
  };
}

/** The same epoch in TensorFlow.js: tf.variableGrads and its plain SGD optimizer. */
function tfEpoch(sizes: readonly number[]): () => void {
  const rng = createRng(2);
  const data = makeMoons(rng);
  const x = tf.tensor2d(Float32Array.from(data.x), [points, 2]);
  const y = tf.tensor2d(Float32Array.from(data.y), [points, 1]);
  const notY = tf.sub(1, y);
  const layers = heParams(sizes, rng).map(({ w, b }, i) => ({
    w: tf.variable(tf.tensor2d(Float32Array.from(w), [sizes[i]!, sizes[i + 1]!])),
    b: tf.variable(tf.tensor1d(Float32Array.from(b))),
  }));
  return tfTrainStep(
    () => {
      let h: tf.Tensor2D = x;
      layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.w), l.b);
        h = i < layers.length - 1 ? tf.relu(h) : tf.sigmoid(h);
      });
      const ll = tf.add(tf.mul(y, tf.log(h)), tf.mul(notY, tf.log(tf.sub(1, h))));
      return tf.neg(tf.mean(ll)) as tf.Scalar;
    },
    layers.flatMap((l) => [l.w, l.b]),
    lr,
  );
}

/** Each sample runs epochs for at least this long, after some epochs of warm-up. */
const timing: TimingPlan = quick
  ? { warmup: 10, samples: 3, minSampleMs: 300 }
  : { warmup: 30, samples: 5, minSampleMs: 1000 };

await setUpTf();
const present = contenders();
console.log(`moons classifiers, ${points} points, full-batch gradient descent (${machine()})`);
const rows: { name: string; figures: Figures }[] = [];
const tenThousand: Figures = {};
for (const { name, sizes } of networks) {
  const ms = await msPerCall(
    present,
    (c) => (c.startsWith('chainrule') ? chainruleEpoch(sizes) : tfEpoch(sizes)),
    timing,
  );
  const figures: Figures = {};
  for (const c of present) {
    figures[c] = 1000 / ms[c]!;
    if (name === '2-25-50-50-25-1') tenThousand[c] = ms[c]! * 10; // 10,000 epochs in seconds
  }
  rows.push({ name, figures });
}
console.log(ratioTable('network', 'epochs/s', rows, present));
console.log(
  `10,000 epochs of 2-25-50-50-25-1, extrapolated from the median epoch (s): ${present
    .map((c) => `${c} ${fmt(tenThousand[c])}`)
    .join(', ')}`,
);
// The issue's workload itself, not extrapolated: 10,000 epochs in one go on the fastest chainrule
// contender (a full run only: it takes about half a minute).
if (!quick) {
  const fastest = present
    .filter((c) => c.startsWith('chainrule'))
    .reduce((a, b) => ((tenThousand[a] ?? Infinity) <= (tenThousand[b] ?? Infinity) ? a : b));
  await activate(fastest);
  const epoch = chainruleEpoch([2, 25, 50, 50, 25, 1]);
  const start = performance.now();
  for (let i = 0; i < 10_000; i++) epoch();
  const seconds = (performance.now() - start) / 1000;
  console.log(`10,000 epochs of 2-25-50-50-25-1 run in full on ${fastest}: ${fmt(seconds)} s`);
}
console.log(legend(present));
