// Where a moons epoch's time goes, kernel by kernel: the epoch of moons-kit.ts (`biased`: each hidden
// layer as linear without activation, the bias added inside the product, then a separate relu; what
// separate ops would cost with only the product and its bias add computed as one kernel call) on the
// wasm backend, every kernel call timed through a backend
// that wraps the wasm one, and the time outside the kernels (graph, checks, allocation) as the rest.
// Figures for issue 14's item 9 (bench/README.md, "Item 9 on two threads: where the time goes").
// Usage: node … moons-kernels.ts <ops|columns|fused|biased> <threads> [epochs, 2000]

import { setBackend, setNumThreads } from '@chainrule/engine';
import { type Kernels, kernels, registerBackend } from '@chainrule/engine/internal';
import { cpuModel } from './measure.js';
import { chainruleEpoch, columnEpoch } from './moons-kit.js';
import type { LayerStyle } from './train-kit.js';

const [style, threads] = [process.argv[2] ?? '', Number(process.argv[3])];
const epochs = Number(process.argv[4] ?? 2000);
if (!['ops', 'columns', 'fused', 'biased'].includes(style) || !(threads >= 1) || !(epochs >= 1)) {
  throw new Error(
    `moons-kernels: expected a style and a thread count, got ${process.argv.slice(2).join(' ')}`,
  );
}
const sizes = [2, 25, 50, 50, 25, 1];

setBackend('wasm');
setNumThreads(threads);
const wasm = kernels();
const spent = new Map<string, number>();
/** The wasm kernels, each call timed under its name, its op and whether an array reaches 20,000 elements. */
const timing = Object.fromEntries(
  Object.entries(wasm).map(([name, kernel]) => {
    if (typeof kernel !== 'function') return [name, kernel];
    const timed = (...args: unknown[]): unknown => {
      const op = typeof args[0] === 'string' ? ` ${args[0]}` : '';
      const large = args.some((a) => a instanceof Float64Array && a.length >= 20_000) ? ' (large)' : '';
      const start = performance.now();
      const result = (kernel as (...a: unknown[]) => unknown)(...args);
      const key = `${name}${op}${large}`;
      spent.set(key, (spent.get(key) ?? 0) + performance.now() - start);
      return result;
    };
    return [name, timed];
  }),
);
registerBackend({ ...timing, name: 'timed' } as unknown as Kernels);
const epoch = style === 'columns' ? columnEpoch(sizes) : chainruleEpoch(sizes, style as LayerStyle);
setBackend('timed' as 'wasm');
for (let i = 0; i < 300; i++) epoch();
spent.clear();
const start = performance.now();
for (let i = 0; i < epochs; i++) epoch();
const total = (performance.now() - start) / epochs;
const inKernels = [...spent.values()].reduce((s, ms) => s + ms, 0) / epochs;
console.log(`${cpuModel()}, ${threads} thread(s), ${style}: ${epochs} epochs after 300`);
console.log(
  `epoch ${total.toFixed(3)} ms: in kernels ${inKernels.toFixed(3)}, outside ${(total - inKernels).toFixed(3)}`,
);
for (const [key, ms] of [...spent].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${((ms / epochs) * 1000).toFixed(1).padStart(8)} µs  ${key}`);
}
