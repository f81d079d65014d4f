// Every scalar op: value and gradient against derivatives written by hand, numbers on either side,
// reused nodes, and the edges (±1000, zero, domain boundaries, NaN).

import { add, div, mul, sub, type Value, value } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { centralDiff, expectRelClose } from './support/numeric.js';

interface UnaryCase {
  name: string;
  apply: (x: Value) => Value;
  f: (x: number) => number;
  /** The derivative, written by hand in a form other than the engine's rule. */
  df: (x: number) => number;
  points: number[];
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const unaryCases: UnaryCase[] = [
  { name: 'neg', apply: (x) => x.neg(), f: (x) => -x, df: () => -1, points: [-2.5, 0, 3] },
  { name: 'exp', apply: (x) => x.exp(), f: Math.exp, df: Math.exp, points: [-3, 0, 0.5, 4] },
  { name: 'log', apply: (x) => x.log(), f: Math.log, df: (x) => 1 / x, points: [0.01, 0.5, 1, 7] },
  {
    name: 'tanh',
    apply: (x) => x.tanh(),
    f: Math.tanh,
    df: (x) => 1 / Math.cosh(x) ** 2,
    points: [-2, -0.3, 0, 0.8, 3],
  },
  {
    name: 'relu',
    apply: (x) => x.relu(),
    f: (x) => Math.max(x, 0),
    df: (x) => (x > 0 ? 1 : 0),
    points: [-2, -1e-9, 1e-9, 0.5, 4],
  },
  {
    name: 'sigmoid',
    apply: (x) => x.sigmoid(),
    f: sigmoid,
    df: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2,
    points: [-30, -4, -0.5, 0, 1, 6, 30],
  },
  {
    name: 'reciprocal',
    apply: (x) => x.reciprocal(),
    f: (x) => 1 / x,
    df: (x) => -1 / (x * x),
    points: [-4, -0.25, 0.1, 2],
  },
];

describe('unary ops', () => {
  for (const c of unaryCases) {
    test(`${c.name} has the hand-written value and derivative`, () => {
      for (const p of c.points) {
        const x = value(p);
        const y = c.apply(x);
        y.backward();
        expectRelClose(y.data, c.f(p), 1e-14, 1e-300);
        expectRelClose(x.grad, c.df(p), 1e-12, 1e-300);
      }
    });

    test(`${c.name} scales its gradient by the upstream gradient`, () => {
      const p = c.points[c.points.length - 1]!;
      const x = value(p);
      c.apply(x).mul(-2.5).backward();
      expectRelClose(x.grad, -2.5 * c.df(p), 1e-12, 1e-300);
    });
  }

  test('neg, exp, log, tanh, sigmoid and reciprocal agree with central differences', () => {
    for (const c of unaryCases.filter((u) => u.name !== 'relu')) {
      for (const p of c.points.filter((q) => Math.abs(q) < 10)) {
        const x = value(p);
        c.apply(x).backward();
        expectRelClose(x.grad, centralDiff(c.f, p), 1e-7, 1e-12);
      }
    }
  });
});

describe('each op against central differences at random points', () => {
  // Domains by construction: log and reciprocal get |x| ≥ 0.1 of the right sign, relu stays off its kink.
  const away = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });
  const domains: Record<string, fc.Arbitrary<number>> = {
    neg: away(-50, 50),
    exp: away(-20, 20),
    log: away(0.1, 1e3),
    tanh: away(-5, 5),
    relu: fc.oneof(away(-50, -1e-3), away(1e-3, 50)),
    sigmoid: away(-30, 30),
    reciprocal: fc.oneof(away(-10, -0.1), away(0.1, 10)),
  };
  for (const c of unaryCases) {
    test(`${c.name}: the gradient matches central differences`, () => {
      fc.assert(
        fc.property(domains[c.name]!, (p) => {
          const x = value(p);
          c.apply(x).backward();
          expectRelClose(x.grad, centralDiff(c.f, p), 1e-6, 1e-12);
        }),
      );
    });
  }

  test('add, sub, mul and div: both partial derivatives match central differences', () => {
    const ops: [string, (a: Value, b: Value) => Value, (a: number, b: number) => number][] = [
      ['add', (a, b) => a.add(b), (a, b) => a + b],
      ['sub', (a, b) => a.sub(b), (a, b) => a - b],
      ['mul', (a, b) => a.mul(b), (a, b) => a * b],
      ['div', (a, b) => a.div(b), (a, b) => a / b],
    ];
    const operand = fc.double({ min: -100, max: 100, noNaN: true });
    const divisor = fc.oneof(away(-100, -0.1), away(0.1, 100));
    for (const [name, apply, f] of ops) {
      fc.assert(
        fc.property(operand, name === 'div' ? divisor : operand, (p, q) => {
          const a = value(p);
          const b = value(q);
          apply(a, b).backward();
          expectRelClose(
            a.grad,
            centralDiff((t) => f(t, q), p),
            1e-6,
            1e-9,
          );
          expectRelClose(
            b.grad,
            centralDiff((t) => f(p, t), q),
            1e-6,
            1e-9,
          );
        }),
      );
    }
  });

  test('pow: the gradient matches central differences for positive bases and any exponent', () => {
    fc.assert(
      fc.property(away(0.1, 10), away(-4, 4), (p, e) => {
        const x = value(p);
        x.pow(e).backward();
        expectRelClose(
          x.grad,
          centralDiff((t) => t ** e, p),
          1e-6,
          1e-9,
        );
      }),
    );
  });
});

describe('binary ops', () => {
  // Hand-written partial derivatives of each op at a = 3, b = -1.5.
  const a0 = 3;
  const b0 = -1.5;
  const cases = [
    { name: 'add', run: (a: Value, b: Value) => a.add(b), f: a0 + b0, da: 1, db: 1 },
    { name: 'sub', run: (a: Value, b: Value) => a.sub(b), f: a0 - b0, da: 1, db: -1 },
    { name: 'mul', run: (a: Value, b: Value) => a.mul(b), f: a0 * b0, da: b0, db: a0 },
    { name: 'div', run: (a: Value, b: Value) => a.div(b), f: a0 / b0, da: 1 / b0, db: -a0 / (b0 * b0) },
  ];

  for (const c of cases) {
    test(`${c.name} of two Values has the hand-written value and both partial derivatives`, () => {
      const a = value(a0);
      const b = value(b0);
      const y = c.run(a, b);
      y.backward();
      expect(y.data).toBe(c.f);
      expectRelClose(a.grad, c.da, 1e-15);
      expectRelClose(b.grad, c.db, 1e-15);
      expect(y.op).toBe(c.name);
      expect(y.parents).toEqual([a, b]);
    });
  }

  test('a number on the right is lifted to a constant: x.sub(2), x.div(4), x.mul(3), x.add(1)', () => {
    const x = value(5);
    const ys = [x.sub(2), x.div(4), x.mul(3), x.add(1)];
    expect(ys.map((y) => y.data)).toEqual([3, 1.25, 15, 6]);
    const grads = ys.map((y) => {
      x.zeroGrad();
      y.backward();
      return x.grad;
    });
    expect(grads).toEqual([1, 0.25, 3, 1]);
  });

  test('a number on the left works through the free functions: sub(2, x), div(1, x), mul(3, x), add(1, x)', () => {
    const x = value(4);
    const cases = [
      { y: sub(2, x), data: -2, grad: -1 },
      { y: div(1, x), data: 0.25, grad: -1 / 16 },
      { y: mul(3, x), data: 12, grad: 3 },
      { y: add(1, x), data: 5, grad: 1 },
    ];
    for (const c of cases) {
      x.zeroGrad();
      c.y.backward();
      expect(c.y.data).toBe(c.data);
      expect(x.grad).toBe(c.grad);
      // the number became a constant leaf in the first position
      expect(c.y.parents[1]).toBe(x);
      expect(c.y.parents[0]!.op).toBe('');
    }
  });

  test('the free functions also accept two Values and a number on the right', () => {
    const a = value(6);
    const b = value(2);
    expect([add(a, b), sub(a, b), mul(a, b), div(a, b)].map((y) => y.data)).toEqual([8, 4, 12, 3]);
    expect([add(a, 1), sub(a, 1), mul(a, 2), div(a, 3)].map((y) => y.data)).toEqual([7, 5, 12, 2]);
  });

  test('div by a Value holding zero gives Infinity, as 1 / 0 does', () => {
    expect(div(1, value(0)).data).toBe(Number.POSITIVE_INFINITY);
    expect(value(0).reciprocal().data).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('reused nodes', () => {
  test('x.mul(x) keeps both parents and collects both contributions: d(x²)/dx = 2x', () => {
    const x = value(-3);
    const y = x.mul(x);
    expect(y.parents).toEqual([x, x]);
    y.backward();
    expect(y.data).toBe(9);
    expect(x.grad).toBe(-6);
  });

  test('x.add(x).mul(x) is 2x² with derivative 4x', () => {
    const x = value(1.5);
    const y = x.add(x).mul(x);
    y.backward();
    expect(y.data).toBe(4.5);
    expect(x.grad).toBe(6);
  });

  test('a shared subexpression feeds its gradient to every use: t = x·y, f = t + t·x', () => {
    const x = value(2);
    const y = value(-3);
    const t = x.mul(y);
    const f = t.add(t.mul(x)); // x·y + x²·y
    f.backward();
    expect(f.data).toBe(-6 - 12);
    expect(t.grad).toBe(1 + 2); // 1 + x
    expect(x.grad).toBe(-3 + 2 * 2 * -3); // y + 2xy
    expect(y.grad).toBe(2 + 4); // x + x²
  });
});

describe('pow', () => {
  const cases = [
    { base: 2, e: 3, f: 8, df: 12 },
    { base: -2, e: 3, f: -8, df: 12 },
    { base: -2, e: 2, f: 4, df: -4 },
    { base: 5, e: 1, f: 5, df: 1 },
    { base: 4, e: 0.5, f: 2, df: 0.25 },
    { base: 4, e: -0.5, f: 0.5, df: -1 / 16 },
    { base: 2, e: -2, f: 0.25, df: -0.25 },
    { base: -2, e: -1, f: -0.5, df: -0.25 },
    { base: 8, e: 1 / 3, f: 2, df: 1 / 12 },
    { base: 4, e: 1.5, f: 8, df: 3 },
  ];
  for (const c of cases) {
    test(`${c.base} to the power ${c.e} is ${c.f} with derivative ${c.df}`, () => {
      const x = value(c.base);
      const y = x.pow(c.e);
      y.backward();
      expectRelClose(y.data, c.f, 1e-15);
      expectRelClose(x.grad, c.df, 1e-15);
      expect(y.op).toBe('pow');
      expect(y.parents).toEqual([x]);
    });
  }

  test('exponent 0 gives 1 with derivative 0, even at base 0 where x^-1 would be infinite', () => {
    for (const base of [0, -3, 2.5]) {
      const x = value(base);
      const y = x.pow(0);
      y.backward();
      expect(y.data).toBe(1);
      expect(x.grad).toBe(0);
    }
  });
});

describe('edges', () => {
  test('sigmoid at x = 1000 and x = -1000 is finite in value and gradient', () => {
    const hi = value(1000);
    const shi = hi.sigmoid();
    shi.backward();
    expect(shi.data).toBe(1);
    expect(hi.grad).toBe(0); // e^-1000 underflows; the true value is below the smallest double
    const lo = value(-1000);
    const slo = lo.sigmoid();
    slo.backward();
    expect(slo.data).toBe(0);
    expect(lo.grad).toBe(0);
    for (const v of [shi.data, hi.grad, slo.data, lo.grad]) expect(Number.isFinite(v)).toBe(true);
  });

  test('sigmoid keeps full relative accuracy far into the negative tail', () => {
    for (const p of [-50, -200, -700]) {
      const x = value(p);
      const s = x.sigmoid();
      s.backward();
      // s(x) = e^x / (1 + e^x) and s'(x) = e^x / (1 + e^x)², both ≈ e^x here
      expectRelClose(s.data, Math.exp(p) / (1 + Math.exp(p)), 1e-13);
      expectRelClose(x.grad, Math.exp(p) / (1 + Math.exp(p)) ** 2, 1e-13);
    }
  });

  test('tanh at ±1000 is ±1 with derivative 0', () => {
    for (const p of [1000, -1000]) {
      const x = value(p);
      const y = x.tanh();
      y.backward();
      expect(y.data).toBe(Math.sign(p));
      expect(x.grad).toBe(0);
    }
  });

  test('relu at ±1000 passes or blocks, and at exactly 0 has gradient 0', () => {
    const pos = value(1000);
    pos.relu().backward();
    expect(pos.grad).toBe(1);
    const neg = value(-1000);
    neg.relu().backward();
    expect(neg.grad).toBe(0);
    const zero = value(0);
    const y = zero.relu();
    y.backward();
    expect(y.data).toBe(0);
    expect(zero.grad).toBe(0);
  });

  test('log(0) is -Infinity and its gradient +Infinity', () => {
    const x = value(0);
    const y = x.log();
    y.backward();
    expect(y.data).toBe(Number.NEGATIVE_INFINITY);
    expect(x.grad).toBe(Number.POSITIVE_INFINITY);
  });

  test('exp(1000) overflows to Infinity rather than to a finite number', () => {
    expect(value(1000).exp().data).toBe(Number.POSITIVE_INFINITY);
    expect(value(-1000).exp().data).toBe(0);
  });

  // Ops whose derivative depends on the input: a NaN input makes both the value and the gradient NaN.
  const nanCases: [string, (x: Value) => Value][] = [
    ...unaryCases
      .filter((c) => c.name !== 'neg')
      .map((c): [string, (x: Value) => Value] => [c.name, c.apply]),
    ['div', (x) => div(1, x)],
    ['mul of x by itself', (x) => x.mul(x)],
    ['pow 2', (x) => x.pow(2)],
    ['pow 0.5', (x) => x.pow(0.5)],
  ];
  for (const [name, apply] of nanCases) {
    test(`${name} propagates NaN into its value and its gradient`, () => {
      const x = value(Number.NaN);
      const y = apply(x);
      y.backward();
      expect(y.data).toBeNaN();
      expect(x.grad).toBeNaN();
    });
  }

  test('add, sub, neg and mul by a constant make the value NaN; their constant derivative is unaffected', () => {
    const cases: [(x: Value) => Value, number][] = [
      [(x) => x.add(1), 1],
      [(x) => sub(1, x), -1],
      [(x) => x.neg(), -1],
      [(x) => x.mul(2), 2],
    ];
    for (const [apply, derivative] of cases) {
      const x = value(Number.NaN);
      const y = apply(x);
      y.backward();
      expect(y.data).toBeNaN();
      expect(x.grad).toBe(derivative);
    }
  });

  test('a NaN operand on the right propagates too', () => {
    const x = value(2);
    const y = x.mul(value(Number.NaN)).add(x);
    y.backward();
    expect(y.data).toBeNaN();
    expect(x.grad).toBeNaN();
  });
});
