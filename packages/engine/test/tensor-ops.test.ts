// Every tensor op on hand-worked cases: values and gradients, broadcast shapes, numbers on either side,
// upstream gradients that are not all ones, reductions and shape ops with their axes.

import { add, concat, div, mul, type NestedArray, stack, sub, Tensor, tensor } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { expectTensor } from './support/tensors.js';

const leaf = (x: NestedArray): Tensor => tensor(x, { requiresGrad: true });

/** Runs `f` on fresh leaves, backpropagates `upstream` (or sums), and returns the output. */
function run(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], upstream?: NestedArray): Tensor {
  const out = f(...inputs);
  if (upstream === undefined) out.sum().backward();
  else out.backward(upstream);
  return out;
}

interface Case {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: NestedArray[];
  value: NestedArray;
  /** The gradient of the sum of the output with respect to each input. */
  grads: NestedArray[];
}

const ln = Math.log;
const E = Math.E;

const elementwiseCases: Case[] = [
  {
    name: 'add',
    f: (a, b) => a.add(b),
    inputs: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    value: [5, 7, 9],
    grads: [
      [1, 1, 1],
      [1, 1, 1],
    ],
  },
  {
    name: 'sub',
    f: (a, b) => a.sub(b),
    inputs: [
      [1, 2, 3],
      [4, 6, 8],
    ],
    value: [-3, -4, -5],
    grads: [
      [1, 1, 1],
      [-1, -1, -1],
    ],
  },
  {
    name: 'mul',
    f: (a, b) => a.mul(b),
    inputs: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    value: [4, 10, 18],
    grads: [
      [4, 5, 6],
      [1, 2, 3],
    ],
  },
  {
    name: 'div',
    f: (a, b) => a.div(b),
    inputs: [
      [1, 2, 3],
      [2, 4, 8],
    ],
    value: [0.5, 0.5, 0.375],
    // d/da = 1/b, d/db = -a/b²
    grads: [
      [0.5, 0.25, 0.125],
      [-0.25, -0.125, -3 / 64],
    ],
  },
  { name: 'pow 3', f: (a) => a.pow(3), inputs: [[1, 2, -3]], value: [1, 8, -27], grads: [[3, 12, 27]] },
  {
    name: 'pow 0.5',
    f: (a) => a.pow(0.5),
    inputs: [[1, 4, 9]],
    value: [1, 2, 3],
    grads: [[0.5, 0.25, 1 / 6]],
  },
  {
    name: 'pow -1',
    f: (a) => a.pow(-1),
    inputs: [[1, 2, -4]],
    value: [1, 0.5, -0.25],
    grads: [[-1, -0.25, -1 / 16]],
  },
  {
    name: 'pow 0 (constant, even at 0)',
    f: (a) => a.pow(0),
    inputs: [[0, 2]],
    value: [1, 1],
    grads: [[0, 0]],
  },
  {
    name: 'pow with a tensor exponent',
    f: (a, b) => a.pow(b),
    inputs: [
      [2, 3, 4],
      [3, 2, 0.5],
    ],
    value: [8, 9, 2],
    // d/da = b·a^(b-1), d/db = a^b·ln a
    grads: [
      [12, 6, 0.25],
      [8 * ln(2), 9 * ln(3), 2 * ln(4)],
    ],
  },
  {
    name: 'maximum (a tie splits the gradient in half)',
    f: (a, b) => a.maximum(b),
    inputs: [
      [1, 5, 3],
      [4, 2, 3],
    ],
    value: [4, 5, 3],
    grads: [
      [0, 1, 0.5],
      [1, 0, 0.5],
    ],
  },
  {
    name: 'minimum (a tie splits the gradient in half)',
    f: (a, b) => a.minimum(b),
    inputs: [
      [1, 5, 3],
      [4, 2, 3],
    ],
    value: [1, 2, 3],
    grads: [
      [1, 0, 0.5],
      [0, 1, 0.5],
    ],
  },
  { name: 'neg', f: (a) => a.neg(), inputs: [[-2, 0, 3]], value: [2, -0, -3], grads: [[-1, -1, -1]] },
  { name: 'exp', f: (a) => a.exp(), inputs: [[0, 1, -1]], value: [1, E, 1 / E], grads: [[1, E, 1 / E]] },
  { name: 'log', f: (a) => a.log(), inputs: [[1, E, 0.5]], value: [0, 1, -ln(2)], grads: [[1, 1 / E, 2]] },
  {
    name: 'tanh',
    f: (a) => a.tanh(),
    inputs: [[0, 0.5, -2]],
    value: [0, Math.tanh(0.5), Math.tanh(-2)],
    grads: [[1, 1 / Math.cosh(0.5) ** 2, 1 / Math.cosh(2) ** 2]],
  },
  {
    name: 'relu (gradient 0 at the kink)',
    f: (a) => a.relu(),
    inputs: [[-1, 0, 2]],
    value: [0, 0, 2],
    grads: [[0, 0, 1]],
  },
  {
    name: 'reciprocal',
    f: (a) => a.reciprocal(),
    inputs: [[2, -4, 0.5]],
    value: [0.5, -0.25, 2],
    grads: [[-0.25, -1 / 16, -4]],
  },
  {
    name: 'abs (gradient 0 at 0)',
    f: (a) => a.abs(),
    inputs: [[-3, 0, 2]],
    value: [3, 0, 2],
    grads: [[-1, 0, 1]],
  },
  {
    name: 'sigmoid',
    f: (a) => a.sigmoid(),
    inputs: [[0, 2, -2]],
    value: [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))],
    // s' = e^-x / (1 + e^-x)², symmetric in x
    grads: [[0.25, Math.exp(-2) / (1 + Math.exp(-2)) ** 2, Math.exp(-2) / (1 + Math.exp(-2)) ** 2]],
  },
];

const broadcastCases: Case[] = [
  {
    name: '[3,1] + [4]',
    f: (a, b) => a.add(b),
    inputs: [
      [[1], [2], [3]],
      [10, 20, 30, 40],
    ],
    value: [
      [11, 21, 31, 41],
      [12, 22, 32, 42],
      [13, 23, 33, 43],
    ],
    grads: [
      [[4], [4], [4]],
      [3, 3, 3, 3],
    ],
  },
  {
    name: '[2,1,3] * [4,1]',
    f: (a, b) => a.mul(b),
    inputs: [
      [[[1, 2, 3]], [[4, 5, 6]]],
      [[1], [2], [3], [4]],
    ],
    value: [
      [
        [1, 2, 3],
        [2, 4, 6],
        [3, 6, 9],
        [4, 8, 12],
      ],
      [
        [4, 5, 6],
        [8, 10, 12],
        [12, 15, 18],
        [16, 20, 24],
      ],
    ],
    // each element of a meets every b (Σ b = 10); each b meets every a (Σ a = 21)
    grads: [
      [[[10, 10, 10]], [[10, 10, 10]]],
      [[21], [21], [21], [21]],
    ],
  },
  {
    name: '[2,2] - a 0-D scalar tensor',
    f: (a, b) => a.sub(b),
    inputs: [
      [
        [1, 2],
        [3, 4],
      ],
      5,
    ],
    value: [
      [-4, -3],
      [-2, -1],
    ],
    grads: [
      [
        [1, 1],
        [1, 1],
      ],
      -4,
    ],
  },
  {
    name: '[1] / [2,3]',
    f: (a, b) => a.div(b),
    inputs: [
      [6],
      [
        [1, 2, 3],
        [6, 6, 6],
      ],
    ],
    value: [
      [6, 3, 2],
      [1, 1, 1],
    ],
    // d/da = Σ 1/b; d/db = -a/b²
    grads: [
      [1 + 1 / 2 + 1 / 3 + 3 / 6],
      [
        [-6, -6 / 4, -6 / 9],
        [-1 / 6, -1 / 6, -1 / 6],
      ],
    ],
  },
  {
    name: '[2,1] maximum [3] (ties split per element)',
    f: (a, b) => a.maximum(b),
    inputs: [
      [[1], [3]],
      [0, 1, 2],
    ],
    value: [
      [1, 1, 2],
      [3, 3, 3],
    ],
    grads: [
      [[1.5], [3]],
      [0, 0.5, 1],
    ],
  },
  {
    name: '[3] pow [2,1] (tensor exponent broadcast)',
    f: (a, b) => a.pow(b),
    inputs: [
      [1, 2, 3],
      [[1], [2]],
    ],
    value: [
      [1, 2, 3],
      [1, 4, 9],
    ],
    // d/da Σ_b a^b = Σ_b b·a^(b-1) = 1 + 2a; d/db Σ_a a^b·ln a
    grads: [
      [3, 5, 7],
      [[2 * ln(2) + 3 * ln(3)], [4 * ln(2) + 9 * ln(3)]],
    ],
  },
];

function checkCase(c: Case): void {
  const xs = c.inputs.map(leaf);
  const out = run(c.f, xs);
  expectTensor(out, c.value, undefined, 'value');
  xs.forEach((x, i) => {
    expectTensor(x.grad, c.grads[i]!, undefined, `gradient ${i}`);
  });
}

describe('elementwise ops', () => {
  for (const c of elementwiseCases) {
    test(`${c.name} gives the hand-worked values and gradients`, () => checkCase(c));
  }

  test('a number on the right of a method is a constant operand', () => {
    const x = leaf([1, 2]);
    expectTensor(
      run((t) => t.sub(2).mul(3).add(1).div(2), [x]),
      [-1, 0.5],
    );
    expectTensor(x.grad, [1.5, 1.5]);
    const y = leaf([-1, 3]);
    expectTensor(
      run((t) => t.maximum(0).add(t.minimum(1)), [y]),
      [-1, 4],
    );
    expectTensor(y.grad, [1, 1]);
  });

  test('free functions put a number on the left: sub(2, t), div(1, t), add(1, t), mul(3, t)', () => {
    const t = leaf([1, 4]);
    expectTensor(
      run((x) => sub(2, x), [t]),
      [1, -2],
    );
    expectTensor(t.grad, [-1, -1]);
    const u = leaf([2, 4]);
    expectTensor(
      run((x) => div(1, x), [u]),
      [0.5, 0.25],
    );
    expectTensor(u.grad, [-0.25, -1 / 16]);
    const v = leaf([2, 4]);
    expectTensor(
      run((x) => add(1, mul(3, x)), [v]),
      [7, 13],
    );
    expectTensor(v.grad, [3, 3]);
  });

  test('a reused tensor receives both contributions', () => {
    const x = leaf([3, -2]);
    expectTensor(
      run((t) => t.mul(t).add(t), [x]),
      [12, 2],
    );
    expectTensor(x.grad, [7, -3]);
  });
});

describe('broadcasting', () => {
  for (const c of broadcastCases) {
    test(`${c.name} broadcasts the values and sums each gradient back to its input's shape`, () =>
      checkCase(c));
  }

  test('an upstream gradient that is not all ones is summed back over the broadcast axes', () => {
    const a = leaf([[1], [2], [3]]);
    const b = leaf([10, 20, 30, 40]);
    run(
      (x, y) => x.add(y),
      [a, b],
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
      ],
    );
    expectTensor(a.grad, [[10], [26], [42]]);
    expectTensor(b.grad, [15, 18, 21, 24]);
  });

  test('an upstream gradient flows through mul scaled by the other operand', () => {
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    run((x, y) => x.mul(y), [a, b], [10, 100]);
    expectTensor(a.grad, [30, 400]);
    expectTensor(b.grad, [10, 200]);
  });

  test('broadcastTo repeats the elements and its gradient sums the copies', () => {
    const x = leaf([1, 2]);
    expectTensor(
      run(
        (t) => t.broadcastTo([2, 2]),
        [x],
        [
          [1, 2],
          [3, 4],
        ],
      ),
      [
        [1, 2],
        [1, 2],
      ],
    );
    expectTensor(x.grad, [4, 6]);
    const col = leaf([[1], [2]]);
    expectTensor(
      run((t) => t.broadcastTo([2, 3]), [col]),
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
    );
    expectTensor(col.grad, [[3], [3]]);
  });

  test('sumTo sums down to a shape that broadcasts back, and its gradient broadcasts', () => {
    const m = [
      [1, 2],
      [3, 4],
    ];
    expectTensor(tensor(m).sumTo([2]), [4, 6]);
    expectTensor(tensor(m).sumTo([2, 1]), [[3], [7]]);
    expectTensor(tensor(m).sumTo([1, 2]), [[4, 6]]);
    expectTensor(tensor(m).sumTo([]), 10);
    const x = leaf(m);
    run((t) => t.sumTo([2]), [x], [1, 2]);
    expectTensor(x.grad, [
      [1, 2],
      [1, 2],
    ]);
  });
});

describe('matmul', () => {
  test('1-D · 1-D is the inner product, a 0-D tensor', () => {
    const a = leaf([1, 2, 3]);
    const b = leaf([4, 5, 6]);
    expectTensor(
      run((x, y) => x.matmul(y), [a, b]),
      32,
    );
    expectTensor(a.grad, [4, 5, 6]);
    expectTensor(b.grad, [1, 2, 3]);
  });

  test('1-D · 2-D treats the vector as a row and drops it', () => {
    const v = leaf([1, 2]);
    const m = leaf([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectTensor(
      run((x, y) => x.matmul(y), [v, m]),
      [9, 12, 15],
    );
    expectTensor(v.grad, [6, 15]);
    expectTensor(m.grad, [
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  test('2-D · 1-D treats the vector as a column and drops it', () => {
    const m = leaf([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const w = leaf([1, 0, -1]);
    expectTensor(
      run((x, y) => x.matmul(y), [m, w]),
      [-2, -2],
    );
    expectTensor(m.grad, [
      [1, 0, -1],
      [1, 0, -1],
    ]);
    expectTensor(w.grad, [5, 7, 9]);
  });

  test('2-D · 2-D with an upstream gradient G gives G·Bᵀ and Aᵀ·G', () => {
    const a = leaf([
      [1, 2],
      [3, 4],
    ]);
    const b = leaf([
      [5, 6],
      [7, 8],
    ]);
    const G = [
      [1, 0],
      [0, 2],
    ];
    expectTensor(
      run((x, y) => x.matmul(y), [a, b], G),
      [
        [19, 22],
        [43, 50],
      ],
    );
    expectTensor(a.grad, [
      [5, 7],
      [12, 16],
    ]);
    expectTensor(b.grad, [
      [1, 6],
      [2, 8],
    ]);
  });

  test('batched [2,2,2] · [2,2] shares the matrix and sums its gradient over the batch', () => {
    const a = leaf([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const b = leaf([
      [5, 6],
      [7, 8],
    ]);
    expectTensor(
      run((x, y) => x.matmul(y), [a, b]),
      [
        [
          [19, 22],
          [43, 50],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
    );
    expectTensor(a.grad, [
      [
        [11, 15],
        [11, 15],
      ],
      [
        [11, 15],
        [11, 15],
      ],
    ]);
    expectTensor(b.grad, [
      [5, 5],
      [7, 7],
    ]);
  });

  test('batch axes broadcast: [2,1,1,2] · [3,2,1] is [2,3,1,1]', () => {
    const a = leaf([[[[1, 2]]], [[[3, 4]]]]);
    const b = leaf([
      [[1], [0]],
      [[0], [1]],
      [[1], [1]],
    ]);
    expectTensor(
      run((x, y) => x.matmul(y), [a, b]),
      [
        [[[1]], [[2]], [[3]]],
        [[[3]], [[4]], [[7]]],
      ],
    );
    expectTensor(a.grad, [[[[2, 2]]], [[[2, 2]]]]);
    expectTensor(b.grad, [
      [[4], [6]],
      [[4], [6]],
      [[4], [6]],
    ]);
  });

  test('a batch of matrices times a vector, and a vector times a batch, drop the vector axis', () => {
    const batch = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
    expectTensor(batch.matmul(tensor([1, -1])), [
      [-1, -1],
      [-1, 1],
    ]);
    expectTensor(tensor([1, -1]).matmul(batch), [
      [-2, -2],
      [-1, 1],
    ]);
  });
});

describe('reductions', () => {
  const m = [
    [1, 2, 3],
    [4, 5, 6],
  ];

  test('sum without an axis adds every element into a 0-D tensor', () => {
    const x = leaf(m);
    const s = x.sum();
    expectTensor(s, 21);
    s.backward();
    expectTensor(x.grad, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expectTensor(tensor(m).sum(null, true), [[21]]);
  });

  test('sum over an axis, negative axes counting from the end, keeps dims when asked', () => {
    expectTensor(tensor(m).sum(0), [5, 7, 9]);
    expectTensor(tensor(m).sum(1), [6, 15]);
    expectTensor(tensor(m).sum(-1), [6, 15]);
    expectTensor(tensor(m).sum(-2), [5, 7, 9]);
    expectTensor(tensor(m).sum(1, true), [[6], [15]]);
    expectTensor(tensor(m).sum(-2, true), [[5, 7, 9]]);
  });

  test('sum over an axis spreads the upstream gradient back along that axis', () => {
    const x = leaf(m);
    x.sum(1).backward(tensor([1, 2]));
    expectTensor(x.grad, [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const y = leaf(m);
    y.sum(0, true).backward([[1, 2, 3]]);
    expectTensor(y.grad, [
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  test('mean divides the sum and its gradient by the count', () => {
    const x = leaf(m);
    const all = x.mean();
    expectTensor(all, 3.5);
    all.backward();
    expectTensor(x.grad, [
      [1 / 6, 1 / 6, 1 / 6],
      [1 / 6, 1 / 6, 1 / 6],
    ]);
    expectTensor(
      run((t) => t.mean(0), [leaf(m)]),
      [2.5, 3.5, 4.5],
    );
    const y = leaf(m);
    expectTensor(
      run((t) => t.mean(-1, true), [y]),
      [[2], [5]],
    );
    expectTensor(y.grad, [
      [1 / 3, 1 / 3, 1 / 3],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
  });

  const withTies = [
    [1, 5, 5],
    [7, 2, 3],
  ];

  test('max without an axis sends the gradient to the largest element', () => {
    const x = leaf(withTies);
    expectTensor(
      run((t) => t.max(), [x]),
      7,
    );
    expectTensor(x.grad, [
      [0, 0, 0],
      [1, 0, 0],
    ]);
  });

  test('max over an axis shares the gradient evenly between tied maxima', () => {
    const x = leaf(withTies);
    expectTensor(
      run((t) => t.max(1), [x]),
      [5, 7],
    );
    expectTensor(x.grad, [
      [0, 0.5, 0.5],
      [1, 0, 0],
    ]);
    const y = leaf(withTies);
    expectTensor(
      run((t) => t.max(0), [y], [1, 2, 3]),
      [7, 5, 5],
    );
    expectTensor(y.grad, [
      [0, 2, 3],
      [1, 0, 0],
    ]);
    expectTensor(tensor(withTies).max(-1, true), [[5], [7]]);
  });

  test('min is the maximum of the negation', () => {
    const x = leaf(withTies);
    expectTensor(
      run((t) => t.min(1), [x]),
      [1, 2],
    );
    expectTensor(x.grad, [
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  test('argmax picks the first maximal index, along an axis or of all elements, and takes no gradient', () => {
    const x = leaf(withTies);
    expectTensor(x.argmax(1), [1, 0]);
    expectTensor(x.argmax(0), [1, 0, 0]);
    expectTensor(x.argmax(-1), [1, 0]);
    expectTensor(x.argmax(), 3);
    expect(x.argmax(1).requiresGrad).toBe(false);
  });
});

describe('softmax, logSoftmax and logSumExp', () => {
  const third = Math.log(3);

  test('softmax normalises exponentials along the axis', () => {
    expectTensor(
      tensor([
        [0, 0],
        [third, 0],
      ]).softmax(0),
      [
        [0.25, 0.5],
        [0.75, 0.5],
      ],
    );
    expectTensor(tensor([[0, third]]).softmax(), [[0.25, 0.75]]);
  });

  test('the softmax gradient is s·(w - Σ w·s) for an upstream w', () => {
    const x = leaf([0, third]);
    run((t) => t.softmax(), [x], [1, 0]);
    // s = [1/4, 3/4], Σ w·s = 1/4
    expectTensor(x.grad, [0.25 * 0.75, 0.75 * -0.25]);
  });

  test('logSoftmax is x - logSumExp(x), with gradient w - s·Σ w', () => {
    const x = leaf([0, third]);
    expectTensor(
      run((t) => t.logSoftmax(), [x], [1, 0]),
      [Math.log(0.25), Math.log(0.75)],
    );
    expectTensor(x.grad, [0.75, -0.75]);
    expectTensor(tensor([0, 0]).logSoftmax(), [-Math.LN2, -Math.LN2]);
  });

  test('logSumExp reduces an axis and its gradient is the softmax', () => {
    const x = leaf([
      [0, third],
      [1, 1],
    ]);
    expectTensor(
      run((t) => t.logSumExp(1), [x]),
      [Math.log(4), 1 + Math.LN2],
    );
    expectTensor(x.grad, [
      [0.25, 0.75],
      [0.5, 0.5],
    ]);
    expectTensor(tensor([[0, third]]).logSumExp(-1, true), [[Math.log(4)]]);
    expectTensor(tensor([[0, third]]).logSumExp(0), [0, third]);
  });

  test('over an empty axis softmax is empty and logSumExp is -Infinity, as in NumPy', () => {
    const empty = Tensor.zeros([2, 0]);
    expect(empty.softmax(1).shape).toEqual([2, 0]);
    expect(empty.logSoftmax(1).shape).toEqual([2, 0]);
    expectTensor(empty.logSumExp(1), [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(empty.softmax(0).shape).toEqual([2, 0]);
  });

  test('all three stay finite and exact at ±1000', () => {
    for (const big of [1000, -1000]) {
      const x = leaf([
        [big, big],
        [big, big - 1000],
      ]);
      expectTensor(
        run((t) => t.logSumExp(1), [x]),
        [big + Math.LN2, big],
      );
      expectTensor(x.grad, [
        [0.5, 0.5],
        [1, 0],
      ]);
      expectTensor(tensor([big, big]).softmax(), [0.5, 0.5]);
      expectTensor(tensor([big, big]).logSoftmax(), [-Math.LN2, -Math.LN2]);
      const y = leaf([big, big]);
      run((t) => t.logSoftmax(), [y], [1, 0]);
      expectTensor(y.grad, [0.5, -0.5]);
    }
    expectTensor(tensor([1000, -1000]).softmax(), [1, 0]);
  });
});

describe('shape ops', () => {
  test('reshape keeps the elements in order, infers a -1 axis, and reshapes the gradient back', () => {
    const x = leaf([1, 2, 3, 4, 5, 6]);
    expectTensor(x.reshape([2, -1]), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectTensor(x.reshape([-1, 1, 2]), [[[1, 2]], [[3, 4]], [[5, 6]]]);
    run(
      (t) => t.reshape([3, 2]),
      [x],
      [
        [10, 20],
        [30, 40],
        [50, 60],
      ],
    );
    expectTensor(x.grad, [10, 20, 30, 40, 50, 60]);
    expectTensor(tensor([7]).reshape([]), 7);
  });

  test('transpose(), T and permute(1, 0) are the matrix transpose, and the gradient transposes back', () => {
    const m = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const mt = [
      [1, 4],
      [2, 5],
      [3, 6],
    ];
    expectTensor(tensor(m).transpose(), mt);
    expectTensor(tensor(m).T, mt);
    expectTensor(tensor(m).permute(1, 0), mt);
    expectTensor(tensor(m).transpose(-1, 0), mt);
    const x = leaf(m);
    run(
      (t) => t.T,
      [x],
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    expectTensor(x.grad, [
      [1, 3, 5],
      [2, 4, 6],
    ]);
    const v = tensor([1, 2]);
    expect(v.transpose()).toBe(v);
  });

  test('permute and transpose on 3-D move each element to its permuted index, and the gradient back', () => {
    const x = leaf(
      Array.from({ length: 2 }, (_, i) =>
        Array.from({ length: 3 }, (_, j) => [0, 1, 2, 3].map((k) => 12 * i + 4 * j + k)),
      ),
    );
    const p = x.permute(2, 0, 1);
    expect(p.shape).toEqual([4, 2, 3]);
    const swapped = x.transpose(0, 2);
    expect(swapped.shape).toEqual([4, 3, 2]);
    expect(x.T.shape).toEqual([4, 3, 2]);
    expect(x.permute(-1, 0, 1).data).toEqual(p.data);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) {
          expect(p.data[k * 6 + i * 3 + j]).toBe(12 * i + 4 * j + k);
          expect(swapped.data[k * 6 + j * 2 + i]).toBe(12 * i + 4 * j + k);
        }
    // upstream gradient g[k][i][j] = its own flat index: it lands back on x at [i][j][k]
    p.backward(
      tensor(
        Float64Array.from({ length: 24 }, (_, n) => n),
        { shape: [4, 2, 3] },
      ),
    );
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) expect(x.grad!.data[12 * i + 4 * j + k]).toBe(k * 6 + i * 3 + j);
  });

  const grid = () => Tensor.arange(12).reshape([3, 4]);

  test('slice picks with numbers (negative from the end), ranges, steps and null', () => {
    expectTensor(grid().slice(1), [4, 5, 6, 7]);
    expectTensor(grid().slice(-1), [8, 9, 10, 11]);
    expectTensor(grid().slice(1, 2), 6);
    expectTensor(grid().slice(null, [1, 3]), [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expectTensor(grid().slice([0, 3, 2], -1), [3, 11]);
    expectTensor(grid().slice([null, null, 2], [1, null, 2]), [
      [1, 3],
      [9, 11],
    ]);
    expectTensor(grid().slice([-2]), [
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expectTensor(grid().slice(null, [-3, -1]), [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expectTensor(grid().slice([1, 100]).slice(null, 0), [4, 8]);
    expect(grid().slice([2, 1]).shape).toEqual([0, 4]);
  });

  test('the gradient of a slice lands where the slice came from, zeros elsewhere', () => {
    const x = leaf(grid().toArray());
    run(
      (t) => t.slice([0, 3, 2], [1, 3]),
      [x],
      [
        [1, 2],
        [3, 4],
      ],
    );
    expectTensor(x.grad, [
      [0, 1, 2, 0],
      [0, 0, 0, 0],
      [0, 3, 4, 0],
    ]);
    const y = leaf(grid().toArray());
    y.slice(1).sum().add(y.slice(null, 0).sum()).backward();
    expectTensor(y.grad, [
      [1, 0, 0, 0],
      [2, 1, 1, 1],
      [1, 0, 0, 0],
    ]);
  });

  test('concat joins along an axis and hands each input its piece of the gradient', () => {
    const a = leaf([[1, 2]]);
    const b = leaf([
      [3, 4],
      [5, 6],
    ]);
    expectTensor(
      run(
        (x, y) => concat([x, y], 0),
        [a, b],
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    expectTensor(a.grad, [[1, 2]]);
    expectTensor(b.grad, [
      [3, 4],
      [5, 6],
    ]);
    const c = leaf([[1], [2]]);
    const d = leaf([
      [3, 4],
      [5, 6],
    ]);
    expectTensor(
      run(
        (x, y) => concat([x, y], -1),
        [c, d],
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ),
      [
        [1, 3, 4],
        [2, 5, 6],
      ],
    );
    expectTensor(c.grad, [[1], [4]]);
    expectTensor(d.grad, [
      [2, 3],
      [5, 6],
    ]);
  });

  test('stack joins along a new axis and hands each input its slice of the gradient', () => {
    expectTensor(stack([tensor([1, 2]), tensor([3, 4])]), [
      [1, 2],
      [3, 4],
    ]);
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    expectTensor(
      run(
        (x, y) => stack([x, y], 1),
        [a, b],
        [
          [1, 2],
          [3, 4],
        ],
      ),
      [
        [1, 3],
        [2, 4],
      ],
    );
    expectTensor(a.grad, [1, 3]);
    expectTensor(b.grad, [2, 4]);
    expectTensor(stack([tensor(1), tensor(2)], -1), [1, 2]);
  });
});

describe('values out', () => {
  test('item reads the single element of any one-element shape', () => {
    expect(tensor(5).item()).toBe(5);
    expect(tensor([[3]]).item()).toBe(3);
    expect(
      tensor([[1, 2]])
        .sum()
        .item(),
    ).toBe(3);
  });

  test('toArray gives nested arrays of the shape, and a number for 0-D', () => {
    expect(tensor(4).toArray()).toBe(4);
    expect(Tensor.arange(6).reshape([3, 1, 2]).toArray()).toEqual([[[0, 1]], [[2, 3]], [[4, 5]]]);
    expect(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test('detach shares the storage but is a leaf that takes no gradient', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.op).toBe('');
    expect(d.parents).toHaveLength(0);
    expect(d.requiresGrad).toBe(false);
  });
});
