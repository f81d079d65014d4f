// The matmul kernels themselves, below the Tensor API: WebAssembly SIMD on one and two threads beside
// the TypeScript kernel, in GFLOP/s with the copies into and out of WebAssembly memory counted, and
// the crossovers that set the wasm backend's thresholds (WASM_MIN_FLOPS, THREAD_MIN_FLOPS).

import { availableParallelism, loadavg } from 'node:os';
import { setNumThreads } from '@chainrule/engine';
import {
  createWasmKernels,
  THREAD_MIN_FLOPS,
  tsKernels,
  WASM_MIN_FLOPS,
  type WasmKernels,
} from '@chainrule/engine/internal';
import { figureTable, machine, median } from './measure.js';

const quick = process.argv.includes('--quick');
type Matmul = WasmKernels['matmul'];

/** One product: C (m×n) = op(A)·op(B) with inner dimension k. */
interface Shape {
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
}

/** GFLOP/s of one product shape through `matmul`: median and best of several samples, each at least `sampleMs` long. */
function rates(
  matmul: Matmul,
  { m, k, n, transA = false, transB = false }: Shape,
  threads: number,
): { median: number; best: number } {
  setNumThreads(threads);
  const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
  const out = new Float64Array(m * n);
  const big = m * n * k >= 2 ** 30;
  const sampleMs = quick ? 40 : 150;
  const samples = big ? (quick ? 1 : 5) : quick ? 3 : 9;
  matmul(a, b, out, m, k, n, transA, transB, 1, 0, 0); // warm-up: compile, grow memory, start workers
  const figures: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    do {
      matmul(a, b, out, m, k, n, transA, transB, 1, 0, 0);
      calls++;
      now = performance.now();
    } while (now - start < sampleMs);
    figures.push((2 * m * n * k * calls) / ((now - start) * 1e6));
  }
  return { median: median(figures), best: Math.max(...figures) };
}

/** The median: what to expect. */
const rate = (matmul: Matmul, shape: Shape, threads: number) => rates(matmul, shape, threads).median;
const gflops = (matmul: Matmul, n: number, threads: number) => rate(matmul, { m: n, k: n, n }, threads);

const wasm = createWasmKernels(tsKernels);
// thresholds at zero: every product goes through WebAssembly (and, with 2 threads, through both)
const forced = createWasmKernels(tsKernels, { minFlops: 0, threadMinFlops: 1 });
if (!wasm || !forced) {
  console.log('matmul-wasm: WebAssembly SIMD is not available here; nothing to measure');
} else {
  console.log(`matmul kernels, n×n · n×n, GFLOP/s = 2n³ / time, copies counted; SIMD (${machine()})`);
  const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 1);
  const rows = [64, 256, 1024].map((n) => {
    const shape = { m: n, k: n, n };
    const ts = rates(tsKernels.matmul, shape, 1);
    const one = rates(wasm.matmul, shape, 1);
    const two = rates(wasm.matmul, shape, 2);
    const both = (r: { median: number; best: number }) => `${fmt(r.median)} (${fmt(r.best)})`;
    return [
      `n = ${n}`,
      both(ts),
      both(one),
      both(two),
      `${fmt(one.median / ts.median)}×`,
      `${fmt(two.median / one.median)}×`,
    ];
  });
  console.log(figureTable(['size', 'ts', 'wasm 1 thread', 'wasm 2 threads', 'wasm/ts', '2 threads/1'], rows));
  const load = loadavg().map((x) => x.toFixed(1));
  console.log(
    `median (best) of the samples; ratios of medians. Load average ${load.join(' ')} on ${availableParallelism()} cores:`,
  );
  console.log(
    'other work on the machine takes cores from the second thread first, so its best sample shows what it can do.',
  );

  console.log('\nthe products of one 784-256 layer at batch 128: forward X·W, backward Xᵀ·G and G·Wᵀ');
  const layer: [string, Shape][] = [
    ['X·W     128×784 · 784×256', { m: 128, k: 784, n: 256 }],
    ['Xᵀ·G    784×128 · 128×256', { m: 784, k: 128, n: 256, transA: true }],
    ['G·Wᵀ    128×256 · 256×784', { m: 128, k: 256, n: 784, transB: true }],
  ];
  const layerRows = layer.map(([name, shape]) => {
    const ts = rate(tsKernels.matmul, shape, 1);
    const one = rate(wasm.matmul, shape, 1);
    const two = rate(wasm.matmul, shape, 2);
    return [name, fmt(ts), fmt(one), fmt(two), `${fmt(one / ts)}×`, `${fmt(two / one)}×`];
  });
  console.log(
    figureTable(['product', 'ts', 'wasm 1 thread', 'wasm 2 threads', 'wasm/ts', '2 threads/1'], layerRows),
  );

  console.log(
    `\ncrossovers (wasm and threads forced on every size; defaults: wasm from ${WASM_MIN_FLOPS} multiply-adds,` +
      ` a second thread from ${2 * THREAD_MIN_FLOPS})`,
  );
  const small = quick ? [4, 6, 8, 16, 32, 64, 128] : [2, 4, 5, 6, 7, 8, 12, 16, 24, 32, 48, 64, 96, 128];
  const crossRows = small.map((n) => {
    const ts = gflops(tsKernels.matmul, n, 1);
    const one = gflops(forced.matmul, n, 1);
    const two = gflops(forced.matmul, n, 2);
    return [`n = ${n}`, fmt(ts), fmt(one), fmt(two), one > ts ? 'wasm' : 'ts', two > one ? '2' : '1'];
  });
  console.log(figureTable(['size', 'ts', 'wasm 1', 'wasm 2', 'faster', 'threads'], crossRows));
}
