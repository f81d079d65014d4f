// gradcheck: it accepts correct gradients, and it rejects wrong ones (the check can fail).

import { gradcheck, noGrad, type Value, value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

/**
 * x² written with a detached copy of x as one factor: the value is right, but backward sees only one
 * factor and returns x instead of 2x. The classic bug a gradient check exists to catch.
 */
const detachedSquare = (x: Value): Value => x.mul(noGrad(() => x.add(0)));

describe('gradcheck', () => {
  test('accepts the gradients of a correct expression of several inputs', () => {
    const report = gradcheck(
      (x, y, z) => x.mul(y).tanh().add(z.exp().div(x)).sub(y.pow(3)),
      [0.5, -1.5, 0.3],
    );
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(3);
    expect(report.maxRelError).toBeLessThan(1e-8);
    expect(report.worst).not.toBeNull();
  });

  test('rejects a wrong gradient, reporting the analytic and numeric values', () => {
    const report = gradcheck(detachedSquare, [1.5]);
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(0);
    expect(report.worst!.analytic).toBeCloseTo(1.5, 12); // what backward says: x
    expect(report.worst!.numeric).toBeCloseTo(3, 8); // the truth: 2x
    expect(report.maxRelError).toBeCloseTo(0.5, 6);
  });

  test('rejects a gradient that is wrong by one part in ten thousand', () => {
    // f = exp(x) + 1e-4·x²/2 where the small term is detached: the gradient misses 1e-4·x
    const report = gradcheck((x) => x.exp().add(noGrad(() => x.mul(x).mul(5e-5))), [1]);
    expect(report.ok).toBe(false);
    expect(report.worst!.relError).toBeGreaterThan(1e-5);
    expect(report.worst!.relError).toBeLessThan(1e-4);
  });

  test('points at the input whose gradient is wrong', () => {
    const report = gradcheck((a, b, c) => a.mul(b).add(detachedSquare(c)), [2, 3, -1]);
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(2);
  });

  test('reports NaN gradients as failures', () => {
    const report = gradcheck((x) => x.mul(noGrad(() => value(Number.NaN))).add(x), [1]);
    expect(report.ok).toBe(false);
  });

  test('does not touch the gradients of Values passed as inputs', () => {
    const x = value(0.7);
    const report = gradcheck((v) => v.sigmoid(), [x]);
    expect(report.ok).toBe(true);
    expect(x.grad).toBe(0);
  });

  test('honours a looser tolerance when asked', () => {
    const f = (x: Value): Value => x.exp().add(noGrad(() => x.mul(x).mul(5e-5)));
    expect(gradcheck(f, [1], { rtol: 1e-3 }).ok).toBe(true);
  });

  test('rejects bad arguments with a TypeError naming gradcheck', () => {
    expect(() => gradcheck((x) => x, ['1' as unknown as number])).toThrow(/^gradcheck: .*the string "1"/);
    expect(() => gradcheck((x) => x.data as unknown as Value, [1])).toThrow(/^gradcheck: .*the number 1/);
    expect(() => gradcheck(3 as unknown as () => Value, [1])).toThrow(TypeError);
  });
});
