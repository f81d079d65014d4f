// Square matrix products through the public API, in GFLOP/s, beside TensorFlow.js's cpu and wasm backends.

import { createRng, Tensor } from '@chainrule/engine';
import { machine } from './measure.js';
import {
  type Contender,
  contenders,
  type Figures,
  legend,
  msPerCall,
  quick,
  ratioTable,
  setUpTf,
  type TimingPlan,
  tf,
} from './tensor-kit.js';

const sizes = [64, 256, 1024];

/** Small products repeat within a sample; at n = 1024 one call is a sample (tfjs-cpu takes seconds). */
function plan(n: number): TimingPlan {
  if (n >= 1024)
    return quick ? { warmup: 0, samples: 1, minSampleMs: 0 } : { warmup: 1, samples: 3, minSampleMs: 0 };
  return quick ? { warmup: 3, samples: 3, minSampleMs: 50 } : { warmup: 10, samples: 7, minSampleMs: 200 };
}

/** One n×n product for a contender (its engine active), operands drawn once outside the timing. */
function product(c: Contender, n: number): () => void {
  if (c.startsWith('chainrule')) {
    const rng = createRng(n);
    const a = Tensor.randn([n, n], { rng });
    const b = Tensor.randn([n, n], { rng });
    return () => a.matmul(b);
  }
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  // dataSync: the product must really exist in JavaScript memory, as chainrule's does
  return () => {
    const out = tf.matMul(a, b);
    out.dataSync();
    out.dispose();
  };
}

await setUpTf();
const present = contenders();
console.log(`matmul, n×n · n×n, GFLOP/s = 2n³ / time (${machine()})`);
const rows: { name: string; figures: Figures }[] = [];
for (const n of sizes) {
  const ms = await msPerCall(present, (c) => product(c, n), plan(n));
  const figures: Figures = {};
  for (const c of present) figures[c] = (2 * n ** 3) / (ms[c]! * 1e6);
  rows.push({ name: `n = ${n}`, figures });
}
console.log(ratioTable('size', 'GFLOP/s', rows, present));
console.log(legend(present));
