// What the creation paths refuse before they allocate: sizes no Float64Array holds, views without
// numbers, nesting too deep, options of the wrong kind; and a -0 dimension read as 0.

import { checkSize, MAX_TENSOR_SIZE, Tensor, tensor } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { expectError } from './support/errors.js';

describe('sizes are checked before allocation', () => {
  test('checkSize counts the elements and refuses more than V8 puts in a Float64Array', () => {
    expect(MAX_TENSOR_SIZE).toBe(2 ** 32);
    expect(checkSize([2, 3], 'op')).toBe(6);
    expect(checkSize([], 'op')).toBe(1);
    expect(checkSize([2 ** 32], 'op')).toBe(2 ** 32);
    expect(checkSize([0, 1e300, 1e300], 'op')).toBe(0); // a zero axis empties even an overflowing product
    expectError(
      () => checkSize([2 ** 32 + 1], 'op'),
      RangeError,
      'op: shape [4294967297] has 4294967297 elements, more than the 4294967296 a Float64Array can hold',
    );
    expectError(
      () => checkSize([1e200, 1e200], 'op'),
      RangeError,
      'op: shape [1e+200,1e+200] has more than 2**53 (about Infinity) elements, more than the 4294967296 a Float64Array can hold',
    );
  });

  test('tensor() refuses a shape option or nested arrays too large, before reading an element', () => {
    expectError(
      () => tensor([1], { shape: [100_000, 100_000] }),
      RangeError,
      'tensor: shape [100000,100000] has 10000000000 elements, more than the 4294967296 a Float64Array can hold',
    );
    // one row of 70,000 shared 70,000 times: 4.9e9 elements, refused without walking them
    const row = new Array<number>(70_000).fill(0);
    const rows = new Array<number[]>(70_000).fill(row);
    expectError(
      () => tensor(rows),
      RangeError,
      'tensor: shape [70000,70000] has 4900000000 elements, more than the 4294967296 a Float64Array can hold',
    );
    expectError(
      () => new Tensor(new Float64Array(0), [2 ** 20, 2 ** 20]),
      RangeError,
      'Tensor: shape [1048576,1048576] has 1099511627776 elements, more than the 4294967296 a Float64Array can hold',
    );
  });
});

describe('the constructors check sizes before allocating, naming themselves', () => {
  test('zeros, ones, full, randn, rand, eye and arange', () => {
    const tooBig = (op: string, shape: string, count: string) =>
      `${op}: shape ${shape} has ${count} elements, more than the 4294967296 a Float64Array can hold`;
    const square = ['[100000,100000]', '10000000000'] as const;
    expectError(() => Tensor.zeros([100_000, 100_000]), RangeError, tooBig('zeros', ...square));
    expectError(() => Tensor.ones([100_000, 100_000]), RangeError, tooBig('ones', ...square));
    expectError(() => Tensor.full([100_000, 100_000], 2), RangeError, tooBig('full', ...square));
    expectError(() => Tensor.randn([100_000, 100_000]), RangeError, tooBig('randn', ...square));
    expectError(() => Tensor.rand([100_000, 100_000]), RangeError, tooBig('rand', ...square));
    expectError(() => Tensor.eye(100_000), RangeError, tooBig('eye', ...square));
    expectError(() => Tensor.arange(0, 2 ** 33), RangeError, tooBig('arange', '[8589934592]', '8589934592'));
    expectError(
      () => Tensor.arange(0, 1e300),
      RangeError,
      tooBig('arange', '[1e+300]', 'more than 2**53 (about 1.00e+300)'),
    );
  });
});

describe('a broadcast result is checked before an op allocates it', () => {
  test('an outer sum of two long vectors names the op and the shape', () => {
    expectError(
      () => Tensor.zeros([100_000, 1]).add(Tensor.zeros([1, 100_000])),
      RangeError,
      'add: shape [100000,100000] has 10000000000 elements, more than the 4294967296 a Float64Array can hold',
    );
  });
});

describe('the random constructors check their generator', () => {
  test('an rng that is not a generator is refused, naming the call', () => {
    expectError(
      () => Tensor.randn([2], { rng: 5 as never }),
      TypeError,
      'randn: rng must be a generator from createRng, got the number 5',
    );
    expectError(
      () => Tensor.rand([2], { rng: { next: () => 0.5 } as never }),
      TypeError,
      'rand: rng must be a generator from createRng, got a plain object',
    );
  });
});

describe('tensor() refuses what holds no numbers', () => {
  test('a DataView, which has no element type and would read as empty', () => {
    const view = new DataView(new Float64Array([1, 2]).buffer);
    expectError(
      () => tensor(view as never),
      TypeError,
      'tensor: a DataView has no element type; wrap its buffer in a typed array, e.g. new Float64Array(view.buffer)',
    );
  });

  test('BigInt arrays, naming the class', () => {
    expectError(
      () => tensor(new BigInt64Array([1n, 2n]) as never),
      TypeError,
      'tensor: expected a typed array of numbers, got a BigInt64Array of BigInts; convert them first, e.g. Float64Array.from(a, Number)',
    );
    expect(() => tensor(new BigUint64Array(1) as never)).toThrow(/^tensor: .*a BigUint64Array of BigInts/);
  });

  test('an array nested deeper than 64 levels, or one that contains itself, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const message =
      'tensor: the array is nested more than 64 deep (a tensor has at most 64 axes, as in NumPy); is it an array that contains itself?';
    expectError(() => tensor(deep as never), RangeError, message);
    const loop: unknown[] = [];
    loop.push(loop);
    expectError(() => tensor(loop as never), RangeError, message);
    let ok: unknown = 7;
    for (let i = 0; i < 64; i++) ok = [ok];
    expect(tensor(ok as never).shape).toHaveLength(64);
  });
});

describe('options of the wrong kind are refused, not stored', () => {
  test('requiresGrad must be a boolean and label a string', () => {
    expectError(
      () => tensor([1, 2], { requiresGrad: 'yes' as never }),
      TypeError,
      'tensor: requiresGrad must be a boolean, got the string "yes"',
    );
    expectError(
      () => tensor([1], { label: 5 as never }),
      TypeError,
      'tensor: label must be a string, got the number 5',
    );
    expectError(() => tensor([1], null as never), TypeError, 'tensor: options must be an object, got null');
    expectError(
      () => Tensor.zeros([2], { requiresGrad: 'yes' as never }),
      TypeError,
      'zeros: requiresGrad must be a boolean, got the string "yes"',
    );
    expectError(
      () => Tensor.randn([2], { requiresGrad: 1 as never }),
      TypeError,
      'randn: requiresGrad must be a boolean, got the number 1',
    );
    expectError(
      () => new Tensor(new Float64Array(1), [1], { requiresGrad: 'yes' as never }),
      TypeError,
      'Tensor: requiresGrad must be a boolean, got the string "yes"',
    );
  });
});

describe('a dimension of -0 is a dimension of 0', () => {
  test('in a shape option and in the constructors', () => {
    expect(Object.is(tensor([], { shape: [-0] }).shape[0], 0)).toBe(true);
    expect(Object.is(Tensor.zeros([2, -0]).shape[1], 0)).toBe(true);
    expect(Object.is(new Tensor(new Float64Array(0), [-0, 3]).shape[0], 0)).toBe(true);
  });
});
