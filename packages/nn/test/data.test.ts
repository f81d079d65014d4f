import { createRng, tensor } from '@chainrule/engine';
import { accuracy, batches, makeMoons, takeRows, trainTestSplit } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';

describe('trainTestSplit', () => {
  test('holds out ⌈testSize·n⌉ samples, the same permutation for x and y', () => {
    const x = Array.from({ length: 10 }, (_, i) => [i, i * 10]);
    const y = Array.from({ length: 10 }, (_, i) => i);
    const s = trainTestSplit(x, y, { testSize: 0.25, seed: 3 });
    expect([s.xTrain.length, s.xTest.length]).toEqual([7, 3]);
    s.xTrain.forEach((row, i) => {
      expect(row[0]).toBe(s.yTrain[i]);
    });
    expect([...s.yTrain, ...s.yTest].sort((a, b) => a - b)).toEqual(y);
    expect(trainTestSplit(x, y, { testSize: 0.25, seed: 3 })).toEqual(s);
    expect(trainTestSplit(x, y, { testSize: 2, shuffle: false }).yTest).toEqual([8, 9]);
  });

  test('splits Tensors along their first axis', () => {
    const { x, y } = makeMoons(1000, { seed: 1 });
    const s = trainTestSplit(tensor(x), tensor(y).reshape([-1, 1]), { testSize: 0.1, seed: 1 });
    expect(s.xTrain.shape).toEqual([900, 2]);
    expect(s.yTest.shape).toEqual([100, 1]);
  });

  test('refuses mismatched counts and a split that leaves nothing', () => {
    expect(() => trainTestSplit([1, 2], [1])).toThrow('trainTestSplit: x has 2 samples but y has 1');
    expect(() => trainTestSplit([1, 2], [1, 2], { testSize: 0.9 })).toThrow(
      'trainTestSplit: testSize 0.9 leaves 0 of 2 samples for training and 2 for testing',
    );
  });
});

describe('batches', () => {
  test('cuts in order, with a smaller last batch unless dropLast', () => {
    const x = tensor([[0], [1], [2], [3], [4]]);
    const y = [0, 1, 2, 3, 4];
    const b = batches(x, y, { batchSize: 2 });
    expect(b.map((batch) => batch.y)).toEqual([[0, 1], [2, 3], [4]]);
    expect(b[2]!.x.toArray()).toEqual([[4]]);
    expect(batches(x, y, { batchSize: 2, dropLast: true }).length).toBe(2);
  });

  test('shuffles by seed, a new order per call from one generator', () => {
    const y = Array.from({ length: 20 }, (_, i) => i);
    const rng = createRng(5);
    const first = batches(y, y, { batchSize: 20, shuffle: true, rng })[0]!.y;
    const second = batches(y, y, { batchSize: 20, shuffle: true, rng })[0]!.y;
    expect(first).not.toEqual(y);
    expect(second).not.toEqual(first);
    expect([...first].sort((a, b) => a - b)).toEqual(y);
    expect(batches(y, y, { batchSize: 20, shuffle: true, seed: 5 })[0]!.y).toEqual(first);
    expect(() => batches(y, y, { batchSize: 0 })).toThrow('batches: batchSize must be at least 1, got 0');
  });

  test('takeRows copies rows of a tensor', () => {
    expect(
      takeRows(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        [2, 0],
      ).toArray(),
    ).toEqual([
      [5, 6],
      [1, 2],
    ]);
  });
});

describe('accuracy', () => {
  test('binary: the target is a label, never compared with the threshold', () => {
    // threshold 1: 2 says class 1, 0.5 class 0, both right (the target 1 was compared with 1 and read as 0)
    expect(accuracy(tensor([[2], [0.5]]), tensor([[1], [0]]), { threshold: 1 })).toBe(1);
    // a threshold below 0 with 0/1 labels: the label 0 is class 0, not above the threshold
    expect(accuracy([0.5, -0.9], [1, 0], { threshold: -0.5 })).toBe(1);
    expect(accuracy([-0.2, -0.9], [1, -1], { threshold: -0.5 })).toBe(1);
  });

  test('binary: the same side of the threshold as the target', () => {
    expect(accuracy(tensor([[0.9], [0.2], [0.6]]), tensor([[1], [0], [0]]))).toBeCloseTo(2 / 3, 15);
    expect(accuracy([0.3, -2, 0.1], [1, -1, -1], { threshold: 0 })).toBeCloseTo(2 / 3, 15);
  });

  test('multiclass: argmax against labels or one-hot rows', () => {
    const p = tensor([
      [2, 1, 0],
      [0, 0, 3],
      [1, 5, 0],
    ]);
    expect(accuracy(p, [0, 2, 0])).toBeCloseTo(2 / 3, 15);
    expect(
      accuracy(
        p,
        tensor([
          [1, 0, 0],
          [0, 0, 1],
          [0, 1, 0],
        ]),
      ),
    ).toBe(1);
  });

  test('refuses a NaN prediction or target, naming the row, instead of counting it as a class', () => {
    expect(() => accuracy(tensor([[Number.NaN], [0.9]]), tensor([[0], [1]]))).toThrow(RangeError);
    expect(() => accuracy(tensor([[Number.NaN], [0.9]]), tensor([[0], [1]]))).toThrow(
      'accuracy: prediction row 0 is NaN',
    );
    expect(() =>
      accuracy(
        tensor([
          [0.2, Number.NaN],
          [1, 0],
        ]),
        [0, 0],
      ),
    ).toThrow('accuracy: prediction row 0 is NaN');
    expect(() => accuracy([0.1, 0.9], [0, Number.NaN])).toThrow('accuracy: target row 1 is NaN');
  });

  test('refuses targets that are not class labels, as scikit-learn does, naming the row', () => {
    expect(() => accuracy(tensor([[0.9], [0.2]]), tensor([[1], [0.7]]))).toThrow(
      'accuracy: target row 1 is 0.7; binary targets are class labels 0 and 1 (or -1 and 1)',
    );
    expect(() => accuracy(tensor([[0.9], [0.2]]), [2, 0])).toThrow(RangeError);
    const p = tensor([
      [2, 1, 0],
      [0, 0, 3],
    ]);
    expect(() => accuracy(p, [0, 1.5])).toThrow(
      'accuracy: target row 1 is 1.5; with 3 classes a label is an integer from 0 to 2',
    );
    expect(() => accuracy(p, [3, 0])).toThrow(
      'accuracy: target row 0 is 3; with 3 classes a label is an integer from 0 to 2',
    );
  });

  test('refuses mismatched sample counts, naming the shapes', () => {
    expect(() => accuracy(tensor([[0.5], [0.5]]), [1])).toThrow(
      'accuracy: prediction [2,1] and target [1] have different sample counts',
    );
  });
});
