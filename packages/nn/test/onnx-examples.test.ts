// The examples' networks, trained briefly from nn's public pieces, exported to ONNX and run on onnxruntime-node:
// the same outputs as chainrule's (1e-12 in float64, 1e-5 in float32), on batches of another size than the export's;
// and their trained parameters through safetensors and back, bit for bit.

import { createRng, type Tensor, tensor } from '@chainrule/engine';
import {
  Adam,
  binaryCrossEntropy,
  exportOnnx,
  fit,
  fromArchitecture,
  fromSafetensors,
  hingeLoss,
  MLP,
  type OnnxDtype,
  SGD,
  type StateDict,
  sseLoss,
  toSafetensors,
} from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { moonsArchitecture, moonsSplit } from './support/moons.js';
import { expectMatches, runOnnx } from './support/onnx-runtime.js';

const TOL: Record<OnnxDtype, number> = { float64: 1e-12, float32: 1e-5 };
const DTYPES: OnnxDtype[] = ['float64', 'float32'];

/** `t`'s values rounded to float32, the input a float32 model receives. */
const rounded = (t: Tensor) => tensor(Float32Array.from(t.data), { shape: t.shape });

/** Exports `f` at `example`, runs it on `x` in `dtype` and compares with chainrule's f(x). */
async function expectSame(
  f: (x: Tensor) => Tensor,
  example: Tensor,
  x: Tensor,
  dtype: OnnxDtype,
  dynamicBatch = true,
) {
  const input = dtype === 'float32' ? rounded(x) : x;
  const [got] = await runOnnx(exportOnnx(f, example, { dtype, dynamicBatch }), [input], dtype);
  expectMatches(got!, f(input), TOL[dtype]);
}

/** Each entry's raw bits by name (a file lists them sorted), so that equality means every bit. */
const bits = (state: StateDict) =>
  Object.entries(state)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, { shape, data }]) => [name, shape, [...new BigUint64Array(Float64Array.from(data).buffer)]]);

/** The trained parameters leave as a float64 safetensors file and come back bit for bit. */
function expectRoundTrip(state: StateDict | Record<string, Tensor>) {
  const plain: StateDict = Object.fromEntries(
    Object.entries(state).map(([name, p]) => [name, { shape: [...p.shape], data: [...p.data] }]),
  );
  expect(bits(fromSafetensors(toSafetensors(plain)).state)).toEqual(bits(plain));
}

describe("the examples' trained networks on onnxruntime", () => {
  test.each(DTYPES)(
    'moons classifier: the 2-4-6-6-4-1 network, exported at 4 rows, classifies the 100 test points alike (%s)',
    async (dtype) => {
      const { xTrain, xTest, yTrain, yTest } = moonsSplit(7);
      const model = fromArchitecture(moonsArchitecture, { seed: 7 });
      const optimizer = new Adam(model.parameters(), { lr: 0.01 });
      fit(model, { x: xTrain, y: yTrain, loss: binaryCrossEntropy, optimizer, epochs: 60 });
      expectRoundTrip(model.stateDict());
      await expectSame((x) => model.forward(x), xTest.slice([0, 4]), xTest, dtype);
      expect(yTest.shape).toEqual([100, 1]);
    },
  );

  test.each(DTYPES)(
    'two-layer network: the 3-4-1 sigmoid network of seeds 000/003 after 300 steps (%s)',
    async (dtype) => {
      const x = tensor([
        [0, 0, 1],
        [0, 1, 1],
        [1, 0, 1],
        [1, 1, 1],
      ]);
      const y = tensor([[0], [1], [1], [0]]);
      const rng = createRng(1);
      const w1 = tensor(
        Float64Array.from({ length: 12 }, () => rng.next()),
        { shape: [3, 4], requiresGrad: true },
      );
      const w2 = tensor(
        Float64Array.from({ length: 4 }, () => rng.next()),
        { shape: [4, 1], requiresGrad: true },
      );
      const forward = (input: Tensor) => input.matmul(w1).sigmoid().matmul(w2).sigmoid();
      const optimizer = new SGD([w1, w2], { lr: 1 });
      for (let step = 0; step < 300; step++) {
        optimizer.zeroGrad();
        sseLoss(forward(x), y).backward();
        optimizer.step();
      }
      expectRoundTrip({ w1, w2 });
      const more = tensor([...(x.toArray() as number[][]), [1, 0, 0], [0.5, -2, 3]]);
      await expectSame(forward, x, more, dtype);
    },
  );

  test.each(DTYPES)(
    'single neuron: σ(X·w) trained on the four 3-bit rows answers [1, 0, 0] alike (%s)',
    async (dtype) => {
      const x = tensor([
        [0, 0, 1],
        [1, 1, 1],
        [1, 0, 1],
        [0, 1, 1],
      ]);
      const y = tensor([[0], [1], [1], [0]]);
      const w = tensor([[0.1], [-0.4], [0.3]], { requiresGrad: true });
      const forward = (input: Tensor) => input.matmul(w).sigmoid();
      const optimizer = new SGD([w], { lr: 1 });
      for (let step = 0; step < 500; step++) {
        optimizer.zeroGrad();
        sseLoss(forward(x), y).mul(0.5).backward();
        optimizer.step();
      }
      expectRoundTrip({ w });
      await expectSame(
        forward,
        x,
        tensor([
          [1, 0, 0],
          [0, 0, 1],
          [1, 1, 0],
        ]),
        dtype,
      );
    },
  );

  test.each(DTYPES)(
    "high-school network: the 10-5-2 sigmoid network on a column vector, the seed's shapes fixed (%s)",
    async (dtype) => {
      const rng = createRng(2);
      const fc1 = tensor(
        Float64Array.from({ length: 50 }, () => rng.normal()),
        { shape: [5, 10], requiresGrad: true },
      );
      const fc2 = tensor(
        Float64Array.from({ length: 10 }, () => rng.normal()),
        { shape: [2, 5], requiresGrad: true },
      );
      const x = tensor(
        Float64Array.from({ length: 10 }, () => rng.normal()),
        { shape: [10, 1] },
      );
      const target = tensor([[0.3], [-0.2]]);
      const forward = (input: Tensor) => fc2.matmul(fc1.matmul(input).sigmoid()).sigmoid();
      const optimizer = new SGD([fc1, fc2], { lr: 0.1 });
      for (let step = 0; step < 100; step++) {
        optimizer.zeroGrad();
        forward(x).sub(target).pow(2).mean().backward();
        optimizer.step();
      }
      expectRoundTrip({ fc1, fc2 });
      await expectSame(forward, x, x.mul(-1.5), dtype, false);
    },
  );

  test.each(DTYPES)(
    "scalar MLP's shape as tensors: 2-16-16-1 relu with hinge loss on the moons (%s)",
    async (dtype) => {
      const { xTrain, xTest, yTrain } = moonsSplit(3);
      const model = new MLP([2, 16, 16, 1], { seed: 3 });
      const signs = yTrain.mul(2).sub(1);
      fit(model, {
        x: xTrain,
        y: signs,
        loss: hingeLoss,
        optimizer: new SGD(model.parameters(), { lr: 0.05 }),
        epochs: 20,
      });
      expectRoundTrip(model.stateDict());
      await expectSame((x) => model.forward(x), xTest.slice([0, 3]), xTest, dtype);
    },
  );
});
