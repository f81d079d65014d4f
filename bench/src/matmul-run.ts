// One product n × n · n × n on the wasm backend alone in a fresh process, for paired runs of two
// commits (bench/README.md, issue 14's "performance must hold"): two products to warm up, then the
// median of seven, in ms. tensor-matmul.ts measures the same product beside TensorFlow.js.
// Usage: node … matmul-run.ts <threads> [n, 1024]

import { createRng, setBackend, setNumThreads, Tensor } from '@chainrule/engine';

const threads = Number(process.argv[2]);
const n = Number(process.argv[3] ?? 1024);
if (!(threads >= 1) || !(n >= 1)) {
  throw new Error(`matmul-run: expected a thread count and a size, got ${process.argv.slice(2).join(' ')}`);
}
setBackend('wasm');
setNumThreads(threads);
const rng = createRng(3);
const a = new Tensor(
  Float64Array.from({ length: n * n }, () => rng.normal()),
  [n, n],
);
const b = new Tensor(
  Float64Array.from({ length: n * n }, () => rng.normal()),
  [n, n],
);
for (let i = 0; i < 2; i++) a.matmul(b);
const ms: number[] = [];
for (let i = 0; i < 7; i++) {
  const start = performance.now();
  a.matmul(b);
  ms.push(performance.now() - start);
}
ms.sort((x, y) => x - y);
const median = ms[3]!;
console.log(
  JSON.stringify({
    threads,
    n,
    medianMs: +median.toFixed(1),
    gflops: +((2 * n ** 3) / (median * 1e6)).toFixed(2),
  }),
);
