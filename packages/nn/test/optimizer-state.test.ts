// Optimizer.loadStateDict refuses state the update rules cannot run on: negative second moments, huge
// gradient averages, step counts that disagree; and on refusal nothing changes.

import { tensor } from '@chainrule/engine';
import {
  Adam,
  AdamW,
  type Optimizer,
  type OptimizerState,
  RMSprop,
  SGD,
  StateDictError,
} from '@chainrule/nn';
import { describe, expect, test } from 'vitest';

/** An optimizer over two tensors after three steps, and its state as saved. */
function trained(make: (params: ReturnType<typeof tensor>[]) => Optimizer) {
  const params = [tensor([1, -2, 3], { requiresGrad: true }), tensor([0.5], { requiresGrad: true })];
  const optimizer = make(params);
  for (let i = 0; i < 3; i++) {
    optimizer.zeroGrad();
    params[0]!.mul(params[0]!).sum().add(params[1]!.mul(3).sum()).backward();
    optimizer.step();
  }
  return { optimizer, state: JSON.parse(JSON.stringify(optimizer.stateDict())) as OptimizerState };
}

/** `state` with `params[k][field]` replaced. */
function withField(state: OptimizerState, k: number, field: string, value: unknown): OptimizerState {
  const params = state.params.map((p, i) => (i === k ? { ...p, [field]: value } : p));
  return { ...state, params } as OptimizerState;
}

function expectRefused(optimizer: Optimizer, input: unknown, message: string): void {
  const before = JSON.stringify(optimizer.stateDict());
  let error: unknown;
  try {
    optimizer.loadStateDict(input);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(StateDictError);
  expect(String(error)).toContain(message);
  expect(JSON.stringify(optimizer.stateDict())).toBe(before);
}

describe('Optimizer.loadStateDict checks the values the update rules need', () => {
  test.each([
    ['Adam', 'expAvgSq', (ps: ReturnType<typeof tensor>[]) => new Adam(ps, { lr: 0.1 })],
    ['AdamW', 'expAvgSq', (ps: ReturnType<typeof tensor>[]) => new AdamW(ps, { lr: 0.1 })],
    ['Adam amsgrad', 'maxExpAvgSq', (ps: ReturnType<typeof tensor>[]) => new Adam(ps, { amsgrad: true })],
    ['RMSprop', 'squareAvg', (ps: ReturnType<typeof tensor>[]) => new RMSprop(ps, { centered: true })],
  ])('%s refuses a negative %s, naming it, and changes nothing', (_, field, make) => {
    const { optimizer, state } = trained(make);
    const buffer = (state.params[0] as Record<string, number[]>)[field]!;
    const bad = withField(state, 0, field, [buffer[0], -1e-3, buffer[2]]);
    expectRefused(
      optimizer,
      bad,
      `params[0].${field}[1] is -0.001, but an average of squares is never negative`,
    );
  });

  test('after refusing a negative second moment, the saved state loads and the next step stays finite', () => {
    const { state } = trained((ps) => new Adam(ps, { lr: 0.1 }));
    const params = [tensor([1, -2, 3], { requiresGrad: true }), tensor([0.5], { requiresGrad: true })];
    const adam = new Adam(params, { lr: 0.1 });
    // what an unchecked load would hold: the sign flipped on a saved second moment
    const bad = withField(state, 0, 'expAvgSq', [-1, -1, -1]);
    expect(() => adam.loadStateDict(bad)).toThrow(StateDictError);
    adam.loadStateDict(state);
    params[0]!.mul(params[0]!).sum().add(params[1]!.sum()).backward();
    adam.step();
    expect([...params[0]!.data].every(Number.isFinite)).toBe(true);
  });

  test.each([
    ['SGD', 'momentumBuffer', (ps: ReturnType<typeof tensor>[]) => new SGD(ps, { momentum: 0.9 })],
    ['Adam', 'expAvg', (ps: ReturnType<typeof tensor>[]) => new Adam(ps)],
    ['RMSprop', 'gradAvg', (ps: ReturnType<typeof tensor>[]) => new RMSprop(ps, { centered: true })],
  ])('%s refuses a %s of 1e308, whose square overflows', (_, field, make) => {
    const { optimizer, state } = trained(make);
    const bad = withField(state, 1, field, [-1e308]);
    expectRefused(optimizer, bad, `params[1].${field}[0] is -1e+308, too large for an average of gradients`);
  });

  test('a second moment of 1e308 is an average of squares of 1e154: accepted', () => {
    const { optimizer, state } = trained((ps) => new Adam(ps));
    optimizer.loadStateDict(withField(state, 1, 'expAvgSq', [1e308]));
    expect((optimizer.stateDict().params[1] as Record<string, number[]>)['expAvgSq']).toEqual([1e308]);
  });

  test("refuses a parameter's step above the optimizer's stepCount", () => {
    const { optimizer, state } = trained((ps) => new Adam(ps));
    expectRefused(
      optimizer,
      withField(state, 0, 'step', 4),
      "params[0].step is 4, more than the optimizer's stepCount 3",
    );
    expectRefused(
      optimizer,
      { ...state, stepCount: 2 },
      "params[1].step is 3, more than the optimizer's stepCount 2",
    );
  });

  test('refuses a step that is not an integer >= 1, and a stepCount that is not an integer >= 0', () => {
    const { optimizer, state } = trained((ps) => new SGD(ps, { momentum: 0.5 }));
    expectRefused(optimizer, withField(state, 0, 'step', 1.5), 'params[0].step must be an integer >= 1');
    expectRefused(optimizer, withField(state, 0, 'step', 0), 'params[0].step must be an integer >= 1');
    expectRefused(optimizer, { ...state, stepCount: 2.5 }, "'stepCount' must be an integer >= 0");
  });

  test("refuses AMSGrad's running maximum below the second moment", () => {
    const { optimizer, state } = trained((ps) => new Adam(ps, { amsgrad: true }));
    const v = (state.params[0] as Record<string, number[]>)['expAvgSq']!;
    const bad = withField(state, 0, 'maxExpAvgSq', [v[0]! / 2, v[1], v[2]]);
    expectRefused(optimizer, bad, 'params[0].maxExpAvgSq[0] is');
  });

  test("refuses centred RMSprop's gradient average whose square exceeds the squared-gradient average", () => {
    // s - a² is a variance, never negative: a load that made it so put NaN in the next step
    const { optimizer, state } = trained((ps) => new RMSprop(ps, { centered: true }));
    const s = (state.params[0] as Record<string, number[]>)['squareAvg']!;
    const bad = withField(state, 0, 'gradAvg', [0, 2 * Math.sqrt(s[1]!), 0]);
    expectRefused(optimizer, bad, 'params[0].gradAvg[1] is');
    expectRefused(optimizer, bad, 'its square is above squareAvg[1]');
    // the saved state itself loads, and the next step is finite
    optimizer.loadStateDict(state);
    const [w, b] = optimizer.params as ReturnType<typeof tensor>[];
    optimizer.zeroGrad();
    w!.mul(w!).sum().add(b!.mul(3).sum()).backward();
    optimizer.step();
    expect([...w!.data, ...b!.data].every(Number.isFinite)).toBe(true);
  });

  test('refuses a buffer of the wrong length, naming the field', () => {
    const { optimizer, state } = trained((ps) => new RMSprop(ps, { momentum: 0.9 }));
    expectRefused(
      optimizer,
      withField(state, 0, 'momentumBuffer', [1, 2]),
      'params[0].momentumBuffer has 2 numbers, expected 3',
    );
  });

  test('state saved by a run loads back unchanged', () => {
    for (const make of [
      (ps: ReturnType<typeof tensor>[]) => new SGD(ps, { momentum: 0.9, nesterov: true }),
      (ps: ReturnType<typeof tensor>[]) => new Adam(ps, { amsgrad: true }),
      (ps: ReturnType<typeof tensor>[]) => new RMSprop(ps, { momentum: 0.5, centered: true }),
    ]) {
      const { optimizer, state } = trained(make);
      optimizer.loadStateDict(state);
      expect(optimizer.stateDict()).toEqual(state);
    }
  });
});
