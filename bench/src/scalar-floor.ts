// The floor of a scalar engine whose graph is a graph of handles, measured beside chainrule and the naive
// engine (issue 19): a handle of four fields (its chunk, its index, its parents a and b), numbers, op
// codes, a number operand and walk marks in typed-array chunks, the same iterative depth-first post-order
// walk and a numeric reverse pass, and nothing else (no checks, no labels, no createGraph, no custom ops,
// only the ops the workloads use). Any engine that keeps `parents` as the very Values an op was given and
// lets old graphs be collected with no call asked of the user keeps a handle per node and walks them, so
// it costs at least this. Never used outside the benchmarks.
// Usage: node … scalar-floor.ts demo | chain | chain-alone

import { machine } from './measure.js';
import {
  type AnyScalar,
  chainruleEngine,
  type Engine,
  moonsDemo,
  naiveEngine,
  tanhChain,
} from './scalar-workloads.js';

const CHUNK = 4096;
const [LEAF, ADD, MUL, SUB, RELU, TANH, ADD_K, MUL_K, SUB_K] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;

/** The numbers of 4,096 nodes in the order they are made. */
class Chunk {
  length = 0;
  readonly data = new Float64Array(CHUNK);
  readonly grad = new Float64Array(CHUNK);
  /** The gradient of the pass under way. */
  readonly g = new Float64Array(CHUNK);
  /** The number operand of an op with one (x + 1, x · 0.5). */
  readonly k = new Float64Array(CHUNK);
  readonly mark = new Int32Array(CHUNK);
  readonly op = new Uint8Array(CHUNK);
}

let current = new Chunk();

/** A node: where its numbers are, and its parents. */
class Handle {
  readonly t: Chunk;
  readonly i: number;
  constructor(
    x: number,
    op: number,
    readonly a: Handle | null,
    readonly b: Handle | null,
    k: number,
  ) {
    if (current.length === CHUNK) current = new Chunk();
    const t = current;
    const i = t.length++;
    t.data[i] = x;
    t.op[i] = op;
    t.k[i] = k;
    t.grad[i] = 0;
    this.t = t;
    this.i = i;
  }
  get data(): number {
    return this.t.data[this.i]!;
  }
  set data(x: number) {
    this.t.data[this.i] = x;
  }
  add(o: Handle | number): Handle {
    if (typeof o === 'number') return new Handle(this.data + o, ADD_K, this, null, o);
    return new Handle(this.data + o.data, ADD, this, o, 0);
  }
  mul(o: Handle | number): Handle {
    if (typeof o === 'number') return new Handle(this.data * o, MUL_K, this, null, o);
    return new Handle(this.data * o.data, MUL, this, o, 0);
  }
  sub(o: Handle | number): Handle {
    if (typeof o === 'number') return new Handle(this.data - o, SUB_K, this, null, o);
    return new Handle(this.data - o.data, SUB, this, o, 0);
  }
  relu(): Handle {
    return new Handle(Math.max(this.data, 0), RELU, this, null, 0);
  }
  tanh(): Handle {
    return new Handle(Math.tanh(this.data), TANH, this, null, 0);
  }
}

let stamp = 0;
const stack: (Handle | null)[] = [];
let next = new Int32Array(1024);
const order: (Handle | null)[] = [];

/** Adds `g` to the pass gradient of `v`. */
function give(v: Handle, g: number): void {
  v.t.g[v.i]! += g;
}

/** The post-order below `root` (parents in argument order), then each node's gradient into its parents'. */
function backward(root: Handle): void {
  const s = ++stamp;
  let n = 0;
  let sp = 1;
  let depth = 1;
  stack[0] = root;
  next[0] = 0;
  root.t.mark[root.i] = s;
  while (sp > 0) {
    const node = stack[sp - 1]!;
    const k = next[sp - 1]!;
    const p = k === 0 ? node.a : k === 1 ? node.b : null;
    if (p === null) {
      sp--;
      node.t.g[node.i] = 0;
      order[n++] = node;
      continue;
    }
    next[sp - 1] = k + 1;
    if (p.t.mark[p.i] === s) continue;
    p.t.mark[p.i] = s;
    if (sp === next.length) {
      const grown = new Int32Array(next.length * 2);
      grown.set(next);
      next = grown;
    }
    stack[sp] = p;
    next[sp] = 0;
    sp++;
    if (sp > depth) depth = sp;
  }
  stack.fill(null, 0, depth);
  root.t.g[root.i] = 1;
  for (let j = n - 1; j >= 0; j--) {
    const v = order[j]!;
    order[j] = null;
    const { t, i, a, b } = v;
    const g = t.g[i]!;
    t.grad[i]! += g;
    const op = t.op[i];
    if (op === ADD || op === SUB) {
      give(a!, g);
      give(b!, op === ADD ? g : -g);
    } else if (op === MUL) {
      const da = b!.data * g;
      const db = a!.data * g;
      give(a!, da);
      give(b!, db);
    } else if (op === ADD_K || op === SUB_K) give(a!, g);
    else if (op === MUL_K) give(a!, t.k[i]! * g);
    else if (op === RELU) give(a!, t.data[i]! > 0 ? g : 0);
    else if (op === TANH) {
      const y = t.data[i]!;
      give(a!, (1 - y * y) * g);
    } else if (op !== LEAF) throw new Error(`scalar-floor: op ${op}`);
  }
}

const floorEngine: Engine<Handle> = {
  name: 'floor: 4-field handles',
  leaf: (x) => new Handle(x, LEAF, null, null, 0),
  backward,
  grad: (x) => x.t.grad[x.i]!,
  zeroGrad: (x) => {
    x.t.grad[x.i] = 0;
  },
  secondDerivative: () => {
    throw new Error('scalar-floor: no second derivatives');
  },
  quiet: (fn) => fn(),
};

const cpu = machine();
const which = process.argv[2] ?? 'demo';
if (which === 'chain-alone') {
  // as scalar-chain-run.ts measures chainrule and the naive engine: a fresh process, peak above the warm one
  tanhChain(floorEngine, 1000);
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  const start = performance.now();
  const grad = tanhChain(floorEngine, 1e6);
  const ms = performance.now() - start;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ ms, peakAboveMiB: (peak - baseline) / 2 ** 20, grad, cpu }));
} else {
  const all = [floorEngine, chainruleEngine, naiveEngine] as unknown as Engine<AnyScalar>[];
  for (const engine of all) {
    if (which === 'demo') {
      moonsDemo(engine, 3);
      const times: number[] = [];
      let last = 0;
      for (let r = 0; r < 3; r++) {
        const start = performance.now();
        last = moonsDemo(engine, 100).at(-1)!;
        times.push(performance.now() - start);
      }
      console.log(JSON.stringify({ engine: engine.name, demoMs: times.map(Math.round), loss: last, cpu }));
    } else {
      const start = performance.now();
      const grad = tanhChain(engine, 1e6);
      console.log(
        JSON.stringify({ engine: engine.name, chainMs: Math.round(performance.now() - start), grad, cpu }),
      );
    }
  }
}
