// Selection: the comparisons lt le gt ge eq ne (constants that carry no gradient) and where(cond, a, b),
// on Values and Tensors: values against plain-number references, broadcasting, the IEEE edges,
// gradients to the second order, forward mode, both backends bit for bit, and the errors.

import {
  defineOp,
  explain,
  getBackend,
  grad,
  gradcheck,
  jvp,
  noGrad,
  opAttributes,
  ShapeError,
  setBackend,
  Tensor,
  tensor,
  toDot,
  traceGraph,
  type Value,
  value,
  where,
} from '@chainrule/engine';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { hasSimd } from '../src/kernels/wasm/index.js';
import { expectError } from './support/errors.js';
import { centralDiff, expectClose, identical } from './support/numeric.js';
import {
  broadcastFamilyArb,
  broadcastIndex,
  broadcastShape,
  fcParams,
  sizeOfShape,
  valuesArb,
} from './support/tensors.js';

const COMPARISONS = ['lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const;
type Comparison = (typeof COMPARISONS)[number];

/**
 * The relations written without JavaScript's comparison operators on the pair: equality as Object.is
 * after adding +0 (which makes -0 into +0), order through Math.min; NaN is unordered.
 */
function relation(op: Comparison, a: number, b: number): number {
  const unordered = Number.isNaN(a) || Number.isNaN(b);
  const same = !unordered && Object.is(a + 0, b + 0);
  const less = !unordered && !same && Object.is(Math.min(a, b), a);
  const greater = !unordered && !same && !less;
  const holds = { lt: less, le: less || same, gt: greater, ge: greater || same, eq: same, ne: !same }[op];
  return holds ? 1 : 0;
}

/** Calls comparison `op` on a Value or a Tensor. */
function compare<T extends Value | Tensor>(op: Comparison, a: T, b: T | number): T {
  return (a as unknown as Record<Comparison, (b: T | number) => T>)[op](b);
}

const SPECIALS = [0, -0, 1, -1, 2.5, 5e-324, -5e-324, 1.7e308, -1.7e308, Infinity, -Infinity, Number.NaN];

const backends = hasSimd() ? (['ts', 'wasm'] as const) : (['ts'] as const);
const initialBackend = getBackend();
afterEach(() => setBackend(initialBackend));

describe('comparisons', () => {
  test.each(COMPARISONS)(
    '%s matches its reference at every pair of special values, on Value and on Tensor',
    (op) => {
      const n = SPECIALS.length;
      // a column against a row: the whole table in one broadcast call
      const table = compare(op, tensor(SPECIALS, { shape: [n, 1] }), tensor(SPECIALS, { shape: [1, n] }));
      expect(table.shape).toEqual([n, n]);
      SPECIALS.forEach((a, i) => {
        SPECIALS.forEach((b, j) => {
          const expected = relation(op, a, b);
          expect(table.data[i * n + j], `${op}(${a}, ${b})`).toBe(expected);
          expect(compare(op, value(a), value(b)).data, `${op}(${a}, ${b}) on Value`).toBe(expected);
          expect(compare(op, value(a), b).data, `${op}(${a}, ${b}) with a number`).toBe(expected);
        });
      });
    },
  );

  test('NaN compares false except under ne, -0 equals 0, and infinities equal themselves', () => {
    const nan = Number.NaN;
    expect(COMPARISONS.map((op) => compare(op, value(nan), nan).data)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(COMPARISONS.map((op) => compare(op, value(-0), 0).data)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(COMPARISONS.map((op) => compare(op, value(Infinity), Infinity).data)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(COMPARISONS.map((op) => compare(op, value(-Infinity), 1.7e308).data)).toEqual([1, 1, 0, 0, 0, 1]);
  });

  test.each(COMPARISONS)('%s broadcasts random tensors as NumPy does, element by element', (op) => {
    fc.assert(
      fc.property(
        broadcastFamilyArb(2, { maxRank: 3, maxSize: 4 }).chain(({ shapes }) =>
          fc.record({
            shapes: fc.constant(shapes),
            // few distinct values, so that ties occur
            a: fc.array(fc.constantFrom(-1, 0, 0.5, 1), {
              minLength: sizeOfShape(shapes[0]!),
              maxLength: sizeOfShape(shapes[0]!),
            }),
            b: fc.array(fc.constantFrom(-1, 0, 0.5, 1), {
              minLength: sizeOfShape(shapes[1]!),
              maxLength: sizeOfShape(shapes[1]!),
            }),
          }),
        ),
        ({ shapes, a, b }) => {
          // the shapes' own broadcast: the family's full shape when one of them has every axis
          const full = broadcastShape(shapes[0]!, shapes[1]!);
          const out = compare(op, tensor(a, { shape: shapes[0] }), tensor(b, { shape: shapes[1] }));
          expect(out.shape).toEqual(full);
          for (let i = 0; i < sizeOfShape(full); i++) {
            const x = a[broadcastIndex(shapes[0]!, full, i)]!;
            const y = b[broadcastIndex(shapes[1]!, full, i)]!;
            expect(out.data[i]).toBe(relation(op, x, y));
          }
        },
      ),
      fcParams(60),
    );
  });

  test('a comparison result takes no gradient: a leaf Value, a recorded Tensor node that does not require grad, even under createGraph', () => {
    const x = value(2);
    const c = x.gt(1);
    expect([c.op, c.parents.length, c.data]).toEqual(['', 0, 1]);
    const t = tensor([1, 2, 3], { requiresGrad: true });
    expect([t.ge(2).op, t.ge(2).requiresGrad]).toEqual(['', false]); // a constant, as PyTorch's bool tensors
    const m = traceGraph(() => t.ge(2));
    expect(m.requiresGrad).toBe(false);
    // traced, it is recorded with what it compared, so exporters see it; no gradient enters it
    expect(m.op).toBe('ge');
    expect(m.parents[0]).toBe(t);
    expect(opAttributes(m)).toEqual({ op: 'ge', attributes: null });
    // of a tensor outside any graph, or while nothing records, it is a constant in a trace too
    expect(traceGraph(() => tensor([1, 2, 3]).ge(2)).op).toBe('');
    expect(traceGraph(() => noGrad(() => t.ge(2))).op).toBe('');
    // x·[x > 1]: the mask is a constant factor, so d/dx = [x > 1] on both backward passes
    const y = x.mul(x.gt(1));
    y.backward();
    expect(x.grad).toBe(1);
    x.zeroGrad();
    y.backward({ createGraph: true });
    expect(x.grad).toBe(1);
    t.mul(t.ge(2)).sum().backward();
    expect(Array.from(t.grad!.data)).toEqual([0, 1, 1]);
  });

  test('ts and wasm give the same bits on large arrays with the special values mixed in', () => {
    const a = Float64Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0 ? SPECIALS[i % SPECIALS.length]! : Math.sin(i),
    );
    const b = Float64Array.from({ length: 300 }, (_, i) =>
      i % 5 === 0 ? SPECIALS[(i * 3) % SPECIALS.length]! : Math.cos(i),
    );
    for (const op of COMPARISONS) {
      const results = backends.map((backend) => {
        setBackend(backend);
        return compare(op, tensor(a), tensor(b)).data;
      });
      for (const r of results) expect(identical(r, results[0]!), op).toBe(true);
      expect(Array.from(results[0]!)).toEqual(Array.from(a, (x, i) => relation(op, x, b[i]!)));
    }
  });
});

describe('where: values', () => {
  test('takes a where the condition is nonzero, NaN included, and b where it is ±0, bit for bit', () => {
    const cond = tensor([1, 0, -0, Number.NaN, -3, 5e-324]);
    const a = tensor([-0, 1, 2, 3, Infinity, Number.NaN]);
    const b = tensor([7, -0, Number.NaN, 8, 9, 10]);
    const out = where(cond, a, b);
    expect(identical(out.data, [-0, -0, Number.NaN, 3, Infinity, Number.NaN])).toBe(true);
    // a NaN or an infinity in the branch not taken never reaches the result
    expect(
      identical(where(tensor([0, 1]), tensor([Number.NaN, 1]), tensor([2, Infinity])).data, [2, 1]),
    ).toBe(true);
    expect(Object.is(where(value(0), value(1), value(-0)).data, -0)).toBe(true);
    expect(where(value(Number.NaN), 1, 2).data).toBe(1);
  });

  test('broadcasts the condition and both branches to one shape, matching plain numbers', () => {
    fc.assert(
      fc.property(
        broadcastFamilyArb(3, { maxRank: 3, maxSize: 3 }).chain(({ shapes }) =>
          fc.record({
            shapes: fc.constant(shapes),
            cond: fc.array(fc.constantFrom(0, 1, -0, 2), {
              minLength: sizeOfShape(shapes[0]!),
              maxLength: sizeOfShape(shapes[0]!),
            }),
            a: valuesArb(sizeOfShape(shapes[1]!)),
            b: valuesArb(sizeOfShape(shapes[2]!)),
          }),
        ),
        ({ shapes, cond, a, b }) => {
          const full = broadcastShape(broadcastShape(shapes[0]!, shapes[1]!), shapes[2]!);
          const out = where(
            tensor(cond, { shape: shapes[0] }),
            tensor(a, { shape: shapes[1] }),
            tensor(b, { shape: shapes[2] }),
          );
          expect(out.shape).toEqual(full);
          const expected = Array.from({ length: sizeOfShape(full) }, (_, i) =>
            cond[broadcastIndex(shapes[0]!, full, i)] !== 0
              ? a[broadcastIndex(shapes[1]!, full, i)]!
              : b[broadcastIndex(shapes[2]!, full, i)]!,
          );
          expect(identical(out.data, expected)).toBe(true);
        },
      ),
      fcParams(100),
    );
  });

  test('numbers stand for constants on either side, and the methods are where with this as a', () => {
    const x = tensor([-1, 2, -3]);
    expect(where(x.gt(0), x, 0).toArray()).toEqual([0, 2, 0]);
    expect(where(x.gt(0), 1, x).toArray()).toEqual([-1, 1, -3]);
    expect(where(1, x, 0).toArray()).toEqual([-1, 2, -3]);
    expect(x.where(x.lt(0), tensor([10, 20, 30])).toArray()).toEqual([-1, 20, -3]);
    expect(value(4).where(0, 5).data).toBe(5);
    expect(where(value(2).gt(1), value(3), 4).data).toBe(3);
    expect(where(tensor([1, 0]), tensor(5), tensor(6)).toArray()).toEqual([5, 6]);
  });
});

describe('where: gradients', () => {
  test('the gradient goes whole to the branch taken and +0 to the other, broadcasting undone', () => {
    const x = tensor([-2, 3, 0.5], { requiresGrad: true });
    const b = tensor([[1], [2]], { requiresGrad: true }); // [2, 1] against [3]
    const y = where(x.gt(0), x.mul(x), b);
    expect(y.shape).toEqual([2, 3]);
    y.mul(
      tensor([
        [1, -1, 2],
        [3, 0.5, -2],
      ]),
    )
      .sum()
      .backward();
    // x² where x > 0: 2x times the upstream of both rows; b collects the upstream where x <= 0
    expectClose(x.grad!.data, [0, 2 * 3 * (-1 + 0.5), 2 * 0.5 * (2 - 2)]);
    expect(Array.from(b.grad!.data)).toEqual([1, 3]);
  });

  test('an infinite or NaN upstream gradient stays on its side: the other branch gets exactly +0', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    where(tensor([1, 0]), a, b)
      .mul(tensor([Infinity, Number.NaN]))
      .sum()
      .backward();
    expect(identical(a.grad!.data, [Infinity, 0])).toBe(true);
    expect(identical(b.grad!.data, [0, Number.NaN])).toBe(true);
    // a negative upstream gradient: the branch not taken still gets +0, not -0
    const p = value(1);
    const q = value(2);
    where(value(1), p, q).mul(-3).backward();
    expect([p.grad, Object.is(q.grad, 0)]).toEqual([-3, true]);
  });

  test('the untaken branch still differentiates its +0, so 0·∞ = NaN there as in PyTorch; a second where keeps it finite', () => {
    // sqrt refuses -1 outright (a RangeError, where PyTorch computes NaN)
    expect(() => where(value(-1).gt(0), value(-1).sqrt(), 0)).toThrow(RangeError);
    // clamped into the domain, sqrt'(0) = ∞ meets the +0: NaN, as torch.where(x > 0, x.clamp(0).sqrt(), 0)
    const x = value(-1);
    where(x.gt(0), x.clamp(0).sqrt(), 0).backward();
    expect(x.grad).toBeNaN();
    // the double where: the untaken branch computes at a harmless point, so its derivative is finite
    const safe = (v: Value) => where(v.gt(0), where(v.gt(0), v, 1).sqrt(), 0);
    const x2 = value(-1);
    safe(x2).backward();
    expect(Object.is(x2.grad, 0)).toBe(true);
    const x3 = value(4);
    safe(x3).backward();
    expect(x3.grad).toBe(0.25);
  });

  test('gradcheck passes on random tensors with the condition computed from them', () => {
    fc.assert(
      fc.property(valuesArb(4), valuesArb(4), (xs, ys) => {
        // keep every element away from the threshold 0.1, so a nudge never flips the condition
        const a = tensor(
          xs.map((v) => (Math.abs(v - 0.1) < 0.05 ? v + 0.2 : v)),
          { requiresGrad: true },
        );
        const b = tensor(ys, { requiresGrad: true });
        const report = gradcheck(
          (p: Tensor, q: Tensor) =>
            where(p.gt(0.1), p.mul(q).sin(), q.exp().mul(p))
              .mul(tensor([1, -2, 0.5, 3]))
              .sum(),
          [a, b],
        );
        expect(report.ok, JSON.stringify(report.worst)).toBe(true);
      }),
      fcParams(40),
    );
  });

  test('second derivatives through where match central differences of the first, on Value and Tensor', () => {
    // f(x) = x³ where x > 0, else sin x: f'' = 6x or -sin x
    const f = (x: Value) => where(x.gt(0), x.pow(3), x.sin());
    const df = grad(f);
    const d2 = grad((x: Value) => df(x));
    const ft = (x: Tensor) => where(x.gt(0), x.pow(3), x.sin()).sum();
    for (const x of [-1.3, -0.4, 0.7, 2.1]) {
      const fd = centralDiff((v) => df(value(v)).data, x);
      expectClose(d2(value(x)).data, fd, { rtol: 1e-6, atol: 1e-8 });
      expectClose(d2(value(x)).data, x > 0 ? 6 * x : -Math.sin(x), { rtol: 1e-14 });
      const t = tensor([x], { requiresGrad: true });
      ft(t).backward({ createGraph: true });
      const g = t.grad!;
      t.zeroGrad();
      g.sum().backward();
      expect(t.grad!.data[0]).toBe(d2(value(x)).data);
    }
  });

  test('forward mode (jvp) through where agrees with the reverse gradient', () => {
    const f = (x: Tensor, y: Tensor) => where(x.gt(0), x.mul(y), y.square()).sum();
    const x = [-1, 2, 0.5];
    const y = [3, -1, 4];
    const [, tangent] = jvp(f, [tensor(x), tensor(y)], [tensor([1, 0.5, -2]), tensor([0.25, 1, 2])]) as [
      Tensor,
      Tensor,
    ];
    const [gx, gy] = grad(f, { argnums: [0, 1] })(tensor(x), tensor(y)) as [Tensor, Tensor];
    const dot = (g: Tensor, t: number[]) => t.reduce((s, v, i) => s + v * g.data[i]!, 0);
    expectClose(tangent.item(), dot(gx, [1, 0.5, -2]) + dot(gy, [0.25, 1, 2]), { rtol: 1e-14 });
  });

  test('Value and a 1-element Tensor agree bit for bit, values and gradients, on both backward passes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (x0, y0) => {
          const run = <T extends Value | Tensor>(x: T, y: T, createGraph: boolean) => {
            const out = (where as unknown as (c: T, a: T, b: T) => T)(
              (x as Value).gt(y as Value) as unknown as T,
              (x as Value).mul(y as Value).tanh() as unknown as T,
              (y as Value).sub(x as Value).exp() as unknown as T,
            );
            const loss = (out as Value).mul(out as Value) as unknown as T;
            if (loss instanceof Tensor) loss.sum().backward({ createGraph });
            else (loss as Value).backward({ createGraph });
            return out;
          };
          const [vx, vy] = [value(x0), value(y0)];
          const vout = run(vx, vy, false);
          const [rx, ry] = [value(x0), value(y0)];
          run(rx, ry, true);
          const [tx, ty] = [tensor([x0], { requiresGrad: true }), tensor([y0], { requiresGrad: true })];
          const tout = run(tx, ty, false);
          expect(Object.is(tout.data[0], vout.data)).toBe(true);
          expect(identical([vx.grad, vy.grad], [rx.grad, ry.grad])).toBe(true);
          expect(identical([tx.grad!.data[0]!, ty.grad!.data[0]!], [vx.grad, vy.grad])).toBe(true);
        },
      ),
      fcParams(100),
    );
  });

  test('ts and wasm give the same bits, values and gradients, on large broadcast tensors', () => {
    const n = 400;
    const xs = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
    const results = backends.map((backend) => {
      setBackend(backend);
      const x = tensor(xs, { requiresGrad: true });
      const b = tensor([0.5], { requiresGrad: true });
      const y = where(x.ge(0), x.mul(x).add(1), b.mul(x));
      y.mul(x).sum().backward();
      return [y.data, x.grad!.data, b.grad!.data];
    });
    for (const r of results) {
      r.forEach((arr, k) => {
        expect(identical(arr, results[0]![k]!)).toBe(true);
      });
    }
  });
});

describe('where: the graph', () => {
  test('is one node named where, with the condition and both branches as parents', () => {
    const x = value(2, 'x');
    const y = where(x.gt(0), x.mul(3), x.neg());
    expect(y.op).toBe('where');
    expect(y.parents.length).toBe(3);
    expect(toDot(y)).toContain('where');
    expect(explain(y)).toMatch(/where\s+where\(1, A, B\)/);
    const t = tensor([1, -1], { requiresGrad: true });
    const w = where(t.gt(0), t, 0);
    expect(w.op).toBe('where');
    expect(opAttributes(w)).toEqual({ op: 'where', attributes: {} });
  });

  test('takes gradients only through its branches: a tensor result needs a branch that requires grad', () => {
    const c = tensor([1, 0], { requiresGrad: true });
    expect(where(c, tensor([1, 2]), 3).requiresGrad).toBe(false);
    const a = tensor([1, 2], { requiresGrad: true });
    where(c, a, 3).sum().backward();
    expect(c.grad).toBeNull();
    expect(Array.from(a.grad!.data)).toEqual([1, 0]);
  });
});

describe("Value's numeric backward leaves what it never reaches untouched", () => {
  test('a condition with a graph of its own: no gradient, not -0, and nothing passed on (log at 0 would make NaN)', () => {
    for (const createGraph of [false, true]) {
      const x = value(2);
      const y = value(0);
      const cond = y.log(); // -∞: nonzero, so where takes x
      const out = where(cond, x, 5);
      out.backward({ createGraph });
      expect(x.grad).toBe(1);
      expect(Object.is(cond.grad, 0), 'cond').toBe(true);
      expect(Object.is(y.grad, 0), 'y').toBe(true);
      expect(cond.gradValue).toBeNull();
    }
  });

  test("an input a custom op's backward returns null for keeps its gradient", () => {
    const first = defineOp({ name: 'first', forward: (a) => a, backward: (g: Value) => [g, null] });
    for (const createGraph of [false, true]) {
      const x = value(2);
      const y = value(0);
      const c = y.log();
      c.grad = 4; // an earlier accumulated gradient stays as it was
      first(x, c).backward({ createGraph });
      expect([x.grad, c.grad, y.grad]).toEqual([1, 4, 0]);
      expect(Object.is(y.grad, 0)).toBe(true);
    }
  });
});

describe('errors name the op', () => {
  test('shapes that do not broadcast', () => {
    expectError(
      () => where(tensor([[1, 0, 1]]), tensor([1, 2]), 0),
      ShapeError,
      'where: the condition [1,3], a [2] and b [] do not broadcast to one shape: axis -1 has sizes 3, 2, 1',
    );
    expectError(
      () => tensor([1, 2]).where(tensor([1, 0]), tensor([[1, 2, 3]])),
      ShapeError,
      'where: the condition [2], a [2] and b [1,3] do not broadcast to one shape: axis -1 has sizes 2, 2, 3',
    );
    expectError(
      () => tensor([1, 2]).lt(tensor([1, 2, 3])),
      ShapeError,
      'lt: shapes [2] and [3] do not broadcast: axis -1 has sizes 2 and 3',
    );
  });

  test('arguments of the wrong kind', () => {
    const call = where as (...args: unknown[]) => unknown;
    expectError(
      () => call('yes', value(1), 2),
      TypeError,
      'where: the condition must be a Value, a Tensor or a number, got the string "yes"',
    );
    expectError(
      () => call(value(1), [1], 2),
      TypeError,
      'where: a must be a Value, a Tensor or a number, got an array',
    );
    expectError(
      () => call(1, 2, 3),
      TypeError,
      'where: expected a Value or a Tensor among its inputs, got three numbers',
    );
    expectError(
      () => call(tensor([1]), value(1), 0),
      TypeError,
      'where: cannot mix Values and Tensors in one call, got a Tensor, a Value, a number',
    );
    expectError(
      () => (value(1).where as (...a: unknown[]) => unknown)(null, 2),
      TypeError,
      'where: expected a Value or a number, got null',
    );
    expectError(
      () => (tensor([1]).where as (...a: unknown[]) => unknown)(1, value(2)),
      TypeError,
      'where: expected a Tensor or a number, got a Value',
    );
    expectError(
      () => (value(1).gt as (b: unknown) => unknown)('2'),
      TypeError,
      'gt: expected a Value or a number, got the string "2"',
    );
  });
});
