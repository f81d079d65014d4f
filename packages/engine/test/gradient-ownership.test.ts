// A leaf's gradient is its own array. A backward rule that makes a gradient for one leaf alone (the
// products of matmul and linear, a broadcast undone by sumTo) hands it over without the copy every
// other gradient gets; these tests try every way such an array could end up held twice: a leaf used
// as both operands, a gradient passed on, the seed, grad()'s results, a custom op's backward, on
// every backend and on both sides of the thresholds where the WebAssembly products pair up.

import { defineOp, grad, linear, setBackend, Tensor } from '@chainrule/engine';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { backpropagate, gradientsOf } from '../src/graph/backward.js';
import { getBackend } from '../src/kernels/index.js';
import { getNumThreads, setNumThreads } from '../src/kernels/wasm/index.js';
import { createRng } from '../src/random.js';
import { fcParams } from './support/tensors.js';

const initialThreads = getNumThreads();
const initialBackend = getBackend();
afterAll(() => {
  setNumThreads(initialThreads);
  setBackend(initialBackend);
});

/** Every tensor below `root`, root included (parents, and their parents, …). */
function graphOf(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const p of stack.pop()!.parents) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return [...seen];
}

/**
 * Checks that every leaf's gradient is an array no other tensor holds: writing NaN into it changes
 * no other gradient and no tensor's data.
 */
function expectOwnGradients(root: Tensor): void {
  const nodes = graphOf(root);
  const leaves = nodes.filter((t) => t.op === '' && t.grad !== null);
  const watched = nodes.flatMap((t) => (t.grad === null ? [t] : [t, t.grad]));
  for (const leaf of leaves) {
    const before = watched.map((t) => Array.from(t.data));
    const own = leaf.grad!.data;
    const saved = own.slice();
    own.fill(Number.NaN);
    watched.forEach((t, i) => {
      if (t === leaf.grad) return;
      expect(
        Array.from(t.data),
        `writing into a leaf's gradient changed another tensor (${t.op || 'leaf'})`,
      ).toEqual(before[i]);
    });
    own.set(saved);
  }
}

const leaf = (rows: number, cols: number, seed: number) => {
  const rng = createRng(seed);
  return new Tensor(
    Float64Array.from({ length: rows * cols }, () => rng.normal()),
    [rows, cols],
    { requiresGrad: true },
  );
};

/** The backends and thread counts to run on: ts, and wasm on one thread and on two (where products pair up). */
const configurations: readonly (readonly [string, number])[] = [
  ['ts', 1],
  ['wasm', 1],
  ['wasm', 2],
];

describe.each(configurations)('on %s with %i thread(s)', (backend, threads) => {
  const use = () => {
    setBackend(backend as 'ts' | 'wasm');
    setNumThreads(threads);
  };

  test('a leaf used as both operands of a product gets the sum of both gradients, its own', () => {
    use();
    for (const n of [3, 70]) {
      const a = leaf(n, n, 1);
      const y = a.matmul(a);
      y.sum().backward();
      // d/dA sum(A·A) = 1·Aᵀ + Aᵀ·1
      const ones = Tensor.ones([n, n]);
      const want = ones.matmul(a.detach().T).add(a.detach().T.matmul(ones));
      expect(a.grad!.toArray()).toEqual(want.toArray());
      expectOwnGradients(y.sum());
    }
  });

  test('gradients passed on through an identity, an add and a reshape stay apart from the leaf’s', () => {
    use();
    for (const n of [4, 80]) {
      const w = leaf(n, n, 2);
      const x = leaf(n, n, 3);
      const v = w.add(0); // a non-leaf whose gradient is also w's, through add
      const y = x
        .matmul(v)
        .add(w)
        .reshape([n * n])
        .sum();
      y.backward();
      expectOwnGradients(y);
    }
  });

  test("a dense layer's weight, bias and input gradients are the leaves' own", () => {
    use();
    for (const [m, k, n] of [
      [5, 4, 3],
      [128, 64, 64],
    ] as const) {
      const x = leaf(m, k, 4);
      const w = leaf(n, k, 5);
      const b = new Tensor(new Float64Array(n).fill(0.25), [n], { requiresGrad: true });
      const y = linear(x, w, b, { activation: 'relu' });
      const loss = y.mul(y).sum();
      loss.backward();
      expectOwnGradients(loss);
      // the same again: accumulation sums into new arrays, still the leaves' own
      linear(x, w, b, { activation: 'relu' }).sum().backward();
      expectOwnGradients(loss);
    }
  });

  test('the seed, and a gradient a finished pass handed out, are copied when a leaf keeps them', () => {
    use();
    const w = leaf(70, 70, 6);
    const x = leaf(70, 70, 7);
    const g = grad((v: Tensor) => x.matmul(v).sum())(w);
    const kept = Array.from(g.data);
    w.backward(g); // w is the root: its gradient is the seed, which must be copied
    g.data.fill(Number.NaN);
    expect(Array.from(w.grad!.data)).toEqual(kept);
    // gradientsOf (under grad, vjp, gradcheck) hands out the gradients a pass made for its inputs
    // themselves: once that pass has ended, a leaf that is given one keeps a copy
    const inputs = [leaf(70, 70, 11)];
    const root = x.matmul(inputs[0]!).sum();
    const [made] = gradientsOf(root, root._seed('test'), inputs, false);
    const held = Array.from(made!.data);
    backpropagate(inputs[0]!, made!, false);
    made!.data.fill(Number.NaN);
    expect(Array.from(inputs[0]!.grad!.data)).toEqual(held);
  });

  test("a gradient a custom op's backward returns (and keeps) is copied", () => {
    use();
    const kept: Tensor[] = [];
    const twice = defineOp<Tensor>({
      name: 'twiceThroughGrad',
      forward: (x) => 2 * x,
      backward: (g: Tensor, { inputs: [x] }) => {
        // a gradient made by matmul's rule for a leaf, in a pass that ended: the rule's mark is gone
        const inner = grad((v: Tensor) =>
          v
            .matmul(Tensor.ones([70, 70]))
            .mul(g)
            .sum(),
        )(x!.detach());
        kept.push(inner.mul(2));
        return [kept[0]!];
      },
    });
    const w = leaf(70, 70, 8);
    twice(w).sum().backward();
    const want = Array.from(w.grad!.data);
    kept[0]!.data.fill(Number.NaN);
    expect(Array.from(w.grad!.data)).toEqual(want);
  });

  test('a gradient recorded by a createGraph pass, reached later through parents, is copied', () => {
    use();
    // from an outside review: the summands of x's gradient (and the product before sumTo undoes a
    // broadcast) are recorded nodes anyone can reach; a later pass must not keep one uncopied
    const leak = (held: Tensor) =>
      defineOp<Tensor>({ name: 'leak', forward: (v) => v, backward: () => [held] });
    for (const n of [3, 70]) {
      const x = leaf(n, n, 12);
      x.matmul(x).sum().backward({ createGraph: true });
      const held = x.grad!.parents[0]!;
      expect(held.op).toBe('matmul');
      x.grad = null;
      leak(held)(x).sum().backward();
      expect(x.grad!.data).not.toBe(held.data);
      expect(Array.from(x.grad!.data)).toEqual(Array.from(held.data));
    }
    const x = leaf(3, 4, 13);
    const b = new Tensor(
      Float64Array.from({ length: 32 }, (_, i) => i / 7 - 2),
      [2, 4, 4],
    );
    x.matmul(b).sum().add(x.mul(x).sum()).backward({ createGraph: true });
    // the broadcast product's share, summed down to x's shape: a constant (nothing in it takes a gradient)
    const summed = x.grad!.parents.find((p) => p.op === '')!;
    expect(summed.shape).toEqual([3, 4]);
    x.grad = null;
    leak(summed)(x).sum().backward();
    expect(x.grad!.data).not.toBe(summed.data);
  });

  test('fast-check: random programs of products, layers and broadcasts leave every leaf its own gradient', () => {
    use();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom(3, 70),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }),
        (seed, n, steps) => {
          const leaves = [leaf(n, n, seed), leaf(n, n, seed + 1), leaf(n, n, seed + 2)];
          const bias = new Tensor(new Float64Array(n).fill(0.5), [n], { requiresGrad: true });
          let h = leaves[0]!;
          steps.forEach((s, i) => {
            const w = leaves[(i + s) % leaves.length]!;
            if (s === 0) h = h.matmul(w);
            else if (s === 1) h = linear(h, w, bias, { activation: 'relu' });
            else if (s === 2)
              h = h.add(bias); // a broadcast row: bias's gradient comes through sumTo
            else if (s === 3) h = w.T.matmul(h);
            else if (s === 4) h = h.mul(w).add(w);
            else h = linear(w, h);
            h = h.mul(1 / n);
          });
          const loss = h.mul(h).sum();
          loss.backward();
          expectOwnGradients(loss);
        },
      ),
      fcParams(12),
    );
  });
});

test('a leaf’s gradient is the one a plain copy would have given, bit for bit (ts against wasm on two threads)', () => {
  const run = (backend: 'ts' | 'wasm', threads: number) => {
    setBackend(backend);
    setNumThreads(threads);
    const x = leaf(128, 64, 9);
    const w = leaf(64, 64, 10);
    const b = new Tensor(new Float64Array(64).fill(0.1), [64], { requiresGrad: true });
    const y = linear(x, w, b, { activation: 'relu' }).matmul(w).add(b);
    y.mul(y).sum().backward();
    return [x, w, b].map((t) => Array.from(t.grad!.data));
  };
  const want = run('ts', 1);
  expect(run('wasm', 2)).toEqual(want);
  expect(run('wasm', 1)).toEqual(want);
  // and what is compared is not zeros: every leaf got a gradient
  expect(want.map((g) => g.some((v) => v !== 0))).toEqual([true, true, true]);
});
