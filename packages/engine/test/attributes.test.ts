// opAttributes: the recorded attributes of each tensor op, read through the public API as copies.

import { defineOp, linear, opAttributes, Tensor, tensor } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

const x = () =>
  tensor(
    [
      [1, -2, 3],
      [4, 5, -6],
    ],
    { requiresGrad: true },
  );

describe('opAttributes', () => {
  test('a leaf and a result computed without recording have none', () => {
    expect(opAttributes(x())).toBeNull();
    expect(opAttributes(tensor([1, 2]).exp())).toBeNull();
  });

  test('elementwise ops carry no attributes, a constant power carries its exponent', () => {
    expect(opAttributes(x().add(1))).toEqual({ op: 'add', attributes: null });
    expect(opAttributes(x().pow(3))).toEqual({ op: 'pow', attributes: { exponent: 3 } });
    expect(opAttributes(x().pow(tensor(2)))).toEqual({ op: 'pow', attributes: { exponent: null } });
  });

  test('reductions, shapes and products give their axis, keepDims, shape, dims and flags', () => {
    expect(opAttributes(x().sum(-1))).toEqual({ op: 'sum', attributes: { axis: 1, keepDims: false } });
    expect(opAttributes(x().max(null, true))).toEqual({
      op: 'max',
      attributes: { axis: null, keepDims: true },
    });
    expect(opAttributes(x().reshape([3, -1]))).toEqual({ op: 'reshape', attributes: { shape: [3, 2] } });
    expect(opAttributes(x().T)).toEqual({ op: 'permute', attributes: { dims: [1, 0] } });
    expect(opAttributes(x().matmul(Tensor.ones([3, 2])))).toEqual({
      op: 'matmul',
      attributes: { transA: false, transB: false },
    });
    expect(opAttributes(linear(x(), Tensor.ones([2, 3]), null, { activation: 'relu' }))).toEqual({
      op: 'linear',
      attributes: { relu: true },
    });
    expect(opAttributes(Tensor.concat([x(), x()], 1))).toEqual({ op: 'concat', attributes: { axis: 1 } });
  });

  test('a slice gives its normalised ranges and a gather its indices', () => {
    expect(opAttributes(x().slice(-1, [0, null, 2]))).toEqual({
      op: 'slice',
      attributes: {
        spec: { inShape: [2, 3], starts: [1, 0], steps: [1, 2], counts: [1, 2], keep: [false, true] },
      },
    });
    expect(opAttributes(x().gather(1, tensor([[2], [0]])))).toEqual({
      op: 'gather',
      attributes: { axis: 1, index: new Int32Array([2, 0]), indexShape: [2, 1] },
    });
  });

  test('the result is a copy: changing it changes neither the node nor the next call', () => {
    const y = x().reshape([3, 2]);
    const first = opAttributes(y)!;
    (first.attributes as { shape: number[] }).shape[0] = 99;
    expect(opAttributes(y)).toEqual({ op: 'reshape', attributes: { shape: [3, 2] } });
    const g = x().gather(0, tensor([[1, 0, 1]]));
    const picked = opAttributes(g)!.attributes as { index: Int32Array };
    picked.index[0] = 0;
    expect(opAttributes(g)!.attributes).toMatchObject({ index: new Int32Array([1, 0, 1]) });
  });

  test('a node of a defineOp op is custom, with its name', () => {
    const double = defineOp<Tensor>({ name: 'double', forward: (a) => 2 * a, backward: (g) => [g.mul(2)] });
    expect(opAttributes(double(x()))).toEqual({ op: 'custom', name: 'double', attributes: null });
  });

  test('anything but a Tensor is a TypeError naming the function', () => {
    expect(() => opAttributes([1, 2] as unknown as Tensor)).toThrow(/^opAttributes: expected a Tensor, got/);
  });
});
