// Calls given the wrong kind of argument name themselves and say what arrived, a string that looks
// like a number included (issue 14, item 8: no bare "fn is not a function", no "got 2" for '2').

import {
  createRng,
  getNumThreads,
  linear,
  noGrad,
  setNumThreads,
  Tensor,
  tensor,
  value,
} from '@chainrule/engine';
import { afterAll, describe, expect, test } from 'vitest';
import { expectError } from './support/errors.js';

const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

describe('the wrong kind of argument is named', () => {
  test('noGrad refuses what is not a function, before switching recording off', () => {
    expectError(() => noGrad(5 as never), TypeError, 'noGrad: expected a function, got the number 5');
    expectError(() => noGrad(undefined as never), TypeError, 'noGrad: expected a function, got undefined');
    // recording is still on afterwards
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.mul(2).op).toBe('mul');
  });

  test('createRng says a string seed is a string', () => {
    expectError(
      () => createRng('a' as never),
      TypeError,
      'createRng: the seed must be an integer, got the string "a"',
    );
    expectError(
      () => createRng('7' as never),
      TypeError,
      'createRng: the seed must be an integer, got the string "7"',
    );
    expectError(() => createRng(1.5), TypeError, 'createRng: the seed must be an integer, got 1.5');
  });

  test('setNumThreads says a string count is a string, and keeps the count it had', () => {
    setNumThreads(1);
    expectError(
      () => setNumThreads('2' as never),
      RangeError,
      'setNumThreads: expected an integer from 1 to 64, got the string "2"',
    );
    expectError(
      () => setNumThreads(65),
      RangeError,
      'setNumThreads: expected an integer from 1 to 64, got 65',
    );
    expect(getNumThreads()).toBe(1);
  });

  test('setNumThreads above the machine clamps: getNumThreads reports the count in use', () => {
    setNumThreads(64);
    expect(getNumThreads()).toBeGreaterThanOrEqual(1);
    expect(getNumThreads()).toBeLessThanOrEqual(64);
    // a product still runs and gives the same numbers
    const a = Tensor.ones([64, 64]);
    expect(a.matmul(a).toArray()).toEqual(Tensor.full([64, 64], 64).toArray());
  });
});

describe('a misspelt option is refused, naming the call', () => {
  test('the constructors and tensor()', () => {
    expectError(
      () => tensor([1], { requiresgrad: true } as never),
      TypeError,
      "tensor: unknown option 'requiresgrad'; the options are shape, requiresGrad, label, rng",
    );
    expectError(
      () => Tensor.zeros([2], { requiresgrad: true } as never),
      TypeError,
      "zeros: unknown option 'requiresgrad'; the options are shape, requiresGrad, label, rng",
    );
    expectError(
      () => Tensor.randn([2], { sed: 1 } as never),
      TypeError,
      "randn: unknown option 'sed'; the options are shape, requiresGrad, label, rng",
    );
    expectError(
      () => new Tensor(new Float64Array(1), [1], { requires_grad: true } as never),
      TypeError,
      "Tensor: unknown option 'requires_grad'; the options are shape, requiresGrad, label, rng",
    );
    expect(tensor([1], { requiresGrad: true, label: 'x' }).requiresGrad).toBe(true);
  });

  test('linear', () => {
    expectError(
      () => linear(Tensor.zeros([2, 3]), Tensor.zeros([4, 3]), null, { actvation: 'relu' } as never),
      TypeError,
      "linear: unknown option 'actvation'; the options are activation",
    );
    expectError(
      () => linear(Tensor.zeros([2, 3]), Tensor.zeros([4, 3]), null, 'relu' as never),
      TypeError,
      'linear: options must be an object, got the string "relu"',
    );
  });
});

describe("backward's options are read strictly", () => {
  test('a misspelt createGraph, or one that is not a boolean, is refused on Value and Tensor', () => {
    const v = value(2);
    expectError(
      () => v.mul(v).backward({ creatGraph: true } as never),
      TypeError,
      "backward: unknown option 'creatGraph'; the options are createGraph",
    );
    expectError(
      () => v.mul(v).backward({ createGraph: 'yes' } as never),
      TypeError,
      'backward: createGraph must be a boolean, got the string "yes"',
    );
    const t = tensor([1, 2], { requiresGrad: true });
    expectError(
      () =>
        t
          .mul(t)
          .sum()
          .backward({ creatGraph: true } as never),
      TypeError,
      "backward: unknown option 'creatGraph'; the options are createGraph",
    );
    expectError(
      () => t.mul(t).backward(tensor([1, 1]), { createGraph: 1 } as never),
      TypeError,
      'backward: createGraph must be a boolean, got the number 1',
    );
    // nothing accumulated by the refused calls; the right spelling records the graph
    expect(v.grad).toBe(0);
    expect(t.grad).toBeNull();
    t.mul(t).sum().backward({ createGraph: true });
    expect(t.grad!.requiresGrad).toBe(true);
  });
});
