import { value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

describe('Value', () => {
  test('sigmoid at 1 has the derivative s(1)(1 - s(1))', () => {
    const x = value(1);
    const s = x.sigmoid();
    s.backward();
    const s1 = 1 / (1 + Math.exp(-1));
    expect(x.grad).toBeCloseTo(s1 * (1 - s1), 12);
  });
});
