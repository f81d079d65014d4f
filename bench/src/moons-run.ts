// The workload on its own, as a training script would run it: 10,000 full-batch epochs of the
// 2-25-50-50-25-1 moons classifier, in a process that loads nothing else (no TensorFlow.js, no other
// contender's garbage). tensor-moons.ts starts it once per thread count and prints what it reports.
// Usage: node … moons-run.ts <threads> <ops|columns|fused|nn> (ops: separate ops, a point per row;
// columns: separate ops in the tutorial's column layout, W·A + b with b [out, 1]; nn: the network, loss
// and optimizer from @chainrule/nn, as an outside benchmark that knows only the public API would
// write it) [epochs, default 10,000: fewer for comparing styles on a busy machine].

import { setBackend, setNumThreads } from '@chainrule/engine';
import { chainruleEpoch, columnEpoch } from './moons-kit.js';

const [threads, style] = [Number(process.argv[2]), process.argv[3]];
const epochs = Number(process.argv[4] ?? 10_000);
const styles = ['ops', 'columns', 'fused', 'nn'];
if (!(threads >= 1) || !styles.includes(style ?? '') || !(epochs >= 1)) {
  throw new Error(
    `moons-run: expected a thread count and one of ${styles.join(', ')}, got ${process.argv.slice(2).join(' ')}`,
  );
}
setBackend('wasm');
setNumThreads(threads);
const sizes = [2, 25, 50, 50, 25, 1];
// nn only for its own style: loading it (with its ONNX exporter) changes how V8 collects this process
const epoch =
  style === 'nn'
    ? (await import('./moons-nn.js')).nnEpoch(sizes)
    : style === 'columns'
      ? columnEpoch(sizes)
      : chainruleEpoch(sizes, style as 'ops' | 'fused');
const start = performance.now();
const cpuStart = process.cpuUsage();
for (let i = 0; i < epochs; i++) epoch();
// the process's CPU time (every thread) too: on a machine shared with other work it is inflated less
// than the wall time, which counts the time this process waited for a core
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000, cpuSeconds, epochs }));
