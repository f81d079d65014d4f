import { cosineAnnealingLR, exponentialLR, linearWarmup, stepLR } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { expectClose } from './support/close.js';

describe('schedules', () => {
  test('stepLR multiplies by gamma every stepSize steps', () => {
    const lr = stepLR(0.1, { stepSize: 3, gamma: 0.5 });
    expect([0, 1, 2, 3, 5, 6].map(lr)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(stepLR(1, { stepSize: 1 })(2)).toBeCloseTo(0.01, 15);
  });

  test('exponentialLR multiplies by gamma every step', () => {
    const lr = exponentialLR(0.1, { gamma: 0.99 });
    expectClose(lr(2), 0.09801);
    expect(lr(0)).toBe(0.1);
  });

  test('cosineAnnealingLR follows half a cosine and holds at etaMin', () => {
    const lr = cosineAnnealingLR(0.1, { tMax: 100, etaMin: 0.001 });
    expect(lr(0)).toBe(0.1);
    expectClose(lr(50), 0.0505);
    expectClose(lr(25), 0.001 + (0.099 * (1 + Math.SQRT1_2)) / 2);
    expectClose(lr(100), 0.001);
    expectClose(lr(150), 0.001);
  });

  test('linearWarmup ramps up, then runs the schedule from its own step 0', () => {
    const lr = linearWarmup(stepLR(0.1, { stepSize: 2, gamma: 0.5 }), { warmupSteps: 4 });
    for (const [step, expected] of [0.025, 0.05, 0.075, 0.1].entries()) expectClose(lr(step), expected);
    expect([4, 5, 6].map(lr)).toEqual([0.1, 0.1, 0.05]);
    expect(linearWarmup(0.2, { warmupSteps: 2 })(0)).toBe(0.1);
    // the last warm-up step is the rate itself, never above it: (0.1·3)/3 was 0.10000000000000002
    for (const [rate, n] of [
      [0.1, 3],
      [0.3, 7],
      [0.7, 10],
    ] as const)
      expect(linearWarmup(rate, { warmupSteps: n })(n - 1)).toBe(rate);
    // and the first is rate/n, rounded once
    expect(linearWarmup(0.1, { warmupSteps: 10 })(0)).toBe(0.01);
  });

  test('refuses bad arguments, naming the schedule', () => {
    expect(() => stepLR(0.1, { stepSize: 0 })).toThrow('stepLR: stepSize must be at least 1, got 0');
    expect(() => exponentialLR(-1, { gamma: 0.9 })).toThrow('exponentialLR: lr must be in [0, ∞), got -1');
    expect(() => cosineAnnealingLR(0.1, { tMax: 1.5 })).toThrow('cosineAnnealingLR: tMax must be an integer');
    expect(() => linearWarmup('fast' as never, { warmupSteps: 3 })).toThrow(
      'linearWarmup: expected a learning rate or a schedule, got the string "fast"',
    );
  });
});
