import { setBackend } from '@chainrule/engine';
import { setNumThreads } from '../../packages/engine/src/kernels/wasm/index.js';
import { chainruleEpoch, columnEpoch, nnEpoch } from './moons-kit.js';
setBackend('wasm');
setNumThreads(2);
const sizes = [2, 25, 50, 50, 25, 1];
const n = Number(process.argv[2] ?? 500);
for (const style of (process.argv[3] ?? 'ops,columns,fused,nn').split(',')) {
  const epoch = style === 'nn' ? nnEpoch(sizes) : style === 'columns' ? columnEpoch(sizes) : chainruleEpoch(sizes, style as 'ops');
  for (let i = 0; i < 100; i++) epoch();
  const t = performance.now();
  for (let i = 0; i < n; i++) epoch();
  console.log(style, ((n * 1000) / (performance.now() - t)).toFixed(1), 'epochs/s');
}
