// The workload on its own, as a training script would run it: 10,000 full-batch epochs of the
// 2-25-50-50-25-1 moons classifier, in a process that loads nothing else (no TensorFlow.js, no other
// contender's garbage). tensor-moons.ts starts it once per thread count and prints what it reports.
// Usage: node … moons-run.ts <threads> <ops|fused|nn> (nn: the network, loss and optimizer from
// @chainrule/nn, as an outside benchmark that knows only the public API would write it).

import { setBackend, setNumThreads } from '@chainrule/engine';
// thread count of the wasm backend: not public API, set the way tensor-kit.ts sets it
import { chainruleEpoch, nnEpoch } from './moons-kit.js';

const [threads, style] = [Number(process.argv[2]), process.argv[3]];
if (!(threads >= 1) || (style !== 'ops' && style !== 'fused' && style !== 'nn')) {
  throw new Error(
    `moons-run: expected a thread count and ops, fused or nn, got ${process.argv.slice(2).join(' ')}`,
  );
}
setBackend('wasm');
setNumThreads(threads);
const sizes = [2, 25, 50, 50, 25, 1];
const epoch = style === 'nn' ? nnEpoch(sizes) : chainruleEpoch(sizes, style);
const start = performance.now();
for (let i = 0; i < 10_000; i++) epoch();
console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000 }));
