// What the tensor benchmarks share: TensorFlow.js set-up, the contenders, timing by medians, ratio tables.

import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { getBackend, type Rng, setBackend, setNumThreads } from '@chainrule/engine';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import Table from 'cli-table3';
// thread count of the wasm backend: not public API, set the way bench/src/matmul-wasm.ts sets it
import { median } from './measure.js';
import { heParams, type Style } from './train-kit.js';

export { tf };

/** `--quick`: fewer repetitions and shorter runs, for a look rather than a record. */
export const quick = process.argv.includes('--quick');

/**
 * The engines a tensor benchmark compares: chainrule's TypeScript kernels, its WebAssembly backend on
 * one and on two threads (when it loads), and TensorFlow.js's cpu and wasm backends.
 */
export type Contender = 'chainrule ts' | 'chainrule wasm ×1' | 'chainrule wasm ×2' | 'tfjs-cpu' | 'tfjs-wasm';

/**
 * Loads TensorFlow.js: production mode (no debug checks, no console advice to install tfjs-node) and
 * the wasm backend pointed at the .wasm files inside node_modules, so nothing is fetched.
 */
export async function setUpTf(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  setWasmPaths(`${dirname(wasmFile)}/`);
  tf.enableProdMode();
  for (const backend of ['wasm', 'cpu']) {
    if (!(await tf.setBackend(backend))) throw new Error(`bench: tfjs backend ${backend} did not load`);
    await tf.ready();
  }
}

/** Whether chainrule's 'wasm' backend loads here (WebAssembly SIMD). */
function hasChainruleWasm(): boolean {
  const before = getBackend();
  try {
    setBackend('wasm');
    return true;
  } catch {
    return false;
  } finally {
    setBackend(before);
  }
}

/** The contenders of a run, chainrule's first. */
export function contenders(): Contender[] {
  const mine: Contender[] = hasChainruleWasm()
    ? ['chainrule ts', 'chainrule wasm ×1', 'chainrule wasm ×2']
    : ['chainrule ts'];
  return [...mine, 'tfjs-cpu', 'tfjs-wasm'];
}

/** Puts the right engine (and thread count) in charge before a contender's code runs. */
export async function activate(c: Contender): Promise<void> {
  if (c === 'chainrule ts') setBackend('ts');
  else if (c.startsWith('chainrule wasm')) {
    setBackend('wasm');
    setNumThreads(c.endsWith('×1') ? 1 : 2);
  } else await tf.setBackend(c === 'tfjs-cpu' ? 'cpu' : 'wasm');
}

/** How to time one workload. */
export interface TimingPlan {
  /** Untimed calls first, so the JIT and caches settle. */
  warmup: number;
  /** Timed samples; the median is reported. */
  samples: number;
  /** Each sample repeats the call until it has taken at least this long (ms), then divides. */
  minSampleMs: number;
}

/** Milliseconds per call of `fn` over one sample: repeated until at least `minMs` have passed. */
function sample(fn: () => void, minMs: number): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return elapsed / calls;
}

/**
 * Median milliseconds per call for every contender. `make` builds a contender's workload (with its
 * engine active); after each one's warm-up the samples take turns, one per contender per round, so a
 * burst of load from elsewhere on the machine falls on all of them rather than on one.
 */
export async function msPerCall(
  present: readonly Contender[],
  make: (c: Contender) => () => void,
  plan: TimingPlan,
): Promise<Partial<Record<Contender, number>>> {
  const work = new Map<Contender, () => void>();
  for (const c of present) {
    await activate(c);
    const fn = make(c);
    for (let i = 0; i < plan.warmup; i++) fn();
    work.set(c, fn);
  }
  const samples = new Map<Contender, number[]>(present.map((c) => [c, []]));
  for (let s = 0; s < plan.samples; s++) {
    for (const c of present) {
      await activate(c);
      samples.get(c)!.push(sample(work.get(c)!, plan.minSampleMs));
    }
  }
  return Object.fromEntries(present.map((c) => [c, median(samples.get(c)!)]));
}

/** One workload's figures: a number per contender (higher is better), keyed by contender. */
export type Figures = Partial<Record<Contender, number>>;

/** Formats a figure with about three significant digits. */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** `x` over `y`, both "higher is better": above 1× means x is ahead. */
function ratio(x: number | undefined, y: number | undefined): string {
  if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return '-';
  return `${(x / y).toFixed(2)}×`;
}

/**
 * One row per case and contender: the figure (higher is better), then its ratio to tfjs-cpu and to
 * tfjs-wasm (above 1×: faster than that TensorFlow.js backend).
 */
export function ratioTable(
  caseHead: string,
  unit: string,
  rows: { name: string; figures: Figures }[],
  present: readonly Contender[],
): string {
  const body: string[][] = [];
  for (const { name, figures } of rows) {
    for (const c of present) {
      const f = figures[c];
      const mine = c.startsWith('chainrule');
      body.push([
        name,
        c,
        fmt(f),
        mine ? ratio(f, figures['tfjs-cpu']) : '',
        mine ? ratio(f, figures['tfjs-wasm']) : '',
      ]);
    }
  }
  const head = [caseHead, 'engine', unit, '÷ tfjs-cpu', '÷ tfjs-wasm'];
  // no rule between rows: a case's contenders read as one block
  const table = new Table({
    head,
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'right', 'right', 'right'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of body) table.push(row);
  return table.toString();
}

/** The legend under every tensor table. */
export function legend(present: readonly Contender[]): string {
  const lines = [
    'chainrule computes in float64; TensorFlow.js in float32 (it has no float64), so it moves half the bytes.',
    `chainrule wasm ×1 / ×2: its WebAssembly backend on one / two threads. tfjs-wasm runs on ${getThreadsCount()} thread(s) here.`,
    `Ratios above 1× mean chainrule is faster. Load average when done: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores.`,
  ];
  if (!present.includes('chainrule wasm ×1')) lines.push("chainrule's 'wasm' backend is not available here.");
  lines.push(
    quick ? 'Quick run (--quick): fewer, shorter samples.' : 'Medians of several samples after warm-up.',
  );
  return lines.join('\n');
}

/**
 * A TensorFlow.js training step: gradients of `loss` with respect to `vars` by tf.variableGrads, applied
 * by its plain SGD optimizer; the loss is read back, as chainrule's exists.
 */
export function tfTrainStep(loss: () => tf.Scalar, vars: tf.Variable[], lr: number): () => void {
  const optimizer = tf.train.sgd(lr);
  return () => {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars);
      optimizer.applyGradients(grads);
      value.dataSync();
    });
  };
}

/** A TensorFlow.js network's variables, He-initialised from `rng` (as `heParams`), W stored [in, out]. */
export interface TfNet {
  vars: tf.Variable[];
  /** The logits: relu after every layer but the last, by separate ops or by `tf.fused.matMul`. */
  forward(x: tf.Tensor2D): tf.Tensor2D;
}

/**
 * The relu network of `sizes` in TensorFlow.js, written in `style`. Fused, `fused.matMul` adds the
 * bias in the product; it applies the relu itself only outside gradient mode, as TensorFlow.js does.
 */
export function tfNet(sizes: readonly number[], rng: Rng, style: Style): TfNet {
  const layers = heParams(sizes, rng).map(({ w, b }, i) => ({
    w: tf.variable(tf.tensor2d(Float32Array.from(w), [sizes[i]!, sizes[i + 1]!])),
    b: tf.variable(tf.tensor1d(Float32Array.from(b))),
  }));
  const forward = (x: tf.Tensor2D): tf.Tensor2D => {
    let h = x;
    layers.forEach((l, i) => {
      const hidden = i < layers.length - 1;
      if (style === 'fused') {
        const activation = hidden ? 'relu' : 'linear';
        h = tf.fused.matMul({ a: h, b: l.w, bias: l.b, activation }) as tf.Tensor2D;
      } else {
        const z: tf.Tensor2D = tf.add(tf.matMul(h, l.w), l.b);
        h = hidden ? tf.relu(z) : z;
      }
    });
    return h;
  };
  return { vars: layers.flatMap((l) => [l.w, l.b]), forward };
}
