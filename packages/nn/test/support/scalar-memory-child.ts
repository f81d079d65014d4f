// Run in a fresh process with --expose-gc by scalar-memory.test.ts: a small ScalarMLP trained for many
// steps, then the same network evaluated many times with recording on and no backward pass; prints the
// memory held after a forced collection every `every` steps, as one JSON line.
// node --expose-gc --conditions=@chainrule/source --import tsx scalar-memory-child.ts [steps] [every] [keep]
// With `keep`, the forward-only loop keeps every output: a leak on purpose, to show the check sees one.
// With `detach`, a loop keeps one detached Value per step of a 5,000-node graph and prints the growth.
// With `createGraph`, two loops differentiate with createGraph: `steps` steps of 6,000 nodes, then 200
// times as many small ones.

import { type Value, value } from '@chainrule/engine';
import { ScalarMLP } from '@chainrule/nn';

const steps = Number(process.argv[2] ?? 100_000);
const every = Number(process.argv[3] ?? 10_000);
const keep = process.argv[4] === 'keep';
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('scalar-memory-child: run with --expose-gc');

/**
 * Heap and typed-array memory (the Values' chunks) after a full collection, in MiB. Twice: array
 * buffers are freed by a sweep that runs after a collection, and the next collection waits for it.
 */
function held(): number {
  gc!();
  gc!();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

if (process.argv[4] === 'detach') {
  // a loss kept per step as `loss.detach()`, each step's graph 5,000 nodes: the kept Values' chunks
  // must not keep the steps' graphs (one chunk each, about 100 KiB, would be 200 MiB here)
  const start = held();
  const losses: Value[] = [];
  for (let step = 0; step < steps; step++) {
    let y = value(step);
    for (let j = 0; j < 2500; j++) y = y.mul(1.0001).add(0.1);
    losses.push(y.detach());
  }
  console.log(JSON.stringify({ grown: held() - start, kept: losses.length }));
  process.exit(0);
}

if (process.argv[4] === 'createGraph') {
  // gradients recorded as graphs (createGraph) hold Values of later steps: they must go with the node
  // they belong to. A step of 6,000 nodes, more than a chunk holds; then small steps with a detach as a
  // stop-gradient inside, each loss kept detached, as the docs suggest
  const w = value(0.5, 'w');
  const large: number[] = [];
  for (let step = 1; step <= steps; step++) {
    let y = w;
    for (let j = 0; j < 3000; j++) y = y.mul(0.9999).add(w);
    y.backward({ createGraph: true });
    w.data -= 1e-9 * w.grad;
    w.zeroGrad();
    if (step % every === 0) large.push(held());
  }
  const small: number[] = [];
  const losses: Value[] = [];
  for (let step = 1; step <= steps * 200; step++) {
    const pred = w.mul(step % 7).tanh();
    const target = pred.mul(0.9).detach();
    const loss = pred.sub(target).pow(2).add(w.pow(2).mul(1e-3));
    loss.backward({ createGraph: true });
    w.data -= 1e-3 * w.grad;
    w.zeroGrad();
    losses.push(loss.detach());
    if (step % (every * 200) === 0) small.push(held());
  }
  console.log(JSON.stringify({ large, small, kept: losses.length }));
  process.exit(0);
}

const model = new ScalarMLP(2, [4, 1], { seed: 1 });
const params = model.parameters();
const x = [0.5, -1.5];
const target = 1;

const training: number[] = [];
let loss: Value | null = null;
for (let step = 1; step <= steps; step++) {
  const [score] = model.forward(x);
  loss = score!.sub(target).pow(2);
  model.zeroGrad();
  loss.backward();
  for (const p of params) p.data -= 1e-3 * p.grad;
  if (step % every === 0) training.push(held());
}

// a forward-only loop outside noGrad: every graph is built with recording on and never differentiated
const forwardOnly: number[] = [];
let sum = 0;
const kept: Value[] = [];
for (let step = 1; step <= steps; step++) {
  const [out] = model.forward(x);
  sum += out!.data;
  if (keep) kept.push(out!);
  if (step % every === 0) forwardOnly.push(held());
}

console.log(JSON.stringify({ training, forwardOnly, loss: loss?.data, sum }));
