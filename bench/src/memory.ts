// Memory over a long training run on the wasm backend: resident set size, JavaScript heap and
// WebAssembly memory every tenth of 100,000 full-batch steps (20,000 with --quick). Tensors are plain
// Float64Arrays the garbage collector frees and the WebAssembly scratch memory (with the ring of
// copies the fused layers leave there) is reused, so every figure should level off after the first
// steps instead of growing with them.

import { createRng, getBackend, linear, noGrad, setBackend, setNumThreads, Tensor } from '@chainrule/engine';
import { kernels, type WasmKernels } from '@chainrule/engine/internal';
import { canCollect, figureTable, machine, settledHeap } from './measure.js';

const quick = process.argv.includes('--quick');
const steps = quick ? 20_000 : 100_000;
const batch = 512;
const sizes = [2, 32, 32, 1];

setBackend('wasm');
if (getBackend() !== 'wasm') throw new Error('bench: the wasm backend is not available here');
setNumThreads(2);
const wasm = (kernels() as WasmKernels).wasm;

const rng = createRng(3);
const x = new Tensor(
  Float64Array.from({ length: batch * 2 }, () => rng.normal()),
  [batch, 2],
);
// a target the network can learn: the sign of x0·x1
const y = new Tensor(
  Float64Array.from({ length: batch }, (_, i) => (x.data[2 * i]! * x.data[2 * i + 1]! > 0 ? 1 : 0)),
  [batch, 1],
);
// weights stored [out, in], as nn's Linear stores them for the fused layer
const layers = sizes.slice(1).map((fanOut, i) => ({
  w: new Tensor(
    Float64Array.from({ length: sizes[i]! * fanOut }, () => rng.normal(0, Math.sqrt(2 / sizes[i]!))),
    [fanOut, sizes[i]!],
    { requiresGrad: true },
  ),
  b: new Tensor(new Float64Array(fanOut), [fanOut], { requiresGrad: true }),
}));

/** One step: relu MLP (fused layers), sigmoid out, mean squared error, backward, gradient descent in place. */
function step(): number {
  let h = x;
  layers.forEach((l, i) => {
    const hidden = i < layers.length - 1;
    h = linear(h, l.w, l.b, { activation: hidden ? 'relu' : 'none' });
    if (!hidden) h = h.sigmoid();
  });
  const loss = h.sub(y).pow(2).mean();
  loss.backward();
  noGrad(() => {
    for (const p of layers.flatMap((l) => [l.w, l.b])) {
      const g = p.grad!.data;
      for (let i = 0; i < p.data.length; i++) p.data[i]! -= 0.5 * g[i]!;
      p.zeroGrad();
    }
  });
  return loss.item();
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(
  `memory over ${steps.toLocaleString('en-US')} training steps, ${sizes.join('-')} relu MLP, batch ${batch}, wasm backend, 2 threads (${machine()})`,
);
if (!canCollect) console.log('(run with --expose-gc for settled heap figures)');
const rows: string[][] = [];
const start = performance.now();
let loss = step();
for (let done = 1; done <= steps; done++) {
  if (done === 1 || done % (steps / 10) === 0) {
    const heap = settledHeap();
    const { rss, arrayBuffers } = process.memoryUsage();
    rows.push([
      done.toLocaleString('en-US'),
      loss.toFixed(4),
      mb(rss),
      mb(heap),
      mb(arrayBuffers),
      mb(wasm.memoryBytes),
      String(wasm.workers),
    ]);
  }
  if (done < steps) loss = step();
}
console.log(
  figureTable(['step', 'loss', 'rss MiB', 'heap MiB', 'array buffers MiB', 'wasm MiB', 'workers'], rows),
);
console.log(`${((performance.now() - start) / steps).toFixed(3)} ms a step.`);
