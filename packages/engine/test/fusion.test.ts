// Dense layers written with separate ops run fused (src/ops/tensor/fusion.ts): a product waits as a
// plan, a bias added to it and relu make one kernel call, and backward relu's mask, the bias's sums
// and both products make one more. Every number must be the one the separate ops give, whatever is
// read or written through the public API and when, on every backend and thread count.

import {
  type BackendName,
  createRng,
  getBackend,
  getNumThreads,
  setBackend,
  setNumThreads,
  Tensor,
  tensor,
  toDot,
} from '@chainrule/engine';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Kernels } from '../src/kernels/backend.js';
import { kernels, registerBackend } from '../src/kernels/index.js';
import { hasSimd } from '../src/kernels/wasm/index.js';
import { COPIED_SHARE, setFusion, WAITING_MAX } from '../src/ops/tensor/fusion.js';
import { identical } from './support/numeric.js';

const initial = { backend: getBackend(), threads: getNumThreads() };
afterAll(() => {
  setBackend(initial.backend);
  setNumThreads(initial.threads);
});
afterEach(() => setFusion(true));

/** `body` with fusion on and with it off: the two results. */
function bothWays<T>(body: () => T): [T, T] {
  setFusion(true);
  const fused = body();
  setFusion(false);
  try {
    return [fused, body()];
  } finally {
    setFusion(true);
  }
}

const configs: { backend: BackendName; threads: number }[] = [
  { backend: 'ts', threads: 1 },
  ...(hasSimd()
    ? [
        { backend: 'wasm' as const, threads: 1 },
        { backend: 'wasm' as const, threads: 2 },
      ]
    : []),
];

describe('a planned product', () => {
  test('computes when read, with the numbers of the product at the call', () => {
    const rng = createRng(1);
    const x = Tensor.randn([6, 4], { rng });
    const w = Tensor.randn([4, 5], { rng });
    const [fused, apart] = bothWays(() =>
      x
        .matmul(w)
        .add(Tensor.ones([5]))
        .toArray(),
    );
    expect(fused).toEqual(apart);
  });

  // each case: the product is taken, then its operand is written through a public path, then read
  const writes: [string, (x: Tensor) => void][] = [
    ['data', (x) => x.data.fill(0)],
    ['a reshape of it', (x) => x.reshape([-1]).data.fill(0)],
    ['its detach()', (x) => x.detach().data.fill(0)],
    ['a reshape of its detach()', (x) => x.detach().reshape([-1]).data.fill(0)],
  ];
  // a plan copies a leaf's array when small enough (here it is not: the product runs at once), and
  // keeps a recorded node's, which only the engine has written, and must compute before it escapes
  const sources: [string, (x: Tensor) => Tensor][] = [
    ['a leaf', (x) => x],
    ['a recorded node', (x) => x.mul(1)],
  ];
  for (const [name, write] of writes) {
    for (const [kind, source] of sources) {
      test(`${kind} written through ${name} after the call still gives the product of the values at the call`, () => {
        const [fused, apart] = bothWays(() => {
          const rng = createRng(2);
          const x = source(Tensor.randn([40, 3], { rng, requiresGrad: true }));
          const w = Tensor.randn([3, 16], { rng });
          const z = x.matmul(w);
          const a = z.add(Tensor.arange(16));
          write(x);
          return [z.toArray(), a.toArray()];
        });
        expect(fused).toEqual(apart);
        expect((fused[0] as number[][]).flat().some((v) => v !== 0)).toBe(true);
      });
    }
  }

  test('an operand it may not keep and larger than a quarter of the product makes it run at once, with the same numbers', () => {
    const [fused, apart] = bothWays(() => {
      const x = new Tensor(
        Float64Array.from({ length: 50 * 4 }, (_, i) => Math.sin(i)),
        [50, 4],
      );
      const z = x.matmul(tensor([[1], [2], [3], [4]]));
      expect(x.size).toBeGreaterThan(z.size * COPIED_SHARE);
      x.data.fill(0);
      return z.toArray();
    });
    expect(fused).toEqual(apart);
  });

  test("a bias's gradient is the sums of the masked gradient as it was, after that gradient is written", () => {
    // x and W take no gradient, so no product rule runs the fused backward: the sums wait until read
    const [fused, apart] = bothWays(() => {
      const rng = createRng(9);
      // both copied (each a quarter of the product at most), so the product waits
      const x = Tensor.randn([40, 2], { rng });
      const w = Tensor.randn([2, 16], { rng });
      const b = Tensor.randn([16], { rng, requiresGrad: true });
      const c = x.matmul(w).add(b);
      c.relu().sum().backward();
      c.grad!.data.fill(0);
      return Array.from(b.grad!.data);
    });
    expect(fused).toEqual(apart);
    expect(fused.some((v) => v !== 0)).toBe(true);
  });

  test(`an input read by more than ${WAITING_MAX} waiting products keeps each product's numbers`, () => {
    const [fused, apart] = bothWays(() => {
      const x = Tensor.randn([40, 3], { rng: createRng(3), requiresGrad: true }).mul(1);
      const products = Array.from({ length: 2 * WAITING_MAX + 3 }, (_, i) =>
        x.matmul(Tensor.full([3, 16], i)).add(Tensor.full([16], -i)),
      );
      x.data.fill(7);
      return products.map((z) => z.toArray());
    });
    expect(fused).toEqual(apart);
  });
  test('a product reused by every step is computed once, and its input holds a bounded list', () => {
    const [fused, apart] = bothWays(() => {
      const rng = createRng(11);
      const xn = Tensor.randn([40, 3], { rng, requiresGrad: true }).mul(1);
      const z = xn.matmul(Tensor.randn([3, 16], { rng }));
      const b = Tensor.zeros([16], { requiresGrad: true });
      const losses: number[] = [];
      for (let i = 0; i < 3 * WAITING_MAX; i++) {
        const loss = z.add(b).relu().mean();
        loss.backward();
        losses.push(loss.item());
        const g = b.grad!.data;
        const d = b.data;
        for (let j = 0; j < d.length; j++) d[j]! -= 0.5 * g[j]!;
        b.zeroGrad();
      }
      expect(xn._readers?.length ?? 0).toBeLessThanOrEqual(WAITING_MAX);
      expect(z._plan).toBe(null); // the second step computed it
      return losses;
    });
    expect(fused).toEqual(apart);
  });

  test('a plan that throws while an array escapes stays listed: the next escape computes it', () => {
    const active = kernels();
    let failNext = false;
    const flaky = {
      ...active,
      name: 'flaky',
      matmul: (...args: Parameters<Kernels['matmul']>) => {
        if (failNext) {
          failNext = false;
          throw new Error('flaky: out of memory');
        }
        active.matmul(...args);
      },
    } as Kernels;
    registerBackend(flaky);
    setBackend('flaky' as BackendName);
    try {
      const rng = createRng(12);
      const x = Tensor.randn([40, 3], { rng, requiresGrad: true }).mul(1);
      const [w1, w2] = [Tensor.randn([3, 16], { rng }), Tensor.randn([3, 16], { rng })];
      const [p1, p2] = [x.matmul(w1), x.matmul(w2)];
      // the operands' values, read without handing x's array out
      const expected = [Float64Array.from((x.toArray() as number[][]).flat()), w1.data, w2.data];
      failNext = true;
      expect(() => x.data).toThrow('flaky: out of memory');
      x.data.fill(0);
      const reference = (w: Float64Array) =>
        new Tensor(expected[0]!, [40, 3]).matmul(new Tensor(w, [3, 16])).toArray();
      expect(p1.toArray()).toEqual(reference(expected[1]!));
      expect(p2.toArray()).toEqual(reference(expected[2]!));
    } finally {
      setBackend(initial.backend);
    }
  });

  test('a long-lived input holds a bounded number of waiting plans, and a leaf none', () => {
    const rng = createRng(10);
    const node = Tensor.randn([40, 3], { rng, requiresGrad: true }).mul(1);
    const leaf = Tensor.randn([40, 3], { rng });
    for (let i = 0; i < 5 * WAITING_MAX; i++) {
      for (const x of [node, leaf])
        x.matmul(Tensor.full([3, 16], i))
          .add(Tensor.full([16], i))
          .relu();
    }
    expect(node._readers!.length).toBeLessThanOrEqual(WAITING_MAX + 1);
    expect(leaf._readers).toBe(null);
  });
});

describe('a dense layer written with separate ops', () => {
  test('keeps its graph: matmul, add and relu nodes, and every node its gradient', () => {
    const run = () => {
      const rng = createRng(4);
      const x = Tensor.randn([7, 3], { rng: createRng(5), requiresGrad: true });
      const w = Tensor.randn([3, 4], { rng, requiresGrad: true });
      const b = Tensor.randn([4], { rng, requiresGrad: true });
      const z = x.matmul(w);
      const a = z.add(b);
      const y = a.relu();
      y.mul(y).sum().backward();
      const grads = [x, w, b, z, a, y].map((t) => t.grad!.toArray());
      return { dot: toDot(y), values: [z, a, y].map((t) => t.toArray()), grads };
    };
    const [fused, apart] = bothWays(run);
    expect(fused.values).toEqual(apart.values);
    expect(fused.grads).toEqual(apart.grads);
    for (const op of ['matmul', 'add', 'relu']) expect(fused.dot).toContain(`label="${op}"`);
  });

  test('runs as one kernel call forward and one backward (rows and columns layouts)', () => {
    const active = kernels();
    const calls: string[] = [];
    const counting = Object.fromEntries(
      Object.entries(active).map(([name, k]) => [
        name,
        typeof k === 'function'
          ? (...args: unknown[]) => {
              calls.push(name === 'binary' || name === 'unary' ? `${name} ${String(args[0])}` : name);
              return (k as (...a: unknown[]) => unknown)(...args);
            }
          : k,
      ]),
    ) as unknown as Kernels;
    // the calls of the layer's steps, without those of the .mul(1) that makes its input a recorded node
    const layerCalls = (all: string[]) => all.filter((c) => c !== 'fill' && c !== 'binary mul');
    registerBackend({ ...counting, name: 'counting' });
    setBackend('counting' as BackendName);
    try {
      const rng = createRng(6);
      // h a layer's output (a recorded node, which a plan keeps as it is); W copied (a quarter at most)
      const h = Tensor.randn([60, 8], { rng, requiresGrad: true }).mul(1);
      const W = Tensor.randn([8, 5], { rng, requiresGrad: true });
      const b = Tensor.randn([5], { rng, requiresGrad: true });
      const g = Tensor.randn([60, 5], { rng });
      calls.length = 0;
      h.matmul(W).add(b).relu().backward(g);
      expect(layerCalls(calls)).toEqual(['linear', 'linearBackward']);
      const A = Tensor.randn([8, 60], { rng, requiresGrad: true }).mul(1);
      const V = Tensor.randn([5, 8], { rng, requiresGrad: true });
      const c = Tensor.randn([5, 1], { rng, requiresGrad: true });
      const gc = Tensor.randn([5, 60], { rng });
      calls.length = 0;
      V.matmul(A).add(c).relu().backward(gc);
      expect(layerCalls(calls)).toEqual(['linear', 'linearBackward']);
    } finally {
      setBackend(initial.backend);
    }
  });
});

// ---- random programs -------------------------------------------------------------------------------

interface Program {
  columns: boolean;
  /** Widths of 40 and more and a batch of hundreds, so that products run on two threads. */
  wide: boolean;
  inputGrad: boolean;
  weightsGrad: boolean;
  bias: 'none' | 'row' | 'column';
  activation: 'relu' | 'tanh' | 'none';
  layers: 1 | 2 | 3;
  batch: number;
  /** Where a public read or write happens, and of what. */
  events: { at: 'forward' | 'beforeBackward' | 'afterBackward'; layer: number; what: Touch }[];
  twoSteps: boolean;
}

type Touch =
  | 'readZ'
  | 'readA'
  | 'readGradA'
  | 'writeGradA'
  | 'readGradB'
  | 'writeInput'
  | 'writeWeight'
  | 'writeHidden'
  | 'readHidden';

const programArb: fc.Arbitrary<Program> = fc.record({
  columns: fc.boolean(),
  wide: fc.boolean(),
  inputGrad: fc.boolean(),
  weightsGrad: fc.boolean(),
  bias: fc.constantFrom('none', 'row', 'column'),
  activation: fc.constantFrom('relu', 'relu', 'tanh', 'none'),
  layers: fc.constantFrom(1, 2, 3),
  batch: fc.constantFrom(1, 3, 40, 130),
  events: fc.array(
    fc.record({
      at: fc.constantFrom('forward', 'beforeBackward', 'afterBackward'),
      layer: fc.integer({ min: 0, max: 2 }),
      what: fc.constantFrom(
        'readZ',
        'readA',
        'readGradA',
        'writeGradA',
        'readGradB',
        'writeInput',
        'writeWeight',
        'writeHidden',
        'readHidden',
      ),
    }),
    { maxLength: 4 },
  ),
  twoSteps: fc.boolean(),
});

/** Runs `program` and returns everything it read, then every parameter's data and gradient. */
function runProgram(p: Program): number[][] {
  const rng = createRng(p.batch * 31 + p.layers);
  const widths = (p.wide ? [3, 40, 30, 20] : [3, 6, 5, 4]).slice(0, p.layers + 1);
  const batch = p.wide ? p.batch * 4 : p.batch;
  const seen: number[][] = [];
  // something must take a gradient
  const inputGrad = p.inputGrad || (!p.weightsGrad && p.bias === 'none');
  const input = Tensor.randn(p.columns ? [widths[0]!, batch] : [batch, widths[0]!], {
    rng,
    requiresGrad: inputGrad,
  });
  const layers = widths.slice(1).map((out, i) => {
    const inn = widths[i]!;
    const w = Tensor.randn(p.columns ? [out, inn] : [inn, out], { rng, requiresGrad: p.weightsGrad });
    // a column bias in the rows layout is a bias per batch row, and a row bias in the columns layout one per point
    const rows = p.columns ? out : batch;
    const cols = p.columns ? batch : out;
    const shape = p.bias === 'row' ? [cols] : p.bias === 'column' ? [rows, 1] : null;
    return { w, b: shape === null ? null : Tensor.randn(shape, { rng, requiresGrad: true }) };
  });
  const params = [input, ...layers.flatMap((l) => (l.b ? [l.w, l.b] : [l.w]))];
  for (let step = 0; step < (p.twoSteps ? 2 : 1); step++) {
    const nodes: { z: Tensor; a: Tensor; h: Tensor; input: Tensor }[] = [];
    let h = input;
    const touch = (at: Program['events'][number]['at']) => {
      for (const e of p.events) {
        if (e.at !== at || nodes[e.layer] === undefined) continue;
        const n = nodes[e.layer]!;
        const l = layers[e.layer]!;
        if (e.what === 'readZ') seen.push(Array.from(n.z.data));
        else if (e.what === 'readA') seen.push((n.a.toArray() as number[][]).flat());
        else if (e.what === 'readGradA') seen.push(Array.from(n.a.grad?.data ?? []));
        else if (e.what === 'writeGradA') n.a.grad?.data.fill(0.5);
        else if (e.what === 'readGradB') seen.push(Array.from(l.b?.grad?.data ?? []));
        else if (e.what === 'readHidden') seen.push(Array.from(n.h.data));
        else if (e.what === 'writeInput') n.input.data[0] = 0.25;
        else if (e.what === 'writeWeight') l.w.data.fill(0.125);
        else n.h.data[n.h.size - 1] = -2;
      }
    };
    for (const l of layers) {
      const z = p.columns ? l.w.matmul(h) : h.matmul(l.w);
      const a = l.b ? z.add(l.b) : z;
      const next = p.activation === 'relu' ? a.relu() : p.activation === 'tanh' ? a.tanh() : a;
      nodes.push({ z, a, h: next, input: h });
      h = next;
      touch('forward');
    }
    const loss = h.mul(h).sum();
    touch('beforeBackward');
    loss.backward();
    touch('afterBackward');
    seen.push(...nodes.flatMap((n) => [Array.from(n.z.grad?.data ?? []), Array.from(n.h.data)]));
    for (const t of params) {
      if (t.grad === null) continue;
      const g = t.grad.data;
      const d = t.data;
      for (let i = 0; i < d.length; i++) d[i]! -= 0.01 * g[i]!;
      t.zeroGrad();
    }
  }
  return [...seen, ...params.map((t) => Array.from(t.data))];
}

describe('random programs of dense layers in separate ops', () => {
  test('give exactly the numbers of the ops run apart, on every backend and thread count', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        setBackend('ts');
        setNumThreads(1);
        setFusion(false);
        const expected = runProgram(program);
        setFusion(true);
        for (const { backend, threads } of configs) {
          setBackend(backend);
          setNumThreads(threads);
          const got = runProgram(program);
          expect(got.length).toBe(expected.length);
          got.forEach((a, i) => {
            expect(identical(a, expected[i]!), `array ${i} on ${backend}, ${threads} thread(s)`).toBe(true);
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
