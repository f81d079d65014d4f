// Training programs built from nn's public pieces give the same bits on every backend and thread count
// when parameters and inputs are written through nn's write paths (an optimizer step, loadStateDict,
// initialize, a caller's data) at any point: between a forward pass and its backward, between steps,
// and around a backend switch (issue 14, item 1). The engine's own program test
// (packages/engine/test/escaped-writes.test.ts) writes through Tensor.data alone.

import {
  type BackendName,
  createRng,
  getBackend,
  getNumThreads,
  setBackend,
  setNumThreads,
  Tensor,
} from '@chainrule/engine';
import { Adam, initialize, Linear, mseLoss, type Optimizer, Sequential, SGD } from '@chainrule/nn';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';

const initial = { backend: getBackend(), threads: getNumThreads() };
afterAll(() => {
  setBackend(initial.backend);
  setNumThreads(initial.threads);
});

interface Config {
  backend: BackendName;
  threads: number;
}

/** ts, then wasm with one and two threads where the wasm backend exists. */
function configs(): Config[] {
  const list: Config[] = [{ backend: 'ts', threads: 1 }];
  try {
    setBackend('wasm');
    list.push({ backend: 'wasm', threads: 1 }, { backend: 'wasm', threads: 2 });
  } catch {
    // no WebAssembly SIMD here: ts alone
  } finally {
    setBackend(initial.backend);
  }
  return list;
}

/**
 * Batch, input, hidden and output sizes: arrays below the wasm backend's kept-copy threshold (1024
 * elements), above it, and products above its threading threshold (2^18 multiply-adds).
 */
const sizeSets = [
  { m: 6, k: 4, h: 5, o: 3 },
  { m: 64, k: 24, h: 32, o: 16 },
  { m: 160, k: 48, h: 64, o: 32 },
] as const;

type WritePath = 'step' | 'loadState' | 'initialize' | 'inputData' | 'weightData' | 'hiddenOut';

interface Step {
  /** A write between this step's forward pass and its backward. */
  inside: WritePath | null;
  /** Forward on 'ts', backward on the program's backend. */
  switchBackend: boolean;
  /** A write after the optimizer's step, before the next forward. */
  after: WritePath | null;
}

interface Program {
  sizes: 0 | 1 | 2;
  relu: boolean;
  adam: boolean;
  steps: Step[];
}

const pathArb = fc.constantFrom<WritePath>(
  'step',
  'loadState',
  'initialize',
  'inputData',
  'weightData',
  'hiddenOut',
);

const programArb: fc.Arbitrary<Program> = fc.record({
  sizes: fc.constantFrom(0, 1, 2),
  relu: fc.boolean(),
  adam: fc.boolean(),
  steps: fc.array(
    fc.record({
      inside: fc.option(pathArb, { freq: 2 }),
      switchBackend: fc.boolean(),
      after: fc.option(pathArb, { freq: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** Runs `program` with `backend` for the backward passes; every parameter's data and gradient at the end. */
function run(program: Program, backend: BackendName): Float64Array[] {
  const { m, k, h, o } = sizeSets[program.sizes];
  const rng = createRng(100 + program.sizes);
  const activation = program.relu ? 'relu' : 'none';
  const first = new Linear(k, h, { seed: 1, activation });
  const model = new Sequential(first, new Linear(h, o, { seed: 2, activation }));
  const x = Tensor.randn([m, k], { rng });
  const target = Tensor.randn([m, o], { rng });
  const optimizer: Optimizer = program.adam
    ? new Adam(model.parameters(), { lr: 0.01 })
    : new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const saved = model.stateDict();
  let hidden: Tensor | null = null;

  const write = (path: WritePath): void => {
    if (path === 'step') optimizer.step();
    else if (path === 'loadState') model.loadStateDict(saved);
    else if (path === 'initialize')
      initialize('kaimingNormal', first.weight.data, first.bias?.data ?? null, k, h, rng);
    else if (path === 'inputData') x.data.set(x.data.map((v) => v * 0.5 + 0.25));
    else if (path === 'weightData') first.weight.data[0] = -first.weight.data[0]!;
    else (hidden ?? x).data.fill(0.75);
  };

  setBackend(backend);
  for (const step of program.steps) {
    if (step.switchBackend) setBackend('ts');
    hidden = first.forward(x);
    const loss = mseLoss(model.layers[1]!.forward(hidden), target);
    setBackend(backend);
    if (step.inside) write(step.inside);
    loss.backward();
    optimizer.step();
    if (step.after) write(step.after);
    optimizer.zeroGrad();
  }
  return model.parameters().flatMap((p) => [p.data.slice(), p.grad?.data.slice() ?? new Float64Array(0)]);
}

/** Every element the same double, NaN and the sign of zero included. */
function identical(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

describe('nn training programs with writes between forward and backward', () => {
  const all = configs();

  test('an optimizer step between forward and backward gives the gradient of the weights it wrote', () => {
    // the second step's backward sees the weights the first step's update wrote: dx = dz·w uses them
    for (const config of all) {
      setNumThreads(config.threads);
      setBackend(config.backend);
      const layer = new Linear(40, 40, { seed: 3 });
      const x = Tensor.randn([64, 40], { rng: createRng(4), requiresGrad: true });
      const optimizer = new SGD(layer.parameters(), { lr: 1 });
      layer.forward(x).sum().backward();
      const y = layer.forward(x);
      x.zeroGrad();
      optimizer.step(); // w -= grad: every weight changes
      y.sum().backward();
      // d(sum y)/dx[i, j] = Σ_n w[n, j], with w as it is now
      const w = layer.weight.toArray() as number[][];
      const column = w.reduce((acc, row) => acc.map((s, j) => s + row[j]!), new Array<number>(40).fill(0));
      const dx = x.grad!.toArray() as number[][];
      for (const row of dx) {
        row.forEach((v, j) => {
          expect(v).toBeCloseTo(column[j]!, 9);
        });
      }
    }
  });

  test.skipIf(all.length === 1)(
    'give on wasm, with one thread and with two, exactly the numbers of ts',
    () => {
      fc.assert(
        fc.property(programArb, (program) => {
          setNumThreads(1);
          const expected = run(program, 'ts');
          for (const config of all.slice(1)) {
            setNumThreads(config.threads);
            const got = run(program, config.backend);
            got.forEach((a, i) => {
              expect(identical(a, expected[i]!), `array ${i} on ${config.threads} thread(s)`).toBe(true);
            });
          }
        }),
        { numRuns: 30 },
      );
    },
  );
});
