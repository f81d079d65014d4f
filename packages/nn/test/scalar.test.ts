import { gradcheck, type Value } from '@chainrule/engine';
import { Layer, Neuron, ScalarMLP, StateDictError } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { expectClose } from './support/close.js';

describe('Neuron', () => {
  test('computes act(w·x + b) with weights in [-1, 1) and bias 0', () => {
    const n = new Neuron(3, { activation: 'linear', seed: 4 });
    for (const w of n.weights) expect(Math.abs(w.data)).toBeLessThanOrEqual(1);
    expect(n.bias.data).toBe(0);
    n.bias.data = 0.5;
    const out = n.forward([1, -2, 3]);
    const [w0, w1, w2] = n.weights.map((w) => w.data);
    expectClose(out.data, w0! - 2 * w1! + 3 * w2! + 0.5);
    out.backward();
    expect(n.weights.map((w) => w.grad)).toEqual([1, -2, 3]);
    expect(n.bias.grad).toBe(1);
  });

  test('relu, tanh and sigmoid neurons pass gradcheck', () => {
    for (const activation of ['relu', 'tanh', 'sigmoid'] as const) {
      const n = new Neuron(2, { activation, seed: 1 });
      n.bias.data = 0.3;
      const report = gradcheck(
        (w0: Value, w1: Value, b: Value, x0: Value, x1: Value) => {
          const m = new Neuron(2, { activation });
          m.weights[0] = w0;
          m.weights[1] = w1;
          (m as { bias: Value }).bias = b;
          return m.forward([x0, x1]);
        },
        [n.weights[0]!, n.weights[1]!, n.bias, 0.7, -0.4],
      );
      expect(report.ok, activation).toBe(true);
    }
  });

  test('refuses the wrong number of inputs, naming both counts', () => {
    expect(() => new Neuron(3).forward([1, 2])).toThrow('Neuron.forward: expected 3 inputs, got 2 inputs');
    expect(() => new Neuron(2, { activation: 'gelu' as never })).toThrow(
      'Neuron: activation must be one of relu, tanh, sigmoid, linear, got the string "gelu"',
    );
  });
});

describe('ScalarMLP', () => {
  test('2-16-16-1 has 337 parameters and micrograd’s layout', () => {
    const model = new ScalarMLP(2, [16, 16, 1], { seed: 1 });
    expect(model.parameters().length).toBe(2 * 16 + 16 + 16 * 16 + 16 + 16 + 1);
    expect(new Set(model.parameters()).size).toBe(337);
    expect(String(new ScalarMLP(2, [3, 1]))).toBe(
      'MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]',
    );
    expect(new Layer(4, 2).parameters().length).toBe(10);
  });

  test('the same seed builds the same network', () => {
    const a = new ScalarMLP(2, [4, 1], { seed: 7 }).parameters().map((p) => p.data);
    const b = new ScalarMLP(2, [4, 1], { seed: 7 }).parameters().map((p) => p.data);
    const c = new ScalarMLP(2, [4, 1], { seed: 8 }).parameters().map((p) => p.data);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  test('zeroGrad resets every gradient', () => {
    const model = new ScalarMLP(2, [3, 1], { seed: 2, activation: 'tanh' });
    model.forward([0.5, 1])[0]!.backward();
    expect(model.parameters().some((p) => p.grad !== 0)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === 0)).toBe(true);
  });

  test('stateDict round-trips through JSON into a differently seeded network', () => {
    const a = new ScalarMLP(2, [3, 1], { seed: 1 });
    const b = new ScalarMLP(2, [3, 1], { seed: 2 });
    const state = a.stateDict();
    expect(Object.keys(state).slice(0, 2)).toEqual(['layers.0.neurons.0.weight', 'layers.0.neurons.0.bias']);
    expect(state['layers.1.neurons.0.weight']!.shape).toEqual([3]);
    b.loadStateDict(JSON.parse(JSON.stringify(state)));
    expect(b.parameters().map((p) => p.data)).toEqual(a.parameters().map((p) => p.data));
    expect(b.forward([0.3, -0.2])[0]!.data).toBe(a.forward([0.3, -0.2])[0]!.data);
  });

  test('loadStateDict refuses a wrong shape and a missing key and changes nothing', () => {
    const model = new ScalarMLP(2, [3, 1], { seed: 1 });
    const before = model.stateDict();
    const bad = structuredClone(before);
    bad['layers.1.neurons.0.weight'] = { shape: [4], data: [1, 2, 3, 4] };
    delete bad['layers.0.neurons.2.bias'];
    expect(() => model.loadStateDict(bad)).toThrow(StateDictError);
    expect(() => model.loadStateDict(bad)).toThrow(
      "ScalarMLP.loadStateDict: refused, nothing was changed: missing key 'layers.0.neurons.2.bias'; 'layers.1.neurons.0.weight' has shape [4], expected [3]",
    );
    expect(model.stateDict()).toEqual(before);
  });
});

describe('scalar network errors', () => {
  test('ScalarMLP names itself for a bad activation or layer size, before building any layer', () => {
    expect(() => new ScalarMLP(2, [3, 1], { activation: 'foo' as never })).toThrow(
      'ScalarMLP: activation must be one of relu, tanh, sigmoid, linear, got the string "foo"',
    );
    expect(() => new ScalarMLP(2, [3, 1], { outputActivation: 'soft' as never })).toThrow(
      'ScalarMLP: outputActivation must be one of relu, tanh, sigmoid, linear, got the string "soft"',
    );
    expect(() => new ScalarMLP(2, [0])).toThrow('ScalarMLP: outputs[0] must be at least 1, got 0');
    expect(() => new ScalarMLP(2, [3, 1.5])).toThrow(
      'ScalarMLP: outputs[1] must be an integer, got the number 1.5',
    );
  });

  test('Layer names itself for a bad number of inputs or activation', () => {
    expect(() => new Layer(0, 2)).toThrow('Layer: the number of inputs must be at least 1, got 0');
    expect(() => new Layer(2, 2, { activation: 'foo' as never })).toThrow(
      'Layer: activation must be one of relu, tanh, sigmoid, linear, got the string "foo"',
    );
  });
});
