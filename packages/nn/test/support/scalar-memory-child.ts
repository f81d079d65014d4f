// Run in a fresh process with --expose-gc by scalar-memory.test.ts: a small ScalarMLP trained for many
// steps, then the same network evaluated many times with recording on and no backward pass; prints the
// memory held after a forced collection every `every` steps, as one JSON line.
// node --expose-gc --conditions=@chainrule/source --import tsx scalar-memory-child.ts [steps] [every] [keep]
// With `keep`, the forward-only loop keeps every output: a leak on purpose, to show the check sees one.

import type { Value } from '@chainrule/engine';
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
