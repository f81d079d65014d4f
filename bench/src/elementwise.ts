// The elementwise kernels themselves, below the Tensor API: the wasm backend's WebAssembly SIMD loops
// (copies into and out of its memory counted) beside the TypeScript loops, in nanoseconds per element
// over array sizes, and the crossover that sets WASM_MIN_ELEMENTS.

import { loadavg } from 'node:os';
import { createWasmKernels, type Kernels, tsKernels, WASM_MIN_ELEMENTS } from '@chainrule/engine/internal';
import { figureTable, machine, median } from './measure.js';

const quick = process.argv.includes('--quick');

/** One kernel call on arrays of n elements, the way a training step makes it. */
interface Case {
  name: string;
  run(k: Kernels, n: number, data: Data): void;
}

interface Data {
  x: Float64Array;
  y: Float64Array;
  row: Float64Array;
  out: Float64Array;
}

const width = 50;
const cases: Case[] = [
  { name: 'relu', run: (k, _n, d) => k.unary('relu', d.x, d.out) },
  { name: 'add, equal shapes', run: (k, n, d) => k.binary('add', d.x, [n], d.y, [n], d.out, [n]) },
  {
    name: 'add a bias row (width 50)',
    run: (k, n, d) => k.binary('add', d.x, [n / width, width], d.row, [width], d.out, [n / width, width]),
  },
  { name: 'reluGrad', run: (k, n, d) => k.binary('reluGrad', d.x, [n], d.y, [n], d.out, [n]) },
  {
    name: 'sumTo a bias row (width 50)',
    run: (k, n, d) => k.sumTo(d.x, [n / width, width], d.out.subarray(0, width), [width]),
  },
];
const sizes = [50, 100, 200, 400, 1000, 4000, 45_000];

/** Nanoseconds per element of one case at size n: the median of several samples. */
function nsPerElement(k: Kernels, c: Case, n: number): number {
  const data: Data = {
    x: Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
    y: Float64Array.from({ length: n }, (_, i) => Math.cos(i)),
    row: Float64Array.from({ length: width }, (_, i) => i / width),
    out: new Float64Array(Math.max(n, width)),
  };
  const sampleMs = quick ? 20 : 80;
  for (let i = 0; i < 200; i++) c.run(k, n, data);
  const figures: number[] = [];
  for (let s = 0; s < (quick ? 3 : 7); s++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    do {
      c.run(k, n, data);
      calls++;
      now = performance.now();
    } while (now - start < sampleMs);
    figures.push(((now - start) * 1e6) / (calls * n));
  }
  return median(figures);
}

const wasm = createWasmKernels(tsKernels, { minElements: 0 });
if (!wasm) throw new Error('bench: WebAssembly SIMD is not available here');
console.log(`elementwise kernels, ns per element (${machine()})`);
const rows: string[][] = [];
for (const c of cases) {
  for (const n of sizes) {
    const ts = nsPerElement(tsKernels, c, n);
    const w = nsPerElement(wasm, c, n);
    rows.push([c.name, n.toLocaleString('en-US'), ts.toFixed(2), w.toFixed(2), `${(ts / w).toFixed(2)}×`]);
  }
}
console.log(figureTable(['kernel', 'elements', 'ts', 'wasm', 'ts ÷ wasm'], rows));
console.log(`The wasm backend sends arrays of ${WASM_MIN_ELEMENTS} elements or more to WebAssembly.`);
console.log(
  `Load average when done: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}.`,
);
