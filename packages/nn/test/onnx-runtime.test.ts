// exportOnnx checked on the real runtime: every exported model runs on onnxruntime-node and gives chainrule's
// numbers (1e-12 in float64, 1e-5 in float32), at the example's batch size and at another one.

import { createRng, linear, type Rng, Tensor, tensor } from '@chainrule/engine';
import {
  type Activation,
  Dropout,
  exportOnnx,
  Linear,
  MLP,
  Module,
  type OnnxDtype,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '@chainrule/nn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expectMatches, runOnnx } from './support/onnx-runtime.js';

const TOL: Record<OnnxDtype, number> = { float64: 1e-12, float32: 1e-5 };

/** Exports `model` at the example's batch, then runs it on onnxruntime for `inputs` and compares. */
async function expectSameOnRuntime(
  model: Module | ((...xs: Tensor[]) => Tensor | Tensor[]),
  example: Tensor[],
  inputs: Tensor[],
  dtype: OnnxDtype = 'float64',
  dynamicBatch = true,
): Promise<void> {
  const bytes = exportOnnx(model as (...xs: Tensor[]) => Tensor, example, { dtype, dynamicBatch });
  const got = await runOnnx(bytes, inputs, dtype);
  const result = model instanceof Module ? model.forward(inputs[0]!) : model(...inputs);
  const want = result instanceof Tensor ? [result] : result;
  expect(got.length).toBe(want.length);
  for (const [i, w] of want.entries()) expectMatches(got[i]!, w, TOL[dtype]);
}

/** `t` rounded to float32: the input a float32 model sees, for chainrule to run on too. */
const rounded = (t: Tensor) => new Tensor(Float64Array.from(Float32Array.from(t.data)), t.shape);

describe('random MLPs of every activation', () => {
  const activations: Activation[] = ['relu', 'sigmoid', 'tanh', 'linear'];
  for (const dtype of ['float64', 'float32'] as const) {
    test.each(activations)(
      `%s hidden and output layers match in ${dtype}, exported at batch 4 and run at 7`,
      async (act) => {
        const rng = createRng(11);
        const model = new MLP([3, 8, 5, 2], { activation: act, outputActivation: act, seed: 5 });
        const x = Tensor.randn([7, 3], { rng }).mul(3);
        const input = dtype === 'float32' ? rounded(x) : x;
        await expectSameOnRuntime(model, [Tensor.randn([4, 3], { rng })], [input], dtype);
      },
    );
  }

  test('a Sequential of every activation module, with Dropout, exports its eval-mode forward', async () => {
    const model = new Sequential(
      new Linear(4, 6, { seed: 1 }),
      new Tanh(),
      new Dropout(0.5, { seed: 2 }),
      new Linear(6, 6, { seed: 3 }),
      new ReLU(),
      new Linear(6, 3, { seed: 4 }),
      new Sigmoid(),
    );
    const rng = createRng(3);
    await expectSameOnRuntime(model.eval(), [Tensor.randn([4, 4], { rng })], [Tensor.randn([9, 4], { rng })]);
    expect(model.train().training).toBe(true);
  });
});

describe('names', () => {
  test("an output may take a name the graph's nodes would otherwise take ('relu', 'gemm')", async () => {
    const model = new MLP([3, 4, 2], { activation: 'relu', outputActivation: 'relu', seed: 2 });
    const x = Tensor.randn([5, 3], { rng: createRng(4) });
    for (const name of ['relu', 'gemm', 'identity']) {
      const bytes = exportOnnx(model, x, { outputNames: [name] });
      const [got] = await runOnnx(bytes, [x]);
      expectMatches(got!, model.forward(x), TOL.float64);
    }
  });
});

describe('sigmoid, softmax and their kin', () => {
  const mixed = tensor([
    [-1000, -3, 0, 2.5, 1000],
    [40, -40, 1e-9, -0.5, 7],
  ]);
  test.each([
    [
      'all non-negative',
      tensor([
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
      ]),
    ],
    [
      'all negative',
      tensor([
        [-1, -2, -3, -4, -5],
        [-6, -7, -8, -9, -10],
      ]),
    ],
    [
      'mixed signs',
      tensor([
        [-1, 2, -3, 4, 0],
        [6, -7, 8, -9, 1],
      ]),
    ],
    [
      'an infinity',
      tensor([
        [Number.NEGATIVE_INFINITY, 2, -3, 4, 0],
        [6, -7, 8, -9, 1],
      ]),
    ],
  ])(
    'sigmoid traced on an example with %s runs as the logistic function on any input',
    async (_, example) => {
      await expectSameOnRuntime((x) => x.sigmoid(), [example], [mixed]);
    },
  );

  test('softmax, logSoftmax and logSumExp over either axis, with large inputs, match', async () => {
    const rng = createRng(4);
    const f = (x: Tensor) => [
      x.softmax(1),
      x.logSoftmax(-1),
      x.logSumExp(1, true),
      x.logSumExp(1),
      x.softmax(0),
    ];
    await expectSameOnRuntime(f, [Tensor.randn([3, 5], { rng })], [mixed]);
    await expectSameOnRuntime(f, [Tensor.randn([3, 5], { rng })], [Tensor.randn([6, 5], { rng }).mul(30)]);
  });
});

/** One step of a random program: what it does to the newest value, given the others and some numbers. */
type Step = (v: Tensor, values: readonly Tensor[], pick: number, numbers: readonly number[]) => Tensor;

/** Numbers in [-1, 1] as a tensor of `shape`, cycling through `numbers`. */
function constant(numbers: readonly number[], shape: number[]): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return new Tensor(
    Float64Array.from({ length: size }, (_, i) => numbers[i % numbers.length]!),
    shape,
  );
}

const width = (v: Tensor) => v.shape[1]!;
const sameWidth = (v: Tensor, values: readonly Tensor[], pick: number) =>
  values.filter((u) => width(u) === width(v))[pick % values.filter((u) => width(u) === width(v)).length]!;

const STEPS: Record<string, Step> = {
  neg: (v) => v.neg(),
  expTanh: (v) => v.tanh().exp(),
  relu: (v) => v.relu(),
  abs: (v) => v.abs(),
  sigmoid: (v) => v.sigmoid(),
  log: (v) => v.abs().add(1).log(),
  reciprocal: (v) => v.abs().add(1).reciprocal(),
  sqrt: (v) => v.abs().add(1).pow(0.5),
  square: (v) => v.tanh().pow(2),
  powTensor: (v, _, __, n) =>
    v
      .abs()
      .add(0.5)
      .pow(constant(n, [width(v)]).add(2)),
  addOther: (v, values, pick) => v.add(sameWidth(v, values, pick)),
  subRow: (v, _, __, n) => v.sub(constant(n, [width(v)])),
  mulOther: (v, values, pick) => v.mul(sameWidth(v, values, pick)),
  divOther: (v, values, pick) => v.div(sameWidth(v, values, pick).abs().add(1)),
  maxOther: (v, values, pick) => v.maximum(sameWidth(v, values, pick)),
  minNumber: (v, _, __, n) => v.minimum(n[0]!),
  matmul: (v, _, pick, n) => v.matmul(constant(n, [width(v), 1 + (pick % 4)])),
  linear: (v, _, pick, n) =>
    linear(v, constant(n, [1 + (pick % 4), width(v)]), constant(n.slice(1), [1 + (pick % 4)])),
  linearRelu: (v, _, pick, n) =>
    linear(v, constant(n, [2 + (pick % 3), width(v)]), null, { activation: 'relu' }),
  centre: (v) => v.sub(v.mean(1, true)),
  sum: (v) => v.sum(1, true),
  maxAxis: (v) => v.max(1, true),
  softmax: (v) => v.softmax(1),
  logSoftmax: (v) => v.logSoftmax(1),
  logSumExp: (v) => v.logSumExp(1, true),
  foldRows: (v, _, __, n) =>
    width(v) % 2 === 0
      ? v
          .reshape([-1, 2])
          .mul(constant(n, [2]))
          .reshape([-1, width(v)])
      : v,
  unsqueeze: (v) => v.unsqueeze(1).mul(2).squeeze(1),
  transpose: (v, _, __, n) => v.T.mul(constant(n, [width(v), 1])).T,
  concat: (v, values, pick) => Tensor.concat([v, values[pick % values.length]!], 1),
  slice: (v, _, pick) => (width(v) > 1 ? v.slice(null, [pick % width(v), null]) : v),
  sliceStep: (v) => v.slice(null, [0, null, 2]),
  column: (v, _, pick) => v.slice(null, pick % width(v)).unsqueeze(1),
  broadcast: (v, _, pick) => v.sum(1, true).broadcastTo([v.shape[0]!, 1 + (pick % 3)]),
  sumTo: (v) => v.add(v.sumTo([width(v)]).mul(0.1)),
  sinCos: (v) => v.sin().add(v.cos()),
  tanAtan: (v) => v.tanh().tan().add(v.atan()),
  // kept away from ±1, where asin and acos magnify any earlier rounding without bound
  asinAcos: (v) => v.tanh().mul(0.99).asin().sub(v.tanh().mul(0.99).acos()),
  sinhCosh: (v) => v.tanh().mul(3).sinh().add(v.tanh().cosh()),
  expm1Log1p: (v) => v.tanh().expm1().add(v.abs().log1p()),
  // kept away from 0, where √|v| magnifies any earlier rounding without bound (after logcumsumexp of a
  // logSoftmax, whose last column is 0 up to an ulp that ReduceLogSumExp and the scan round apart)
  roots: (v) =>
    v.abs().add(1).rsqrt().add(v.abs().add(1).log2()).add(v.abs().add(0.5).sqrt()).add(v.square()),
  erfGelu: (v) =>
    v
      .gelu()
      .add(v.erf())
      .add(v.gelu({ approximate: 'tanh' })),
  activations: (v) => v.leakyRelu(0.1).add(v.elu()).add(v.softplus()).add(v.silu()),
  // sign(v)·v², continuous at 0, so a constant rounded to float32 (5e-324 to 0) changes it by little
  clampSign: (v) => v.clamp(-0.5, 0.5).add(v.sign().mul(v.square())),
  // x > 0: continuous there, so rounding a constant to float32 cannot cross the cut at x < 0, y = 0
  atan2Other: (v, values, pick) => v.atan2(sameWidth(v, values, pick).abs().add(0.5)),
  prod: (v) => v.tanh().prod(1, true),
  cumsum: (v) => v.cumsum(1),
  logcumsumexp: (v) => v.logcumsumexp(-1),
  centreBatch: (v) => v.sub(v.mean(0, true)),
  varBatch: (v) => v.add(v.var(0, true)).sub(v.std(0, { correction: 0, keepDims: true })),
  varRow: (v) => (width(v) > 1 ? v.var(1, true).add(v.std(-1, true)) : v),
  norms: (v) =>
    v
      .div(v.norm(2, 1, true).add(1))
      .add(v.norm(1, 1, true).mul(0.1))
      .add(v.norm(Infinity, 0)),
};

describe('random traced Tensor programs', () => {
  const step = fc.record({
    name: fc.constantFrom(...Object.keys(STEPS)),
    pick: fc.nat(20),
    numbers: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }),
  });
  test.each([
    ['float64', 100],
    ['float32', 50],
  ] as const)(
    'each program, exported at batch 3 with two inputs and two outputs, matches at batch 5 in %s',
    async (dtype, numRuns) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 1, maxLength: 6 }),
          fc.nat(1000),
          async (steps, seed) => {
            const program = (x: Tensor, y: Tensor): Tensor[] => {
              const values = [x, y];
              for (const s of steps) values.push(STEPS[s.name]!(values.at(-1)!, values, s.pick, s.numbers));
              return [values.at(-1)!, values[2 + (seed % steps.length)]!];
            };
            const rng: Rng = createRng(seed);
            const example = [Tensor.randn([3, 3], { rng }), Tensor.randn([3, 3], { rng })];
            const inputs = [Tensor.randn([5, 3], { rng }), Tensor.randn([5, 3], { rng })];
            await expectSameOnRuntime(
              program,
              example,
              dtype === 'float32' ? inputs.map(rounded) : inputs,
              dtype,
            );
          },
        ),
        { numRuns },
      );
    },
    60_000,
  );
});
