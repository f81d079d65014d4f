// Writing into a tensor's data through the public API, at any point of a training program, gives the
// same numbers on every backend and thread count: the WebAssembly backend's kept copies of a dense
// layer's operands (kernels/wasm/resident.ts) are never read for an array code outside the engine holds.

import {
  type BackendName,
  createRng,
  getBackend,
  getNumThreads,
  linear,
  setBackend,
  setNumThreads,
  Tensor,
  tensor,
} from '@chainrule/engine';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { hasSimd } from '../src/kernels/wasm/index.js';
import { RESIDENT_MIN_ELEMENTS } from '../src/kernels/wasm/resident.js';
import { identical } from './support/numeric.js';

const initial = { backend: getBackend(), threads: getNumThreads() };
afterAll(() => {
  setBackend(initial.backend);
  setNumThreads(initial.threads);
});

/** The backends and thread counts every program runs on; the first is the reference. */
interface Config {
  backend: BackendName;
  threads: number;
}

const wasmConfigs: Config[] = [
  { backend: 'wasm', threads: 1 },
  { backend: 'wasm', threads: 2 },
];
const configs: readonly Config[] = [{ backend: 'ts', threads: 1 }, ...(hasSimd() ? wasmConfigs : [])];

function onConfig<T>(config: Config, body: () => T): T {
  setBackend(config.backend);
  setNumThreads(config.threads);
  return body();
}

describe('writes between forward and backward (the issue 14 reproductions)', () => {
  // x [256, 64] and w [64, 64]: y = relu(x·wᵀ + b), then x is zeroed before backward. dw = dzᵀ·x
  // with the x of backward time is all zeros; a kept copy of the forward's x gave other numbers.
  const zeroedInput = () => {
    const rng = createRng(14);
    const x = Tensor.randn([256, 64], { rng, requiresGrad: true });
    const w = Tensor.randn([64, 64], { rng, requiresGrad: true });
    const b = Tensor.randn([64], { rng, requiresGrad: true });
    const y = linear(x, w, b, { activation: 'relu' });
    x.data.fill(0);
    y.sum().backward();
    return w.grad!.data.slice();
  };

  for (const config of configs) {
    test(`zeroing the input after a relu layer's forward gives a zero weight gradient (${config.backend}, ${config.threads} thread${config.threads > 1 ? 's' : ''})`, () => {
      const dw = onConfig(config, zeroedInput);
      expect(dw.length).toBe(64 * 64);
      expect(dw.every((v) => v === 0)).toBe(true);
    });
  }

  // E [128, 32], W [16, 32]: a step on wasm leaves copies of E; E is then written between steps, the
  // next forward runs on ts and its backward on wasm. dW[0] = Σ_rows E[:, 0] = 128 · 0.5 = 64.
  const writeBetweenSteps = (config: Config) => {
    const rng = createRng(41);
    const E = Tensor.randn([128, 32], { rng, requiresGrad: true });
    const W = Tensor.randn([16, 32], { rng, requiresGrad: true });
    onConfig(config, () => linear(E, W).sum().backward());
    E.data.fill(0.5);
    W.zeroGrad();
    setBackend('ts');
    const y = linear(E, W);
    onConfig(config, () => y.sum().backward());
    return W.grad!.data.slice();
  };

  for (const config of configs) {
    test(`writing a layer's input between steps, around a backend switch, gives the new input's gradient (${config.backend}, ${config.threads} thread${config.threads > 1 ? 's' : ''})`, () => {
      const dW = writeBetweenSteps(config);
      expect(dW[0]).toBe(64);
      expect(dW.every((v) => v === 64)).toBe(true);
    });
  }
});

// ---- random training programs ---------------------------------------------------------------------

/** Layer sizes: all arrays below the kept-copy threshold, then above it, then above the threads'. */
const sizeSets = [
  { m: 7, k: 5, h: 6, o: 3 },
  { m: 64, k: 20, h: 24, o: 16 },
  { m: 128, k: 48, h: 48, o: 24 },
] as const;

/** Which tensor a write goes into, and how. */
interface Write {
  target: 'x' | 'w1' | 'b1' | 'w2' | 'p' | 'hidden' | 'out' | 'grad';
  how: 'fill' | 'set' | 'element' | 'adopted';
  value: number;
}

interface Step {
  loop: 0 | 1;
  /** A write between this step's forward and backward. */
  inside: Write | null;
  /** Forward on 'ts', backward on the program's backend (on a ts run, both on ts). */
  switchBackend: boolean;
  /** A write after the step's update, before the next step. */
  after: Write | null;
}

interface Program {
  sizes: 0 | 1 | 2;
  relu1: boolean;
  relu2: boolean;
  steps: Step[];
}

const writeArb: fc.Arbitrary<Write> = fc.record({
  target: fc.constantFrom('x', 'w1', 'b1', 'w2', 'p', 'hidden', 'out', 'grad'),
  how: fc.constantFrom('fill', 'set', 'element', 'adopted'),
  value: fc.constantFrom(0, 0.5, -1.25, 3),
});

const programArb: fc.Arbitrary<Program> = fc.record({
  sizes: fc.constantFrom(0, 1, 2),
  relu1: fc.boolean(),
  relu2: fc.boolean(),
  steps: fc.array(
    fc.record({
      loop: fc.constantFrom(0, 1),
      inside: fc.option(writeArb, { freq: 2 }),
      switchBackend: fc.boolean(),
      after: fc.option(writeArb, { freq: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/**
 * Runs `program` on the current backend: loop 0 trains x → linear(w1, b1) → linear(w2, b2); loop 1
 * shares the input x with a layer of its own (q) and feeds the parameter w1 as the input of another
 * layer (p). Returns every parameter's data and gradient at the end.
 */
function run(program: Program, backend: Config['backend']): Float64Array[] {
  const { m, k, h, o } = sizeSets[program.sizes];
  const rng = createRng(program.sizes * 7 + 1);
  // x adopts an array the program keeps: writing into that array is a public write path too
  const xArray = Float64Array.from({ length: m * k }, () => rng.normal());
  const x = new Tensor(xArray, [m, k]);
  const w1 = Tensor.randn([h, k], { rng, requiresGrad: true });
  const b1 = Tensor.randn([h], { rng, requiresGrad: true });
  const w2 = Tensor.randn([o, h], { rng, requiresGrad: true });
  const b2 = Tensor.randn([o], { rng, requiresGrad: true });
  const p = Tensor.randn([o, k], { rng, requiresGrad: true });
  const q = Tensor.randn([o, k], { rng, requiresGrad: true });
  const params = [w1, b1, w2, b2, p, q];
  const upstream = tensor(
    Float64Array.from({ length: m * o }, () => rng.normal()),
    { shape: [m, o] },
  );
  const adopted = new Map<Tensor, Float64Array>([[x, xArray]]);

  const write = (w: Write, live: { hidden: Tensor; out: Tensor } | null): void => {
    const t =
      w.target === 'hidden' || w.target === 'out'
        ? (live?.[w.target] ?? w1)
        : w.target === 'grad'
          ? (w2.grad ?? w2)
          : { x, w1, b1, w2, p }[w.target];
    if (w.how === 'adopted' && adopted.has(t)) adopted.get(t)!.fill(w.value);
    else if (w.how === 'fill' || w.how === 'adopted') t.data.fill(w.value);
    else if (w.how === 'set') t.data.set(t.data.map((v) => v * w.value));
    else t.data[t.size - 1] = w.value;
  };

  setBackend(backend);
  for (const step of program.steps) {
    if (step.switchBackend) setBackend('ts');
    let hidden: Tensor;
    let out: Tensor;
    let loss: Tensor;
    if (step.loop === 0) {
      hidden = linear(x, w1, b1, { activation: program.relu1 ? 'relu' : 'none' });
      out = linear(hidden, w2, b2, { activation: program.relu2 ? 'relu' : 'none' });
      loss = out.mul(upstream).sum();
    } else {
      hidden = linear(w1, p, null, { activation: program.relu1 ? 'relu' : 'none' }); // w1 as an input
      out = linear(x, q, null, { activation: program.relu2 ? 'relu' : 'none' }); // x shared with loop 0
      loss = hidden.sum().add(out.mul(upstream).sum());
    }
    setBackend(backend);
    if (step.inside) write(step.inside, { hidden, out });
    loss.backward();
    // a plain gradient step through the public data of parameters and gradients
    for (const t of params) {
      if (t.grad === null) continue;
      const g = t.grad.data;
      const d = t.data;
      for (let i = 0; i < d.length; i++) d[i]! -= 0.01 * g[i]!;
    }
    if (step.after) write(step.after, null);
    if (step.loop === 1) for (const t of params) t.zeroGrad();
  }
  return params.flatMap((t) => [t.data.slice(), t.grad?.data.slice() ?? new Float64Array(0)]);
}

describe.skipIf(!hasSimd())('random training programs with writes through the public API', () => {
  test('the sizes cover arrays below and above the kept-copy threshold', () => {
    expect(sizeSets[0].m * sizeSets[0].k).toBeLessThan(RESIDENT_MIN_ELEMENTS);
    expect(sizeSets[1].m * sizeSets[1].k).toBeGreaterThanOrEqual(RESIDENT_MIN_ELEMENTS);
  });

  test('give on wasm, with one thread and with two, exactly the numbers of ts', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        const expected = onConfig(configs[0], () => run(program, 'ts'));
        for (const config of configs.slice(1)) {
          const got = onConfig(config, () => run(program, 'wasm'));
          got.forEach((a, i) => {
            expect(identical(a, expected[i]!), `array ${i} on ${config.threads} thread(s)`).toBe(true);
          });
        }
      }),
      { numRuns: 40 },
    );
  });
});
