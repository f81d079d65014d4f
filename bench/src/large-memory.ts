// Memory given back after a large product: the resident set before, at its peak during, and after one
// product whose operands are far larger than a training step's, on the 'wasm' backend as it ships
// (operands past LARGE_BYTES go to a temporary WebAssembly memory) and with that limit lifted (the
// kept memory grows to hold them and never shrinks, as before). Each variant runs in a fresh process.
// Usage: node … large-memory.ts [--quick]   (a child runs: large-memory.ts --variant shipped|kept)

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { setNumThreads } from '@chainrule/engine';
import { createWasmKernels, LARGE_BYTES, tsKernels, type WasmKernels } from '@chainrule/engine/internal';
import { figureTable, machine } from './measure.js';

const MB = 1 << 20;
const quick = process.argv.includes('--quick');
/** A [rows, 2000]·[2000, 32] product: A is 305 MB (122 MB with --quick), B and C a few MB. */
const [rows, depth, cols] = [quick ? 8000 : 20_000, 2000, 32];

interface Figures {
  before: number;
  peak: number;
  after: number;
  kept: number;
  seconds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const rss = () => process.memoryUsage.rss();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples the resident set every 2 ms on another thread, since the product blocks this one. */
function sampler(): { stop(): Promise<number> } {
  const peak = new Float64Array(new SharedArrayBuffer(16));
  const worker = new Worker(
    `const { workerData: peak } = require('node:worker_threads');
     for (;;) {
       const now = process.memoryUsage.rss();
       if (now > peak[0]) peak[0] = now;
       if (peak[1] === 1) break;
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
     }`,
    { eval: true, workerData: peak },
  );
  return {
    stop: async () => {
      peak[1] = 1;
      await new Promise((resolve) => worker.once('exit', resolve));
      return peak[0]!;
    },
  };
}

async function variant(name: string): Promise<Figures> {
  setNumThreads(2);
  const options = name === 'kept' ? { largeBytes: Number.POSITIVE_INFINITY } : {};
  const kernels = createWasmKernels(tsKernels, options) as WasmKernels;
  const a = Float64Array.from({ length: rows * depth }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: depth * cols }, (_, i) => Math.cos(i));
  const out = new Float64Array(rows * cols);
  // a small product first, as a training step would have run: the pool and the kept memory exist
  kernels.matmul(a, b, out, 64, depth, cols, false, false, 1, 0, 0);
  gc?.();
  await pause(200);
  const before = rss();
  const watch = sampler();
  await pause(50);
  const start = performance.now();
  kernels.matmul(a, b, out, rows, depth, cols, false, false, 1, 0, 0);
  const seconds = (performance.now() - start) / 1000;
  const peak = await watch.stop();
  // let the temporary workers exit and the collector take their memory
  for (let i = 0; i < 5; i++) {
    await pause(100);
    gc?.();
  }
  return { before, peak, after: rss(), kept: kernels.wasm.memoryBytes, seconds };
}

const variantArg = process.argv.indexOf('--variant');
if (variantArg >= 0) {
  console.log(JSON.stringify(await variant(process.argv[variantArg + 1]!)));
} else {
  const here = fileURLToPath(import.meta.url);
  const rowsOut: (string | number)[][] = [];
  for (const name of ['shipped', 'kept']) {
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, here, ...process.argv.slice(2), '--variant', name],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`large-memory: the ${name} run failed\n${run.stderr}`);
    const f = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Figures;
    const label =
      name === 'shipped'
        ? `temporary memory past ${LARGE_BYTES / MB} MiB (as shipped)`
        : 'kept memory grows (limit lifted)';
    rowsOut.push([
      label,
      (f.before / MB).toFixed(0),
      (f.peak / MB).toFixed(0),
      (f.after / MB).toFixed(0),
      (f.kept / MB).toFixed(0),
      f.seconds.toFixed(2),
    ]);
  }
  console.log(
    `large-memory: one [${rows}, ${depth}]·[${depth}, ${cols}] product on two threads, A = ${((rows * depth * 8) / MB).toFixed(0)} MB`,
  );
  console.log(machine());
  console.log(
    figureTable(
      ['memory', 'RSS before MB', 'RSS peak during MB', 'RSS after MB', 'WASM memory kept MB', 'product s'],
      rowsOut,
    ),
  );
}
