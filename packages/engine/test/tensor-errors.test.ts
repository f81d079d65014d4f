// Every tensor error, checked by class and message: the op first, then what is wrong, then the shapes or values.

import { concat, div, ShapeError, stack, sub, Tensor, tensor, value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { expectError } from './support/errors.js';

const m23 = () => Tensor.zeros([2, 3]);

describe('matmul errors', () => {
  test('inner dimensions that differ name both shapes and both sizes', () => {
    expectError(
      () => m23().matmul(m23()),
      ShapeError,
      'matmul: cannot multiply [2,3] by [2,3]: inner dimensions 3 and 2 differ',
    );
    expectError(
      () => Tensor.zeros([3]).matmul(Tensor.zeros([2])),
      ShapeError,
      'matmul: cannot multiply [3] by [2]: inner dimensions 3 and 2 differ',
    );
    expectError(
      () => Tensor.zeros([4, 2, 3]).matmul(Tensor.zeros([4])),
      ShapeError,
      'matmul: cannot multiply [4,2,3] by [4]: inner dimensions 3 and 4 differ',
    );
  });

  test('batch dimensions that do not broadcast are refused', () => {
    expectError(
      () => Tensor.zeros([2, 2, 3]).matmul(Tensor.zeros([3, 3, 4])),
      ShapeError,
      'matmul: cannot multiply [2,2,3] by [3,3,4]: batch dimensions do not broadcast',
    );
  });

  test('a 0-D operand has no matrix product', () => {
    expectError(
      () => tensor(2).matmul(m23()),
      ShapeError,
      'matmul: cannot multiply [] by [2,3]: scalars have no matrix product (use mul)',
    );
  });

  test('a non-Tensor operand is a TypeError naming matmul', () => {
    expectError(
      () => m23().matmul([1, 2, 3] as unknown as Tensor),
      TypeError,
      'matmul: expected a Tensor, got an array',
    );
  });
});

describe('broadcasting errors', () => {
  test('shapes that do not broadcast name the op, both shapes and the clashing axis', () => {
    expectError(
      () => m23().add(Tensor.zeros([4])),
      ShapeError,
      'add: shapes [2,3] and [4] do not broadcast: axis -1 has sizes 3 and 4',
    );
    expectError(
      () => Tensor.zeros([2, 1, 3]).mul(Tensor.zeros([4, 2])),
      ShapeError,
      'mul: shapes [2,1,3] and [4,2] do not broadcast: axis -1 has sizes 3 and 2',
    );
    expectError(
      () => Tensor.zeros([3, 2]).maximum(Tensor.zeros([2, 2])),
      ShapeError,
      'maximum: shapes [3,2] and [2,2] do not broadcast: axis -2 has sizes 3 and 2',
    );
    for (const op of ['sub', 'div', 'pow', 'minimum'] as const) {
      expect(() => m23()[op](Tensor.ones([2]))).toThrow(
        `${op}: shapes [2,3] and [2] do not broadcast: axis -1 has sizes 3 and 2`,
      );
    }
  });

  test('broadcastTo and sumTo refuse shapes that do not fit', () => {
    expectError(() => m23().broadcastTo([3]), ShapeError, 'broadcastTo: cannot broadcast [2,3] to [3]');
    expectError(
      () => Tensor.zeros([3]).broadcastTo([4]),
      ShapeError,
      'broadcastTo: shapes [3] and [4] do not broadcast: axis -1 has sizes 3 and 4',
    );
    expectError(() => Tensor.zeros([3]).sumTo([2, 3]), ShapeError, 'sumTo: cannot sum [3] down to [2,3]');
  });

  test('a gradient passed to backward must have the output’s shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expectError(
      () => x.mul(2).backward([1, 2, 3]),
      ShapeError,
      'backward: the gradient has shape [3] but the tensor has shape [2]',
    );
  });
});

describe('shape errors', () => {
  test('reshape to a different number of elements names both shapes and sizes', () => {
    expectError(
      () => m23().reshape([4]),
      ShapeError,
      'reshape: cannot reshape [2,3] (6 elements) to [4] (4 elements)',
    );
    expectError(
      () => m23().reshape([4, -1]),
      ShapeError,
      'reshape: cannot reshape [2,3] (6 elements) to [4,-1]',
    );
    expectError(() => m23().reshape([-1, -1]), RangeError, 'reshape: only one axis can be -1, got [-1,-1]');
  });

  test('concat and stack refuse shapes that differ', () => {
    expectError(
      () => concat([m23(), Tensor.zeros([2, 4])], 0),
      ShapeError,
      'concat: shapes [2,3], [2,4] differ outside axis 0',
    );
    expectError(
      () => stack([m23(), Tensor.zeros([3, 2])]),
      ShapeError,
      'stack: shapes [2,3], [3,2] are not all equal',
    );
    expectError(
      () => concat([tensor(1), tensor(2)]),
      ShapeError,
      'concat: cannot join 0-D tensors (use stack)',
    );
  });

  test('a ragged nested array names the element that breaks the shape', () => {
    expectError(
      () => tensor([[1, 2], [3]]),
      ShapeError,
      'tensor: ragged nested array: element [1] has length 1, expected 2 (shape [2,2])',
    );
    expectError(
      () => tensor([[1, 2], 3] as unknown as number[][]),
      ShapeError,
      'tensor: ragged nested array: element [1] is the number 3, expected an array of length 2',
    );
    expectError(
      () => tensor([1, [2]] as unknown as number[]),
      TypeError,
      'tensor: element [1] must be a number, got an array',
    );
  });

  test('flat data that does not fill the shape is refused', () => {
    expectError(
      () => tensor([1, 2, 3], { shape: [2, 2] }),
      ShapeError,
      'tensor: 3 values do not fill shape [2,2] (4 elements)',
    );
  });
});

describe('axis errors', () => {
  test('an axis out of range is a RangeError naming the op, the axis and the rank', () => {
    const cases: [string, () => unknown][] = [
      ['sum: axis 2 is out of range for a tensor of rank 2', () => m23().sum(2)],
      ['sum: axis -3 is out of range for a tensor of rank 2', () => m23().sum(-3)],
      ['mean: axis 2 is out of range for a tensor of rank 2', () => m23().mean(2)],
      ['max: axis -3 is out of range for a tensor of rank 2', () => m23().max(-3)],
      ['argmax: axis 2 is out of range for a tensor of rank 2', () => m23().argmax(2)],
      ['softmax: axis 2 is out of range for a tensor of rank 2', () => m23().softmax(2)],
      ['logSoftmax: axis -3 is out of range for a tensor of rank 2', () => m23().logSoftmax(-3)],
      ['logSumExp: axis 2 is out of range for a tensor of rank 2', () => m23().logSumExp(2)],
      ['transpose: axis 2 is out of range for a tensor of rank 2', () => m23().transpose(0, 2)],
      ['permute: axis 2 is out of range for a tensor of rank 2', () => m23().permute(0, 2)],
      ['concat: axis 2 is out of range for a tensor of rank 2', () => concat([m23(), m23()], 2)],
      ['stack: axis 3 is out of range for a tensor of rank 3', () => stack([m23(), m23()], 3)],
      ['sum: axis 1 is out of range for a tensor of rank 0', () => tensor(1).sum(1)],
    ];
    for (const [message, f] of cases) expectError(f, RangeError, message);
  });

  test('an axis that is not a number says what arrived: a string "0" is not the axis 0', () => {
    expectError(
      () => m23().sum('0' as never),
      TypeError,
      'sum: the axis must be an integer, got the string "0"',
    );
    expectError(() => m23().softmax(1.5), TypeError, 'softmax: the axis must be an integer, got 1.5');
    expectError(
      () => m23().slice('0' as never),
      TypeError,
      'slice: index for axis 0 must be a number, null or [start, end, step], got the string "0"',
    );
    expectError(
      () => m23().slice(['0' as never, 2]),
      TypeError,
      'slice: slice bounds for axis 0 must be integers, got the string "0"',
    );
  });

  test('permute needs every axis once, and transpose both axes or neither', () => {
    expectError(() => m23().permute(0), RangeError, 'permute: 1 axes given for a tensor of rank 2');
    expectError(() => m23().permute(1, 1), RangeError, 'permute: the axes [1,1] repeat an axis');
    expectError(() => m23().transpose(0), RangeError, 'transpose: give both axes or neither');
    expectError(
      () => Tensor.zeros([2, 3, 4]).transpose(),
      RangeError,
      'transpose: a tensor of rank 3 needs the two axes to swap',
    );
  });

  test('slice indices out of range, too many indices and bad steps are refused', () => {
    expectError(() => m23().slice(2), RangeError, 'slice: index 2 is out of range for axis 0 of size 2');
    expectError(() => m23().slice(0, -4), RangeError, 'slice: index -4 is out of range for axis 1 of size 3');
    expectError(() => m23().slice(0, 0, 0), RangeError, 'slice: 3 indices for a tensor of shape [2,3]');
    expectError(
      () => m23().slice([0, 2, 0]),
      RangeError,
      'slice: the step for axis 0 must be a positive integer, got 0',
    );
  });
});

describe('operand errors', () => {
  test('an operand that is neither a Tensor nor a number is a TypeError naming the op', () => {
    const t = m23();
    const cases: [string, () => unknown][] = [
      ['add: expected a Tensor or a number, got the string "1"', () => t.add('1' as unknown as number)],
      ['sub: expected a Tensor or a number, got null', () => t.sub(null as unknown as number)],
      ['mul: expected a Tensor or a number, got a Value', () => t.mul(value(2) as unknown as number)],
      ['div: expected a Tensor or a number, got an array', () => t.div([1] as unknown as number)],
      ['pow: expected a Tensor or a number, got undefined', () => t.pow(undefined as unknown as number)],
      ['maximum: expected a Tensor or a number, got a boolean', () => t.maximum(true as unknown as number)],
      [
        'minimum: expected a Tensor or a number, got a plain object',
        () => t.minimum({} as unknown as number),
      ],
      [
        'sub: expected a Value, a Tensor or a number, got the string "2"',
        () => sub('2' as unknown as number, t),
      ],
      [
        'div: expected a Value or a Tensor on at least one side, got two numbers',
        () => div(1, 2 as unknown as Tensor),
      ],
    ];
    for (const [message, f] of cases) expectError(f, TypeError, message);
  });

  test('tensor() refuses what is not numbers', () => {
    expectError(
      () => tensor('abc' as unknown as number),
      TypeError,
      'tensor: expected a number, nested arrays of numbers or a typed array, got the string "abc"',
    );
    expectError(
      () => tensor([1, '2'] as unknown as number[]),
      TypeError,
      'tensor: element [1] must be a number, got the string "2"',
    );
    // the class comes from the prototype: an own constructor property cannot rename it
    for (const [bad, kind] of [
      [{ constructor: 5 }, 'a plain object'],
      [Object.create(null), 'a plain object'],
      [new Map(), 'a Map'],
    ] as const) {
      expectError(
        () => tensor(bad as unknown as number),
        TypeError,
        `tensor: expected a number, nested arrays of numbers or a typed array, got ${kind}`,
      );
    }
  });
});

describe('domain and value errors', () => {
  test('log of a negative element names the element and its value', () => {
    expectError(
      () => tensor([1, -2]).log(),
      RangeError,
      'log: element 1 is -2, outside the domain of log (x >= 0)',
    );
  });

  test('a negative base to a non-integer power is refused, for a number and a tensor exponent', () => {
    expectError(
      () => tensor([4, -8]).pow(0.5),
      RangeError,
      'pow: a negative base -8 (element 1) has no real power 0.5',
    );
    expectError(
      () => tensor([4, -8]).pow(tensor([0.5, 1 / 3])),
      RangeError,
      'pow: element 1 raises a negative base to a non-integer power',
    );
  });

  test('item on more than one element names the shape and the count', () => {
    expectError(() => m23().item(), ShapeError, 'item: a tensor of shape [2,3] has 6 elements, not one');
  });

  test('backward on a non-scalar without a gradient says to reduce it or pass one', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expectError(
      () => x.mul(2).backward(),
      ShapeError,
      'backward: needs a single-element output, got shape [2]: reduce it first (sum, mean) or pass a gradient of the same shape',
    );
  });

  test('backward on a tensor that does not require grad says why', () => {
    expectError(
      () => tensor([1, 2]).sum().backward(),
      Error,
      'backward: this tensor does not require grad: no tensor it was computed from has requiresGrad: true',
    );
  });

  test('requiresGrad can only change on a leaf', () => {
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expectError(
      () => {
        y.requiresGrad = false;
      },
      Error,
      'requiresGrad: only a leaf tensor can change it; this one was made by mul (use detach())',
    );
  });
});
