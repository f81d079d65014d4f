// Full-batch epochs of the moons classifiers (sigmoid out, binary cross-entropy, plain gradient descent),
// each written two ways: with separate ops (matmul, add, relu) and with each library's fused dense layer
// (chainrule's linear, which nn's Linear runs with activation 'relu'; TensorFlow.js's fused.matMul).

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@chainrule/engine';
import { machine } from './measure.js';
import { chainruleEpoch, lr, makeMoons, points } from './moons-kit.js';
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
import type { Style } from './train-kit.js';

/** The networks: seed 002's architecture list and issue 8's wider one. */
const networks = [
  { name: '2-4-6-6-4-1', sizes: [2, 4, 6, 6, 4, 1] },
  { name: '2-25-50-50-25-1', sizes: [2, 25, 50, 50, 25, 1] },
];

/**
 * The same epoch in TensorFlow.js: tf.variableGrads and its plain SGD optimizer. Fused, its
 * fused.matMul adds the bias in the product and (outside gradient mode only) applies the relu.
 */
function tfEpoch(sizes: readonly number[], style: Style): () => void {
  const rng = createRng(2);
  const data = makeMoons(rng);
  const x = tf.tensor2d(Float32Array.from(data.x), [points, 2]);
  const y = tf.tensor2d(Float32Array.from(data.y), [points, 1]);
  const notY = tf.sub(1, y);
  const net = tfNet(sizes, rng, style);
  return tfTrainStep(
    () => {
      const h = tf.sigmoid(net.forward(x));
      const ll = tf.add(tf.mul(y, tf.log(h)), tf.mul(notY, tf.log(tf.sub(1, h))));
      return tf.neg(tf.mean(ll)) as tf.Scalar;
    },
    net.vars,
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
const tenThousand: Record<Style, Figures> = { ops: {}, fused: {} };
for (const { name, sizes } of networks) {
  for (const style of ['ops', 'fused'] as const) {
    const ms = await msPerCall(
      present,
      (c) => (c.startsWith('chainrule') ? chainruleEpoch(sizes, style) : tfEpoch(sizes, style)),
      timing,
    );
    const figures: Figures = {};
    for (const c of present) {
      figures[c] = 1000 / ms[c]!;
      if (name === '2-25-50-50-25-1') tenThousand[style][c] = ms[c]! * 10; // 10,000 epochs in seconds
    }
    rows.push({ name: `${name}, ${style === 'ops' ? 'separate ops' : 'fused layers'}`, figures });
  }
}
console.log(ratioTable('network', 'epochs/s', rows, present));
for (const style of ['ops', 'fused'] as const) {
  console.log(
    `10,000 epochs of 2-25-50-50-25-1 (${style === 'ops' ? 'separate ops' : 'fused layers'}), extrapolated from the median epoch (s): ${present
      .map((c) => `${c} ${fmt(tenThousand[style][c])}`)
      .join(', ')}`,
  );
}
// The issue's workload itself, not extrapolated: 10,000 epochs in one go, in a fresh process per
// run (as a training script runs it: the contenders above leave garbage whose collection competes
// with a second thread on a 2-core machine): fused layers on one and two threads, nn's pieces and
// separate ops (a point per row, and the tutorial's column layout) on two. A full run only: about two minutes.
if (!quick && present.includes('chainrule wasm ×1')) {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'moons-run.ts');
  const names = {
    fused: 'fused layers',
    nn: "nn's Sequential, loss and SGD",
    ops: 'separate ops',
    columns: "separate ops in the tutorial's column layout",
  };
  const runs = (
    [
      [1, 'fused'],
      [2, 'fused'],
      [2, 'nn'],
      [2, 'ops'],
      [2, 'columns'],
    ] as const
  ).map(([threads, style]) => {
    const run = spawnSync(process.execPath, [...process.execArgv, script, String(threads), style], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`bench: moons-run.ts ${style} on ${threads} thread(s) failed`);
    return `${names[style]}, wasm ×${threads}: ${fmt(JSON.parse(run.stdout).seconds)} s`;
  });
  console.log(`10,000 epochs of 2-25-50-50-25-1, run in full, each in a fresh process: ${runs.join('; ')}`);
}
console.log(legend(present));
