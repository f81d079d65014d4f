// initialize: the initialisers drawn into a layer's arrays, and the arguments it refuses.

import { createRng, Tensor } from '@chainrule/engine';
import { initialize } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';

describe('initialize', () => {
  test('fills the weight and bias in place as the initialiser says', () => {
    const w = new Float64Array(8);
    const b = new Float64Array(2).fill(5);
    initialize('kaimingUniform', w, b, 4, 2, createRng(1));
    const bound = Math.sqrt(6 / 4);
    expect(w.every((v) => Math.abs(v) <= bound && v !== 0)).toBe(true);
    expect(Array.from(b)).toEqual([0, 0]);
  });

  test('refuses arguments in PyTorch’s order (tensor, name), naming the call it expects', () => {
    const t = Tensor.zeros([2, 3]);
    expect(() => initialize(t as never, 'foo' as never, null, 3, 2, createRng(0))).toThrow(
      'initialize: init must be one of pytorch, kaimingNormal, kaimingUniform, xavierNormal, xavierUniform or { normal: std }, got a Tensor; the call is initialize(init, weight, bias, fanIn, fanOut, rng)',
    );
    expect(() => initialize('pytorch', t as never, null, 3, 2, createRng(0))).toThrow(
      'initialize: weight must be a Float64Array, got a Tensor; the call is initialize(init, weight, bias, fanIn, fanOut, rng)',
    );
  });

  test('refuses sizes that do not fit the arrays and a generator that cannot draw, writing nothing', () => {
    const w = new Float64Array(6).fill(7);
    const b = new Float64Array(2).fill(7);
    const rng = createRng(0);
    expect(() => initialize('pytorch', w, b, 2, 2, rng)).toThrow(
      'initialize: weight has 6 elements, expected fanOut × fanIn = 2 × 2',
    );
    expect(() => initialize('pytorch', w, b, 2, 3, rng)).toThrow(
      'initialize: bias has 2 elements, expected fanOut = 3',
    );
    expect(() => initialize('pytorch', w, b, 0, 3, rng)).toThrow(
      'initialize: fanIn must be at least 1, got 0',
    );
    expect(() => initialize('pytorch', w, [0, 0] as never, 3, 2, rng)).toThrow(
      'initialize: bias must be a Float64Array or null, got an array',
    );
    expect(() => initialize('pytorch', w, b, 3, 2, 5 as never)).toThrow(
      'initialize: rng must be a generator from createRng, got the number 5',
    );
    expect(Array.from(w).every((v) => v === 7) && Array.from(b).every((v) => v === 7)).toBe(true);
  });
});
