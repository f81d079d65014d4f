// grad and valueAndGrad, and second (and third) derivatives through createGraph, against closed forms.

import { grad, noGrad, Value, value, valueAndGrad } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { centralDiff, expectRelClose } from './support/numeric.js';

describe('grad and valueAndGrad', () => {
  test('grad returns a number for a number input', () => {
    const df = grad((x: Value) => x.pow(3));
    const g = df(2);
    expect(typeof g).toBe('number');
    expect(g).toBe(12);
  });

  test('valueAndGrad returns the value and the gradient as numbers for a number input', () => {
    const [y, dy] = valueAndGrad((x: Value) => x.mul(x).add(x))(3);
    expect([typeof y, typeof dy]).toEqual(['number', 'number']);
    expect([y, dy]).toEqual([12, 7]);
  });

  test('given a Value, grad returns a Value and valueAndGrad the output Value', () => {
    const x = value(0.5);
    const g = grad((v: Value) => v.exp())(x);
    expect(g).toBeInstanceOf(Value);
    expect((g as Value).data).toBe(Math.exp(0.5));
    const [y, dy] = valueAndGrad((v: Value) => v.tanh())(x);
    expect(y.data).toBe(Math.tanh(0.5));
    expectRelClose(dy.data, 1 / Math.cosh(0.5) ** 2, 1e-15);
  });

  test('passes extra arguments through and differentiates only the first', () => {
    const f = (x: Value, k: number, c: Value): Value => x.pow(k).mul(c);
    const c = value(2);
    expect(grad(f)(3, 2, c)).toBe(12);
    expect(c.grad).toBe(0);
  });

  test('the gradient of the identity is 1, and backward from a leaf gives it gradient 1', () => {
    expect(grad((x: Value) => x)(7)).toBe(1);
    const x = value(7);
    x.backward();
    expect(x.grad).toBe(1);
  });

  test('leaves accumulated gradients alone', () => {
    const x = value(1.5);
    grad((v: Value) => v.mul(v))(x);
    expect(x.grad).toBe(0);
  });

  test('the gradient of a function that ignores its input is 0', () => {
    const k = value(4);
    expect(grad((_x: Value) => k.mul(2))(1)).toBe(0);
  });

  test('still differentiates inside noGrad', () => {
    expect(noGrad(() => grad((x: Value) => x.mul(x))(5))).toBe(10);
  });

  test('rejects a non-number input and a function that does not return a Value, naming the function', () => {
    const df = grad((x: Value) => x.exp());
    expect(() => df('1' as unknown as number)).toThrow(TypeError);
    expect(() => df('1' as unknown as number)).toThrow(/^grad: .*the string "1"/);
    const bad = valueAndGrad((x: Value) => x.data as unknown as Value);
    expect(() => bad(1)).toThrow(TypeError);
    expect(() => bad(1)).toThrow(/^valueAndGrad: .*the number 1/);
  });
});

interface SecondDerivativeCase {
  name: string;
  f: (x: Value) => Value;
  /** The first and second derivatives in closed form. */
  d1: (x: number) => number;
  d2: (x: number) => number;
  points: number[];
}

const s = (x: number): number => 1 / (1 + Math.exp(-x));
const secondDerivativeCases: SecondDerivativeCase[] = [
  {
    name: 'tanh',
    f: (x) => x.tanh(),
    d1: (x) => 1 / Math.cosh(x) ** 2,
    // d²/dx² tanh = -2·tanh(x)·sech²(x)
    d2: (x) => (-2 * Math.tanh(x)) / Math.cosh(x) ** 2,
    points: [-3, -0.7, 0, 0.4, 1.5, 5],
  },
  {
    name: 'sigmoid',
    f: (x) => x.sigmoid(),
    // s' = s(1 - s), with 1 - s(x) written s(-x) so that it keeps its digits at x = 20
    d1: (x) => s(x) * s(-x),
    // s'' = s(1 - s)(1 - 2s), with 1 - 2s(x) = -tanh(x/2) for the same reason
    d2: (x) => -s(x) * s(-x) * Math.tanh(x / 2),
    points: [-20, -2, -0.5, 0, 1, 3, 20],
  },
  {
    name: 'x^3·exp(x)',
    f: (x) => x.pow(3).mul(x.exp()),
    d1: (x) => Math.exp(x) * (x ** 3 + 3 * x ** 2),
    // d²/dx² x³eˣ = eˣ(x³ + 6x² + 6x)
    d2: (x) => Math.exp(x) * (x ** 3 + 6 * x ** 2 + 6 * x),
    points: [-4, -1, -0.3, 0.5, 2],
  },
];

describe('second derivatives', () => {
  for (const c of secondDerivativeCases) {
    test(`grad(grad(f)) of ${c.name} matches the closed form`, () => {
      const d2 = grad(grad(c.f));
      for (const p of c.points) {
        expectRelClose(grad(c.f)(p), c.d1(p), 1e-12, 1e-300);
        expectRelClose(d2(p), c.d2(p), 1e-10, 1e-16);
      }
    });

    test(`backward({ createGraph: true }) of ${c.name}, then differentiating x.gradValue, matches the closed form`, () => {
      for (const p of c.points) {
        const x = value(p);
        c.f(x).backward({ createGraph: true });
        const dx = x.gradValue!;
        expectRelClose(dx.data, c.d1(p), 1e-12, 1e-300);
        expect(dx.parents.length).toBeGreaterThan(0); // the gradient carries a graph
        x.zeroGrad();
        dx.backward();
        expectRelClose(x.grad, c.d2(p), 1e-10, 1e-16);
      }
    });
  }

  test('grad(grad(grad(f))) of x^3·exp(x) is eˣ(x³ + 9x² + 18x + 6)', () => {
    const d3 = grad(grad(grad((x: Value) => x.pow(3).mul(x.exp()))));
    for (const p of [-2, 0, 0.5, 1.5]) {
      expectRelClose(d3(p), Math.exp(p) * (p ** 3 + 9 * p ** 2 + 18 * p + 6), 1e-10);
    }
  });

  test('sigmoid stays finite through second order at ±1000', () => {
    const d2 = grad(grad((x: Value) => x.sigmoid()));
    for (const p of [1000, -1000]) {
      const v = d2(p);
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v)).toBeLessThan(1e-300);
    }
  });

  test('second derivatives agree with central differences of the first for every op', () => {
    const fs: [string, (x: Value) => Value, number][] = [
      ['exp', (x) => x.exp(), 0.3],
      ['log', (x) => x.log(), 1.7],
      ['reciprocal', (x) => x.reciprocal(), -0.8],
      ['div', (x) => x.div(x.mul(x).add(1)), 0.6],
      ['pow', (x) => x.pow(2.5), 1.3],
      ['relu', (x) => x.relu().mul(x), 0.9],
      ['sub and neg', (x) => x.mul(x).sub(x.neg().exp()), -0.4],
    ];
    for (const [, f, p] of fs) {
      const d1 = grad(f);
      expectRelClose(grad(grad(f))(p), centralDiff(d1, p), 1e-8, 1e-12);
    }
  });

  test('without createGraph the gradient is a plain leaf', () => {
    const x = value(2);
    x.pow(3).backward();
    expect(x.gradValue!.op).toBe('');
    expect(x.gradValue!.parents).toHaveLength(0);
  });
});
