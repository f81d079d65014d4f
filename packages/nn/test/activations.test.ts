// The parameterised activation modules: the engine op they run, their defaults, and fromArchitecture by name.

import { tensor } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { defaultInit, ELU, fromArchitecture, GELU, LeakyReLU, SiLU, Softplus } from '../src/index.js';

const x = tensor([-2.5, -0.5, 0, 0.75, 3]);

describe('activation modules', () => {
  test('each runs its engine op with PyTorch’s defaults', () => {
    const cases: [{ forward(t: typeof x): typeof x }, () => typeof x][] = [
      [new LeakyReLU(), () => x.leakyRelu(0.01)],
      [new LeakyReLU(0.2), () => x.leakyRelu(0.2)],
      [new ELU(), () => x.elu(1)],
      [new ELU(0.5), () => x.elu(0.5)],
      [new Softplus(), () => x.softplus(1, 20)],
      [new Softplus(2, 5), () => x.softplus(2, 5)],
      [new GELU(), () => x.gelu()],
      [new GELU({ approximate: 'tanh' }), () => x.gelu({ approximate: 'tanh' })],
      [new SiLU(), () => x.silu()],
    ];
    for (const [module, expected] of cases) expect(module.forward(x).toArray()).toEqual(expected().toArray());
  });

  test('leaky slopes and ELU at a negative input, by hand', () => {
    expect(new LeakyReLU().forward(tensor([-2])).item()).toBeCloseTo(-0.02, 15);
    expect(new ELU().forward(tensor([-1])).item()).toBeCloseTo(Math.expm1(-1), 15);
  });

  test('a bad parameter is refused, naming the module', () => {
    expect(() => new LeakyReLU('0.1' as never)).toThrow(/^LeakyReLU: negativeSlope must be a number/);
    expect(() => new ELU(Number.NaN)).toThrow(/^ELU: alpha must be a number/);
    expect(() => new GELU({ approximate: 'erf' as never })).toThrow(
      /^GELU: approximate must be 'none' or 'tanh'/,
    );
    expect(() => new SiLU().forward([1] as never)).toThrow(/^SiLU.forward: expected a Tensor/);
  });

  test('fromArchitecture builds each by name, with Kaiming before the relu-like ones', () => {
    for (const [activation, name] of [
      ['leakyRelu', 'LeakyReLU(0.01)'],
      ['elu', 'ELU(1)'],
      ['softplus', 'Softplus(1, 20)'],
      ['gelu', 'GELU()'],
      ['silu', 'SiLU()'],
    ] as const) {
      expect(defaultInit(activation)).toBe('kaimingUniform');
      const net = fromArchitecture([{ inputDim: 3, outputDim: 2, activation }], { seed: 1 });
      expect(String(net)).toContain(name);
      const y = net.forward(tensor([[1, -1, 0.5]]));
      expect(y.shape).toEqual([1, 2]);
    }
  });
});
