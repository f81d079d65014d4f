// The test helpers themselves: finite differences are accurate, and the closeness checks can fail.

import { describe, expect, test } from 'vitest';
import { centralDiff, closeness, expectClose, expectRelClose, numericGradient } from './support/numeric.js';

describe('centralDiff', () => {
  test('differentiates smooth functions to about 1e-10 with Richardson extrapolation', () => {
    expectRelClose(centralDiff(Math.exp, 2), Math.exp(2), 1e-10);
    expectRelClose(centralDiff(Math.sin, 30), Math.cos(30), 1e-9);
    expectRelClose(centralDiff(Math.log, 0.01, { step: 1e-5 }), 100, 1e-9);
    expectRelClose(
      centralDiff((x) => x ** 3, -0.5),
      0.75,
      1e-10,
    );
  });

  test('without Richardson is a plain central difference, accurate to about h²', () => {
    const plain = centralDiff(Math.exp, 1, { richardson: false, step: 1e-2 });
    expect(plain).toBeCloseTo(Math.E * (1 + 1e-4 / 6), 8); // the h²·f'''/6 error term
  });

  test('numericGradient differentiates along each coordinate', () => {
    const g = numericGradient((v) => v[0]! * v[1]! + Math.exp(v[2]!), [2, 3, 0]);
    expect(g).toBeAllClose([3, 2, 1], { rtol: 1e-10 });
  });
});

describe('closeness', () => {
  test('accepts values within atol + rtol·|expected| and rejects those outside', () => {
    expect(closeness(1 + 1e-7, 1).ok).toBe(true);
    expect(closeness(1 + 1e-5, 1).ok).toBe(false);
    expect(closeness(1e-9, 0).ok).toBe(false);
    expect(closeness(1e-9, 0, { atol: 1e-8 }).ok).toBe(true);
  });

  test('compares arrays elementwise and names the worst index', () => {
    const r = closeness(new Float64Array([1, 2, 3.1]), [1, 2, 3]);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('at index 2');
    expect(closeness([1, 2], [1, 2, 3]).message).toContain('lengths differ');
  });

  test('treats NaN as a mismatch unless equalNaN, and infinities as equal only to themselves', () => {
    expect(closeness(Number.NaN, Number.NaN).ok).toBe(false);
    expect(closeness(Number.NaN, Number.NaN, { equalNaN: true }).ok).toBe(true);
    expect(closeness(Number.NaN, 1, { equalNaN: true }).ok).toBe(false);
    expect(closeness(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).ok).toBe(true);
    expect(closeness(Number.POSITIVE_INFINITY, 1e308).ok).toBe(false);
    expect(closeness('1', 1).ok).toBe(false);
  });

  test('expectClose, expectRelClose and toBeAllClose throw on a mismatch', () => {
    expect(() => expectClose([1, 2], [1, 2.5])).toThrow(/not close: got 2, expected 2.5 at index 1/);
    expect(() => expectRelClose(1.01, 1, 1e-3)).toThrow(/not close/);
    expect(() => expect(2).toBeAllClose(2.1)).toThrow(/expected values to be close/);
    expect(2).not.toBeAllClose(2.1);
  });

  test('a finite-difference check rejects a deliberately wrong derivative', () => {
    const wrong = (x: number): number => 2 * x * Math.cos(x * x) * 1.0001; // d/dx sin(x²), off by 1e-4
    expect(() =>
      expectRelClose(
        wrong(0.8),
        centralDiff((x) => Math.sin(x * x), 0.8),
        1e-6,
      ),
    ).toThrow();
    expectRelClose(
      wrong(0.8) / 1.0001,
      centralDiff((x) => Math.sin(x * x), 0.8),
      1e-9,
    );
  });
});
