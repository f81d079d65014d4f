// The MLP step as a user of nn writes it, alone in a fresh process: a 784-256-256-10 `Sequential` of
// `Linear` layers (the hidden ones with `activation: 'relu'`, fused), `crossEntropy` on class labels,
// the `SGD` optimizer (lr 0.01), batch 128, nn's public pieces only. tensor-mlp.ts starts it once per thread count and prints what it reports.
// Usage: node … mlp-run.ts <threads>

import { createRng, setBackend, setNumThreads, Tensor } from '@chainrule/engine';
import { crossEntropy, Linear, Sequential, SGD } from '@chainrule/nn';
import { watchCollector } from './collector.js';

// thread count of the wasm backend: not public API, set the way tensor-kit.ts sets it

const threads = Number(process.argv[2]);
if (!(threads >= 1))
  throw new Error(`mlp-run: expected a thread count, got ${process.argv.slice(2).join(' ')}`);
setBackend('wasm');
setNumThreads(threads);
const rng = createRng(1);
const x = new Tensor(
  Float64Array.from({ length: 128 * 784 }, () => rng.normal()),
  [128, 784],
);
const labels = Array.from({ length: 128 }, () => rng.int(10));
const model = new Sequential(
  new Linear(784, 256, { seed: 1, activation: 'relu' }),
  new Linear(256, 256, { seed: 2, activation: 'relu' }),
  new Linear(256, 10, { seed: 3 }),
);
const optimizer = new SGD(model.parameters(), { lr: 0.01 });
const step = (): void => {
  const loss = crossEntropy(model.forward(x), labels);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
};
for (let i = 0; i < 50; i++) step(); // warm-up: compile, grow memory, start the worker
// the median of five 2-second samples, with the collector's work meanwhile
const collector = watchCollector();
const samples = Array.from({ length: 5 }, () => {
  const start = performance.now();
  let steps = 0;
  while (performance.now() - start < 2000) {
    step();
    steps++;
  }
  return steps / ((performance.now() - start) / 1000);
}).sort((a, b) => a - b);
console.log(JSON.stringify({ stepsPerSecond: samples[2], ...(await collector()) }));
