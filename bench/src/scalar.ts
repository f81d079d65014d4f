// Scalar Value graphs: how fast they build and backpropagate, and how much heap a node takes.

import { createRng, type Value, value } from '@chainrule/engine';
import { canCollect, figureTable, grouped, machine, median, settledHeap, timed } from './measure.js';

/** A benchmark case: a graph builder that returns its root and how many nodes it made. */
interface Case {
  name: string;
  build: () => { root: Value; nodes: number };
  repeats: number;
}

/**
 * A random DAG of `size` nodes from a seeded generator: 100 leaves, then ops that each take the node
 * made just before (so the root reaches every node and the depth is about `size`) and, for binary
 * ops, one earlier node drawn at random (long-range reuse, as in a network). tanh on every other
 * step keeps the values bounded.
 */
function randomGraph(size: number, seed: number): { root: Value; nodes: number } {
  const rng = createRng(seed);
  const made: Value[] = [];
  for (let i = 0; i < 100; i++) made.push(value(rng.uniform(-1, 1)));
  while (made.length < size) {
    const last = made[made.length - 1]!;
    const other = made[rng.int(made.length)]!;
    const r = rng.next();
    let next: Value;
    if (made.length % 2 === 0) next = r < 0.8 ? last.tanh() : last.relu();
    else if (r < 0.4) next = last.add(other);
    else if (r < 0.8) next = last.mul(other);
    else next = last.sub(other);
    made.push(next);
  }
  return { root: made[made.length - 1]!, nodes: made.length };
}

/** x → tanh → tanh → …: a chain `length` ops deep, the graph that breaks recursive sorts. */
function chain(length: number): { root: Value; nodes: number } {
  let v = value(0.5);
  for (let i = 0; i < length; i++) v = v.tanh();
  return { root: v, nodes: length + 1 };
}

const cases: Case[] = [
  { name: 'random DAG 1e5', build: () => randomGraph(1e5, 1), repeats: 7 },
  { name: 'random DAG 1e6', build: () => randomGraph(1e6, 2), repeats: 3 },
  { name: 'tanh chain 1e6', build: () => chain(1e6), repeats: 3 },
];

/** One build and backward of a case, with the heap read after a forced GC at each step. */
function once(c: Case) {
  const before = settledHeap();
  const built = timed(c.build);
  const afterBuild = settledHeap();
  const back = timed(() => built.result.root.backward());
  const afterBackward = settledHeap();
  const { nodes } = built.result;
  return {
    nodes,
    buildMs: built.ms,
    backwardMs: back.ms,
    graphBytes: (afterBuild - before) / nodes,
    gradBytes: (afterBackward - afterBuild) / nodes,
  };
}

/** Builds and backpropagates a case `repeats` times, each run in its own call so its graph dies with it. */
function measure(c: Case): (string | number)[] {
  const runs = Array.from({ length: c.repeats }, () => once(c));
  const nodes = runs[0]!.nodes;
  const [build, backward, graphBytes, gradBytes] = (
    ['buildMs', 'backwardMs', 'graphBytes', 'gradBytes'] as const
  ).map((key) => median(runs.map((r) => r[key]))) as [number, number, number, number];
  const perSecond = (ms: number) => grouped((nodes / ms) * 1000);
  return [
    c.name,
    grouped(nodes),
    build.toFixed(0),
    perSecond(build),
    backward.toFixed(0),
    perSecond(backward),
    canCollect ? graphBytes.toFixed(0) : '-',
    canCollect ? gradBytes.toFixed(0) : '-',
  ];
}

console.log(`scalar Value graphs (${machine()})`);
if (!canCollect) console.log('(run node with --expose-gc for the memory columns)');
const rows = cases.map(measure);
console.log(
  figureTable(
    [
      'graph',
      'nodes',
      'build ms',
      'build nodes/s',
      'backward ms',
      'backward nodes/s',
      'bytes/node',
      '+grads bytes/node',
    ],
    rows,
  ),
);
console.log(
  'Medians; bytes/node is the heap growth after a forced GC, over the graph, then over its gradients.',
);
