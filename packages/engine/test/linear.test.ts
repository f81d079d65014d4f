// The fused dense layer, linear(x, W, b, { activation }): forward and backward give exactly the numbers
// of matmul, add and relu applied one after another, on every backend and thread count; its kernels
// equal the separate kernels they fuse; its gradients pass gradcheck, also recorded (createGraph).

import { gradcheck, linear, type Tensor, tensor } from '@chainrule/engine';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { type DenseLayout, type Kernels, LINEAR_LAYOUT } from '../src/kernels/backend.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import { linearBackwardWith } from '../src/kernels/ts-matmul.js';
import { createWasmKernels, getNumThreads, hasSimd, setNumThreads } from '../src/kernels/wasm/index.js';
import { createRng, type Rng } from '../src/random.js';
import { identical } from './support/numeric.js';

const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

/** Normal values with a sprinkling of the values that rounding and masks must keep: ±0, ±∞, NaN. */
function fill(rng: Rng, length: number, special = 0.05): Float64Array {
  const specials = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
  return Float64Array.from({ length }, () =>
    rng.uniform() < special ? specials[Math.floor(rng.uniform() * specials.length)]! : rng.normal(),
  );
}

/** The unfused forward from the separate kernels: matmul with w transposed, the row add, relu. */
function forwardApart(
  k: Kernels,
  x: Float64Array,
  w: Float64Array,
  bias: Float64Array | null,
  m: number,
  depth: number,
  n: number,
  relu: boolean,
  layout: DenseLayout = LINEAR_LAYOUT,
): Float64Array {
  let out = new Float64Array(m * n);
  k.matmul(x, w, out, m, depth, n, false, layout.wTransposed, 1, 0, 0);
  if (bias) {
    const sum = new Float64Array(m * n);
    k.binary('add', out, [m, n], bias, layout.biasPerRow ? [m, 1] : [n], sum, [m, n]);
    out = sum;
  }
  if (relu) {
    const y = new Float64Array(m * n);
    k.unary('relu', out, y);
    out = y;
  }
  return out;
}

/** Every way `Kernels.linear` may read its weight and bias. */
const layouts = fc.record({ wTransposed: fc.boolean(), biasPerRow: fc.boolean() });
const allLayouts: DenseLayout[] = [false, true].flatMap((wTransposed) =>
  [false, true].map((biasPerRow) => ({ wTransposed, biasPerRow })),
);

/**
 * The unfused backward as the matmul, add and relu rules run it: the reluGrad kernel, the pair (or two
 * products), the row sums, each the backend's own kernel. For the TypeScript backend this is its
 * linearBackward itself; the tests through the public API below check that against the unfused graph.
 */
function backwardApart(
  k: Kernels,
  g: Float64Array,
  y: Float64Array | null,
  x: Float64Array,
  w: Float64Array,
  m: number,
  depth: number,
  n: number,
  needs: readonly [boolean, boolean, boolean],
  layout: DenseLayout = LINEAR_LAYOUT,
): (Float64Array | null)[] {
  const out = [
    needs[0] ? new Float64Array(m * depth) : null,
    needs[1] ? new Float64Array(n * depth) : null,
    needs[2] ? new Float64Array(layout.biasPerRow ? m : n) : null,
  ] as const;
  linearBackwardWith(k, g, y, x, w, out[0], out[1], out[2], m, depth, n, layout);
  return [...out];
}

const wasm = hasSimd() ? createWasmKernels(tsKernels) : null;
// every product through WebAssembly and threads, every array through the elementwise module
const eager = hasSimd()
  ? createWasmKernels(tsKernels, { minFlops: 0, threadMinFlops: 1, minElements: 0 })
  : null;
const backends: [string, Kernels | null][] = [
  ['ts', tsKernels],
  ['wasm', wasm],
  ['wasm, every size', eager],
];

describe('linear kernels', () => {
  for (const [name, k] of backends) {
    describe.skipIf(k === null)(name, () => {
      for (const threads of [1, 2, 3]) {
        test(`the forward equals matmul, add and relu one after another (${threads} thread${threads > 1 ? 's' : ''})`, () => {
          setNumThreads(threads);
          const rng = createRng(threads);
          const size = fc.integer({ min: 1, max: 70 });
          fc.assert(
            fc.property(
              size,
              size,
              size,
              fc.boolean(),
              fc.boolean(),
              layouts,
              (m, depth, n, withBias, relu, layout) => {
                const x = fill(rng, m * depth);
                const w = fill(rng, n * depth);
                const bias = withBias ? fill(rng, layout.biasPerRow ? m : n) : null;
                const out = new Float64Array(m * n).fill(Number.NaN);
                k!.linear(x, w, bias, out, m, depth, n, relu, layout);
                expect(identical(out, forwardApart(k!, x, w, bias, m, depth, n, relu, layout))).toBe(true);
              },
            ),
            { numRuns: 40 },
          );
        });

        test(`the backward equals reluGrad, the two products and the row sums (${threads} thread${threads > 1 ? 's' : ''})`, () => {
          setNumThreads(threads);
          const rng = createRng(10 + threads);
          const size = fc.integer({ min: 1, max: 70 });
          const needs = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean());
          fc.assert(
            fc.property(size, size, size, fc.boolean(), needs, layouts, (m, depth, n, relu, need, layout) => {
              const x = fill(rng, m * depth);
              const w = fill(rng, n * depth);
              const g = fill(rng, m * n);
              // a relu layer's output: nonnegative, with zeros and the odd NaN or ∞
              const y = relu ? fill(rng, m * n, 0.1).map((v) => Math.max(v, 0)) : null;
              const got = [
                need[0] ? new Float64Array(m * depth).fill(Number.NaN) : null,
                need[1] ? new Float64Array(n * depth).fill(Number.NaN) : null,
                need[2] ? new Float64Array(layout.biasPerRow ? m : n).fill(Number.NaN) : null,
              ];
              const before = g.slice();
              k!.linearBackward(g, y, x, w, got[0]!, got[1]!, got[2]!, m, depth, n, layout);
              expect(identical(g, before)).toBe(true); // the caller's gradient is left alone
              const expected = backwardApart(k!, g, y, x, w, m, depth, n, need, layout);
              got.forEach((a, i) => {
                expect(a === null ? null : identical(a, expected[i]!)).toBe(a === null ? null : true);
              });
            }),
            { numRuns: 40 },
          );
        });
      }
    });
  }

  test('edge shapes: one row, one column, depth 1, a gradient of -0', () => {
    for (const [, k] of backends) {
      if (k === null) continue;
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        for (const [m, depth, n] of [
          [1, 5, 7],
          [7, 5, 1],
          [1, 1, 1],
          [6, 1, 6],
          [1, 70, 70],
        ] as const) {
          const rng = createRng(m * 100 + n);
          const x = fill(rng, m * depth);
          const w = fill(rng, n * depth);
          const g = fill(rng, m * n).map((v, i) => (i % 3 === 0 ? -0 : v));
          const y = fill(rng, m * n, 0.2).map((v) => Math.max(v, 0));
          for (const [relu, layout] of [false, true].flatMap((r) => allLayouts.map((l) => [r, l] as const))) {
            const sizes = [m * depth, n * depth, layout.biasPerRow ? m : n];
            const got = sizes.map((size) => new Float64Array(size).fill(Number.NaN));
            const mask = relu ? y : null;
            k.linearBackward(g, mask, x, w, got[0]!, got[1]!, got[2]!, m, depth, n, layout);
            const expected = backwardApart(k, g, mask, x, w, m, depth, n, [true, true, true], layout);
            got.forEach((a, i) => {
              expect(identical(a, expected[i]!)).toBe(true);
            });
          }
        }
      }
    }
  });

  test('deep layers: bias and relu wait for the last depth block of the product', () => {
    // the kernel works through depth in blocks of 256 and applies the epilogue to each block of C
    // once its last depth block is in
    for (const [, k] of backends) {
      if (k === null) continue;
      for (const threads of [1, 2, 3]) {
        setNumThreads(threads);
        for (const [m, depth, n] of [
          [5, 257, 7],
          [40, 300, 3],
          [9, 600, 33],
        ] as const) {
          const rng = createRng(m * 1000 + depth);
          const x = fill(rng, m * depth, 0.01);
          const w = fill(rng, n * depth, 0.01);
          const bias = fill(rng, n);
          const out = new Float64Array(m * n).fill(Number.NaN);
          for (const layout of [LINEAR_LAYOUT, { wTransposed: false, biasPerRow: true }]) {
            const own = layout.biasPerRow ? fill(rng, m) : bias;
            k.linear(x, w, own, out, m, depth, n, true, layout);
            expect(identical(out, forwardApart(k, x, w, own, m, depth, n, true, layout))).toBe(true);
          }
        }
      }
    }
  });

  test.skipIf(eager === null)('on two threads a worker computes one of the two gradient products', () => {
    setNumThreads(2);
    const k = eager!;
    const rng = createRng(3);
    const [m, depth, n] = [300, 100, 100];
    const [g, x, w] = [fill(rng, m * n, 0), fill(rng, m * depth, 0), fill(rng, n * depth, 0)];
    const [dx, dw] = [new Float64Array(m * depth), new Float64Array(n * depth)];
    const before = k.wasm.workerChunks;
    // a sleeping worker may wake after the caller has taken both products: one of 50 calls must share
    for (let i = 0; i < 50 && k.wasm.workerChunks === before; i++) {
      k.linearBackward(g, null, x, w, dx, dw, null, m, depth, n, LINEAR_LAYOUT);
    }
    expect(eager!.wasm.workerChunks).toBeGreaterThan(before);
  });
});

/** The unfused layer in public ops: x·Wᵀ as a product with a materialised transpose, + b, relu. */
function apart(x: Tensor, w: Tensor, b: Tensor | null, relu: boolean): Tensor {
  let y = x.matmul(w.T);
  if (b) y = y.add(b);
  return relu ? y.relu() : y;
}

/** Gradient seeds that differ per element, so that every output element's gradient path counts. */
function seeded(shape: readonly number[], seed: number): Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float64Array.from({ length: size }, () => rng.normal()),
    { shape },
  );
}

describe('linear', () => {
  for (const threads of [1, 2]) {
    test(`values and gradients are exactly those of matmul, add and relu (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      setNumThreads(threads);
      const size = fc.integer({ min: 1, max: 40 });
      const seed = fc.integer({ min: 0, max: 1 << 20 });
      fc.assert(
        fc.property(size, size, size, fc.boolean(), fc.boolean(), seed, (m, depth, n, withBias, relu, s) => {
          const x1 = seeded([m, depth], s);
          const w1 = seeded([n, depth], s + 1);
          const b1 = withBias ? seeded([n], s + 2) : null;
          const x2 = seeded([m, depth], s);
          const w2 = seeded([n, depth], s + 1);
          const b2 = withBias ? seeded([n], s + 2) : null;
          for (const t of [x1, w1, b1, x2, w2, b2]) if (t) t.requiresGrad = true;
          const fused = linear(x1, w1, b1, { activation: relu ? 'relu' : 'none' });
          const reference = apart(x2, w2, b2, relu);
          expect(fused.shape).toEqual([m, n]);
          expect(identical(fused.data, reference.data)).toBe(true);
          const g = seeded([m, n], s + 3);
          fused.backward(g);
          reference.backward(g);
          expect(identical(x1.grad!.data, x2.grad!.data)).toBe(true);
          expect(identical(w1.grad!.data, w2.grad!.data)).toBe(true);
          if (b1) expect(identical(b1.grad!.data, b2!.grad!.data)).toBe(true);
        }),
        { numRuns: 40 },
      );
    });
  }

  test('records one node, and leaves the gradients of inputs that take none alone', () => {
    const x = seeded([5, 3], 1);
    const w = seeded([4, 3], 2);
    w.requiresGrad = true;
    const y = linear(x, w, null, { activation: 'relu' });
    expect(y.op).toBe('linear');
    expect(y.parents).toEqual([x, w]);
    y.sum().backward();
    expect(x.grad).toBeNull();
    expect(w.grad!.shape).toEqual([4, 3]);
  });

  test('takes a 1-D input and leading batch axes', () => {
    const w = seeded([4, 3], 2);
    const b = seeded([4], 3);
    const x = seeded([2, 5, 3], 4);
    const y = linear(x, w, b, { activation: 'relu' });
    expect(y.shape).toEqual([2, 5, 4]);
    expect(identical(y.data, apart(x.reshape([10, 3]), w, b, true).data)).toBe(true);
    const v = linear(seeded([3], 5), w, b);
    expect(v.shape).toEqual([4]);
    expect(identical(v.data, apart(seeded([1, 3], 5), w, b, false).data)).toBe(true);
  });

  test('an empty batch and zero input features give empty or zero gradients, not NaN', () => {
    const x = tensor(new Float64Array(0), { shape: [0, 3], requiresGrad: true });
    const w = tensor(new Float64Array(12).fill(1), { shape: [4, 3], requiresGrad: true });
    const b = tensor([1, 1, 1, 1], { requiresGrad: true });
    const y = linear(x, w, b, { activation: 'relu' });
    expect(y.shape).toEqual([0, 4]);
    y.sum().backward();
    expect(Array.from(w.grad!.data)).toEqual(new Array(12).fill(0));
    expect(Array.from(b.grad!.data)).toEqual([0, 0, 0, 0]);
    const featureless = tensor(new Float64Array(0), { shape: [2, 0], requiresGrad: true });
    const none = tensor(new Float64Array(0), { shape: [3, 0], requiresGrad: true });
    const z = linear(featureless, none, tensor([1, 2, 3]));
    expect(z.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    z.sum().backward();
    expect(featureless.grad!.shape).toEqual([2, 0]);
    expect(none.grad!.shape).toEqual([3, 0]);
  });

  test('passes gradcheck, with and without relu', () => {
    const x = seeded([6, 4], 7);
    const w = seeded([3, 4], 8);
    const b = seeded([3], 9);
    for (const activation of ['none', 'relu'] as const) {
      const report = gradcheck(
        (xx, ww, bb) =>
          linear(xx!, ww!, bb!, { activation })
            .mul(seeded([6, 3], 10))
            .sum(),
        [x, w, b],
      );
      expect(report.ok, JSON.stringify(report.worst)).toBe(true);
    }
  });

  test('second-order gradients (createGraph) equal those of the unfused layer', () => {
    const run = (fused: boolean) => {
      const x = seeded([5, 3], 11);
      const w = seeded([4, 3], 12);
      const b = seeded([4], 13);
      for (const t of [x, w, b]) t.requiresGrad = true;
      const y = fused ? linear(x, w, b, { activation: 'relu' }) : apart(x, w, b, true);
      // a loss whose gradient in x depends on w: differentiate ‖dL/dx‖² again, by w
      y.mul(y).sum().backward({ createGraph: true });
      const dx = x.grad!;
      w.grad = null;
      dx.mul(dx).sum().backward();
      return w.grad!.data.slice();
    };
    expect(identical(run(true), run(false))).toBe(true);
  });

  test('refuses an unknown activation, naming the op', () => {
    const w = seeded([2, 2], 1);
    expect(() => linear(seeded([1, 2], 2), w, null, { activation: 'gelu' as 'relu' })).toThrow(
      `linear: activation must be 'none' or 'relu', got the string "gelu"`,
    );
  });
});
