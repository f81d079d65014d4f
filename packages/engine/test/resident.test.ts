// Resident copies (kernels/wasm/resident.ts): a fused dense layer's backward pass reads x, y and g
// where earlier kernels left them in WebAssembly memory. Whatever the ring holds, drops or overwrites,
// the numbers must be exactly those of the same backend copying every operand in (a ring of 0 bytes),
// and the copies must really be used.

import { type BackendName, linear, type Tensor, tensor } from '@chainrule/engine';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { Kernels } from '../src/kernels/backend.js';
import { getBackend, kernels, registerBackend, setBackend } from '../src/kernels/index.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import {
  createWasmKernels,
  getNumThreads,
  hasSimd,
  setNumThreads,
  type WasmKernelOptions,
  type WasmKernels,
} from '../src/kernels/wasm/index.js';
import { createRng } from '../src/random.js';
import { identical } from './support/numeric.js';

const initial = { backend: getBackend(), threads: getNumThreads() };
setBackend('wasm');
const defaultWasm = kernels();
afterAll(() => {
  registerBackend(defaultWasm);
  setBackend(initial.backend);
  setNumThreads(initial.threads);
});

/** Runs `body` with the ops on `k`, then puts the default wasm backend back. */
function on<T>(k: Kernels, body: () => T): T {
  registerBackend(k);
  setBackend(k.name as BackendName);
  try {
    return body();
  } finally {
    registerBackend(defaultWasm);
  }
}

/** Normal values, some exactly 0 so that relu masks cut. */
function values(seed: number, shape: readonly number[]): Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float64Array.from({ length: size }, () => (rng.uniform() < 0.05 ? 0 : rng.normal()));
  return tensor(data, { shape });
}

interface Run {
  outputs: Float64Array[];
  grads: Float64Array[];
}

/**
 * A chain of dense layers (relu on all but the last), backward from a seeded gradient: the case
 * the ring is for. Returns the outputs and every gradient.
 */
function chain(seed: number, m: number, sizes: readonly number[], between?: () => void): Run {
  const x = values(seed, [m, sizes[0]!]);
  const layers = sizes.slice(1).map((n, i) => ({
    w: values(seed + 10 + i, [n, sizes[i]!]),
    b: values(seed + 20 + i, [n]),
  }));
  for (const l of layers) l.w.requiresGrad = l.b.requiresGrad = true;
  const outputs: Tensor[] = [];
  let h = x;
  layers.forEach((l, i) => {
    h = linear(h, l.w, l.b, { activation: i < layers.length - 1 ? 'relu' : 'none' });
    outputs.push(h);
  });
  between?.();
  h.backward(values(seed + 30, h.shape));
  return {
    outputs: outputs.map((t) => t.data),
    grads: layers.flatMap((l) => [l.w.grad!.data, l.b.grad!.data]),
  };
}

/**
 * One g read by two layers (add hands the same gradient to both of its inputs): the first relu
 * layer masks it where it lies, so the second must not read that copy. Both also read the same x.
 */
function fork(seed: number, m: number, width: number, reluA: boolean, reluB: boolean): Run {
  const x = values(seed, [m, width]);
  const ws = [0, 1, 2, 3].map((i) => values(seed + 10 + i, [width, width]));
  const bs = [0, 1, 2, 3].map((i) => values(seed + 20 + i, [width]));
  for (const t of [x, ...ws, ...bs]) t.requiresGrad = true;
  const z = linear(x, ws[0]!, bs[0]!, { activation: 'relu' });
  const a = linear(z, ws[1]!, bs[1]!, { activation: reluA ? 'relu' : 'none' });
  const b = linear(z, ws[2]!, bs[2]!, { activation: reluB ? 'relu' : 'none' });
  const top = linear(a.add(b), ws[3]!, bs[3]!);
  top.backward(values(seed + 30, top.shape));
  return {
    outputs: [z.data, a.data, b.data, top.data],
    grads: [x, ...ws, ...bs].map((t) => t.grad!.data),
  };
}

function expectSame(got: Run, expected: Run): void {
  expect(got.outputs.length).toBe(expected.outputs.length);
  got.outputs.forEach((a, i) => {
    expect(identical(a, expected.outputs[i]!)).toBe(true);
  });
  expect(got.grads.length).toBe(expected.grads.length);
  got.grads.forEach((a, i) => {
    expect(identical(a, expected.grads[i]!)).toBe(true);
  });
}

/** The same backend without resident copies: the numbers every test must reproduce exactly. */
const copying = (options: WasmKernelOptions = {}) =>
  createWasmKernels(tsKernels, { ...options, residentBytes: 0 })!;

describe.skipIf(!hasSimd())('resident copies', () => {
  test('a chain of layers reads x, y and g in place: one hit for the top layer, three for each between, two for the bottom', () => {
    const k = createWasmKernels(tsKernels)!;
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      const before = k.wasm.residentHits;
      const got = on(k, () => chain(1, 64, [32, 48, 40, 24]));
      // top layer: x (its g is the caller's gradient, copied); the middle relu layer: g, y and x; the
      // bottom relu layer: g and y (its x is the caller's array, which the engine cannot trust unchanged)
      expect(k.wasm.residentHits - before).toBe(1 + 3 + 2);
      expectSame(
        got,
        on(copying(), () => chain(1, 64, [32, 48, 40, 24])),
      );
    }
  });

  test('on every ring size, with eviction and wrap-around, the numbers are exactly those without', () => {
    // products thread from any size, so the two-thread backward runs too; one instance per size
    const rings = new Map<number, Kernels>();
    const ringOf = (pages: number): Kernels => {
      if (!rings.has(pages)) {
        rings.set(pages, createWasmKernels(tsKernels, { threadMinFlops: 1, residentBytes: pages * 65_536 })!);
      }
      return rings.get(pages)!;
    };
    const reference = copying({ threadMinFlops: 1 });
    const width = fc.integer({ min: 16, max: 64 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 16, max: 96 }),
        fc.array(width, { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(1, 2),
        (seed, m, sizes, pages, threads) => {
          setNumThreads(threads);
          const k = ringOf(pages);
          expectSame(
            on(k, () => chain(seed, m, sizes)),
            on(reference, () => chain(seed, m, sizes)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a gradient that two layers read is masked by the first only in its own copy', () => {
    const k = createWasmKernels(tsKernels, { threadMinFlops: 1 }) as WasmKernels;
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      for (const [reluA, reluB] of [
        [true, true],
        [true, false],
        [false, true],
        [false, false],
      ] as const) {
        const before = k.wasm.residentHits;
        const got = on(k, () => fork(7, 64, 40, reluA, reluB));
        expect(k.wasm.residentHits).toBeGreaterThan(before);
        expectSame(
          got,
          on(copying({ threadMinFlops: 1 }), () => fork(7, 64, 40, reluA, reluB)),
        );
      }
    }
  });

  test('a larger product between forward and backward moves the ring; the backward copies again', () => {
    const k = createWasmKernels(tsKernels)!;
    setNumThreads(1);
    const big = () => {
      values(3, [300, 300]).matmul(values(4, [300, 300]));
    };
    const before = k.wasm.residentHits;
    const got = on(k, () => chain(2, 64, [32, 48, 24], big));
    // the ring was dropped after the forward pass: only the backward's own dx is found again
    expect(k.wasm.residentHits - before).toBe(1);
    expectSame(
      got,
      on(copying(), () => chain(2, 64, [32, 48, 24], big)),
    );
  });

  test('a gradient the caller changed in place and passes to backward is read as it is now', () => {
    // z's gradient is the dx that the layer above computed, which the ring still holds: changed in
    // place and passed back as backward's gradient, it must be read from the caller's array
    const run = () => {
      const x = values(5, [64, 32]);
      const [w0, w1] = [values(6, [40, 32]), values(7, [24, 40])];
      for (const t of [x, w0, w1]) t.requiresGrad = true;
      const z = linear(x, w0);
      linear(z, w1).backward(values(8, [64, 24]));
      const zGrad = z.grad!;
      for (let i = 0; i < zGrad.data.length; i++) zGrad.data[i]! *= -3;
      z.backward(zGrad);
      return { outputs: [z.data], grads: [x.grad!.data, w0.grad!.data, w1.grad!.data] };
    };
    const k = createWasmKernels(tsKernels)!;
    setNumThreads(1);
    expectSame(on(k, run), on(copying(), run));
  });

  test('a second backward pass over the same graph reads the same copies again', () => {
    const run = (): Run => {
      const x = values(11, [64, 32]);
      const [w0, w1] = [values(12, [48, 32]), values(13, [24, 48])];
      for (const t of [x, w0, w1]) t.requiresGrad = true;
      const top = linear(linear(x, w0, null, { activation: 'relu' }), w1);
      const g = values(14, top.shape);
      top.backward(g);
      top.backward(g); // gradients accumulate: twice the first pass's
      return { outputs: [top.data], grads: [x.grad!.data, w0.grad!.data, w1.grad!.data] };
    };
    const k = createWasmKernels(tsKernels, { threadMinFlops: 1 })!;
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      const before = k.wasm.residentHits;
      const got = on(k, run);
      // each pass: the top layer's x, then the relu layer's g and y (its x is the caller's array, copied)
      expect(k.wasm.residentHits - before).toBe(2 * (1 + 2));
      expectSame(got, on(copying({ threadMinFlops: 1 }), run));
    }
  });

  test('a ring of 0 bytes reads nothing in place', () => {
    const k = copying();
    setNumThreads(1);
    on(k, () => chain(9, 64, [32, 48, 24]));
    expect(k.wasm.residentHits).toBe(0);
  });
});
