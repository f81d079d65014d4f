// Comparisons, where and the masks of gradients, exported and run on onnxruntime-node on inputs whose signs
// differ from the example's: the model computes every mask from the input it gets (chainrule's numbers,
// 1e-12 in float64, 1e-5 in float32), and what it cannot compute is refused by name.

import { createRng, defineOp, grad, linear, type Tensor, tensor, traceGraph, where } from '@chainrule/engine';
import { exportOnnx, Linear, type OnnxDtype, ReLU, Sequential } from '@chainrule/nn';
import onnxProto from 'onnx-proto';
import { describe, expect, test } from 'vitest';
import { expectMatches, runOnnx } from './support/onnx-runtime.js';

const { onnx } = onnxProto;
const TOL: Record<OnnxDtype, number> = { float64: 1e-12, float32: 1e-5 };
const rng = createRng(17);

/** `t` rounded to float32: the input a float32 model sees, for chainrule to run on too. */
const rounded = (t: Tensor) => tensor(Float64Array.from(Float32Array.from(t.data)), { shape: t.shape });

/** Exports `f` at `example`, runs it on `inputs` in `dtype` and compares every output with chainrule's. */
async function expectSame(
  f: (...xs: Tensor[]) => Tensor,
  example: Tensor[],
  inputs: Tensor[],
  dtype: OnnxDtype = 'float64',
  dynamicBatch = true,
): Promise<void> {
  const bytes = exportOnnx(f, example, { dtype, dynamicBatch });
  const xs = dtype === 'float32' ? inputs.map(rounded) : inputs;
  const [got] = await runOnnx(bytes, xs, dtype);
  expectMatches(got!, f(...xs), TOL[dtype]);
}

/** Rows of 4 with every sign, zeros of both signs, ties between the two columns pairs, ±Infinity and NaN. */
const A = tensor([
  [-2, 0, 3, 1],
  [-0, 5, -1, -1],
  [Number.POSITIVE_INFINITY, -3, 0.5, 2],
  [Number.NaN, 1, -0.25, 4],
  [7, 7, -7, 0],
]);
const B = tensor([
  [1, 0, 3, -1],
  [0, 5, 2, -1],
  [Number.POSITIVE_INFINITY, -3, 0, 2],
  [1, Number.NaN, -0.25, -4],
  [7, -7, -7, 0],
]);
/** The example: x above y everywhere, so a frozen mask would be the same everywhere. */
const EXAMPLE = [
  tensor([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]),
  tensor([
    [0.5, 0.5, 0.5, 0.5],
    [0.5, 0.5, 0.5, 0.5],
  ]),
];

const COMPARISONS = {
  lt: (x: Tensor, y: Tensor) => x.lt(y),
  le: (x: Tensor, y: Tensor) => x.le(y),
  gt: (x: Tensor, y: Tensor) => x.gt(y),
  ge: (x: Tensor, y: Tensor) => x.ge(y),
  eq: (x: Tensor, y: Tensor) => x.eq(y),
  ne: (x: Tensor, y: Tensor) => x.ne(y),
};

describe('where with each comparison, run on other signs than the example', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    test.each(Object.keys(COMPARISONS))(`%s of two tensors (broadcast) in ${dtype}`, async (name) => {
      const c = COMPARISONS[name as keyof typeof COMPARISONS];
      const f = (x: Tensor, y: Tensor) => x.where(c(x, y), y.mul(0.5)).add(c(y, x).mul(x.sum(1, true)));
      await expectSame(f, EXAMPLE, [A, B], dtype);
    });
  }

  test("the condition is computed by the model's operators, with no initializer holding the example's mask", () => {
    const f = (x: Tensor) => x.where(x.gt(0), x.mul(0.1));
    const graph = onnx.ModelProto.decode(exportOnnx(f, EXAMPLE[0]!)).graph!;
    expect(graph.node!.map((n) => n.opType)).toEqual(['Greater', 'Cast', 'Mul', 'Where', 'Identity']);
    expect(graph.initializer!.every((t) => t.dims!.length === 0)).toBe(true);
  });

  test('a comparison used as a 0/1 factor, a where of numbers, and a chain of comparisons run the same', async () => {
    const f = (x: Tensor) =>
      x
        .mul(x.gt(0))
        .add(where(x.lt(-1), 10, -10))
        .add(x.ge(1).eq(x.le(3)).mul(100));
    await expectSame(f, [EXAMPLE[0]!], [A]);
  });
});

/** Weights of a small network; the networks below are x ↦ scalar, exported as their gradient in x. */
const W1 = tensor(
  Float64Array.from({ length: 12 }, () => rng.normal()),
  { shape: [3, 4] },
);
const B1 = tensor([0.1, -0.2, 0.3]);
const W2 = tensor([[1.5, -2, 0.5]]);

const NETWORKS: Record<string, (x: Tensor) => Tensor> = {
  relu: (x) => linear(linear(x, W1, B1).relu(), W2).sum(),
  'fused linear+relu': (x) => linear(linear(x, W1, B1, { activation: 'relu' }), W2).sum(),
  leakyRelu: (x) => linear(linear(x, W1, B1).leakyRelu(0.1), W2).sum(),
  abs: (x) => linear(linear(x, W1, B1).abs(), W2).sum(),
  clamp: (x) => linear(linear(x, W1, B1).clamp(-0.5, 0.5), W2).sum(),
  maximum: (x) => linear(linear(x, W1, B1).maximum(x.slice(null, [0, 3])), W2).sum(),
  max: (x) => linear(x, W1, B1).max(1).pow(2).sum().add(x.max().mul(3)),
};

describe('gradients recorded with createGraph, run on inputs with other signs', () => {
  const example = tensor([
    [1, 2, 3, 4],
    [0.5, 0.25, 2, 1],
  ]);
  const others = [
    example.neg(),
    tensor([
      [-1, 2, -3, 0.5],
      [3, -0.5, 0, -2],
    ]),
    tensor([
      [2, 2, -1, 2],
      [0, 0, 0, 0],
    ]),
  ];
  test('the inputs put hidden units on other sides of their kinks than the example does', () => {
    const pattern = (x: Tensor) => Array.from(linear(x, W1, B1).gt(0).data).join();
    for (const x of others) expect(pattern(x)).not.toBe(pattern(example));
  });

  for (const dtype of ['float64', 'float32'] as const) {
    test.each(Object.keys(NETWORKS))(`%s in ${dtype}`, async (name) => {
      const gradient = (x: Tensor) => grad(NETWORKS[name]!)(x) as Tensor;
      for (const x of others) await expectSame(gradient, [example], [x], dtype, false);
    });
  }

  test("a ReLU module network's input gradient runs on other signs", async () => {
    const model = new Sequential(new Linear(4, 5, { seed: 3 }), new ReLU(), new Linear(5, 1, { seed: 4 }));
    const gradient = (x: Tensor) => grad((t: Tensor) => model.forward(t).sum())(x) as Tensor;
    for (const x of others) await expectSame(gradient, [example], [x], 'float64', false);
  });
});

describe('what cannot be computed is refused by name', () => {
  const cube = defineOp<Tensor>({
    name: 'cube',
    forward: (a) => a ** 3,
    backward: (g, { inputs: [a] }) => [g.mul(a!.pow(2).mul(3))],
  });

  test('a condition computed by an op without an ONNX mapping', () => {
    expect(() => exportOnnx((x: Tensor) => x.where(cube(x).gt(1), 0), EXAMPLE[0]!)).toThrow(
      "exportOnnx: op 'cube' has no ONNX mapping",
    );
  });

  test('a custom op of a comparison is recorded (and refused), not frozen as a constant', () => {
    const x = tensor([1, -2], { requiresGrad: true });
    expect(cube(x.gt(0)).op).toBe(''); // outside a trace a constant, as PyTorch's bool tensors
    const c = traceGraph(() => cube(x.gt(0)));
    expect([c.op, c.requiresGrad]).toEqual(['cube', false]);
    expect(() => exportOnnx((t: Tensor) => t.mul(cube(t.gt(0))), EXAMPLE[0]!)).toThrow(
      "exportOnnx: op 'cube' has no ONNX mapping",
    );
  });
});
