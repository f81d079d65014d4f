// exportOnnx's model file (opset, names, weights, types, the batch axis) and its refusals, read back with
// onnx-proto; the graphs only a gradient or a fixed batch produce run on onnxruntime-node too.

import { defineOp, grad, linear, noGrad, Tensor, tensor } from '@chainrule/engine';
import {
  exportOnnx,
  fromArchitecture,
  Identity,
  Linear,
  MLP,
  Module,
  type OnnxExportOptions,
  ReLU,
  Sequential,
} from '@chainrule/nn';
import onnxProto from 'onnx-proto';
import { describe, expect, test } from 'vitest';
import { moonsArchitecture } from './support/moons.js';
import { expectMatches, runOnnx } from './support/onnx-runtime.js';

const { onnx } = onnxProto;

/** The parts of a decoded model these tests read, every field present (`defaults`), int64 as numbers. */
interface ValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: { dimValue: number; dimParam: string }[] } } };
}
interface Model {
  irVersion: number;
  producerName: string;
  opsetImport: { domain: string; version: number }[];
  graph: {
    name: string;
    node: { opType: string; input: string[]; attribute: { name: string; i: number }[] }[];
    initializer: { name: string; dataType: number; dims: number[]; rawData: Uint8Array }[];
    input: ValueInfo[];
    output: ValueInfo[];
  };
}
const decode = (bytes: Uint8Array): Model =>
  onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, defaults: true }) as Model;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

describe('the model file', () => {
  const model = fromArchitecture(moonsArchitecture, { seed: 3 });
  const bytes = exportOnnx(model, Tensor.randn([4, 2]));
  const proto = decode(bytes);
  const { graph } = proto;

  test('states opset 17 of the default domain, IR version 8 and its producer', () => {
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(Number(proto.irVersion)).toBe(8);
    expect(proto.producerName).toBe('chainrule');
  });

  test('names the weights as the state dict does and stores them as DOUBLE, bit for bit', () => {
    const state = model.stateDict();
    const stored = new Map(graph.initializer.map((t) => [t.name, t]));
    for (const [name, entry] of Object.entries(state)) {
      const t = stored.get(name)!;
      expect(t.dataType).toBe(DOUBLE);
      expect(t.dims.map(Number)).toEqual(entry.shape);
      const raw = t.rawData;
      const values = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      expect(Array.from(values)).toEqual(entry.data);
    }
  });

  test('has a named input and output whose first axis is the symbolic batch', () => {
    const dims = (v: ValueInfo) => v.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue);
    expect(graph.input.map((v) => v.name)).toEqual(['input']);
    expect(graph.output.map((v) => v.name)).toEqual(['output']);
    expect(dims(graph.input[0]!)).toEqual(['batch', 2]);
    expect(dims(graph.output[0]!)).toEqual(['batch', 1]);
    expect(graph.input[0]!.type.tensorType.elemType).toBe(DOUBLE);
  });

  test('writes each fused linear + relu as Gemm with transB and Relu, and the sigmoid as Sigmoid', () => {
    expect(graph.node.map((n) => n.opType)).toEqual([
      ...['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm'],
      ...['Sigmoid', 'Identity'],
    ]);
    const gemm = graph.node[0]!;
    expect(gemm.input).toEqual(['input', '0.weight', '0.bias']);
    expect(gemm.attribute.map((a) => [a.name, Number(a.i)])).toEqual([['transB', 1]]);
  });

  test('a sigmoid over inputs of mixed signs, infinities among them, is one Sigmoid node too', () => {
    for (const example of [
      tensor([
        [-1, 2],
        [0.5, -3],
      ]),
      tensor([
        [-1, Infinity],
        [Number.NEGATIVE_INFINITY, 3],
      ]),
    ]) {
      const g = decode(exportOnnx((x: Tensor) => x.sigmoid(), example)).graph;
      expect(g.node.map((n) => n.opType)).toEqual(['Sigmoid', 'Identity']);
    }
  });

  test("float32 stores FLOAT weights, inputs and outputs; names and a fixed batch are the caller's", () => {
    const small = exportOnnx(model, Tensor.randn([4, 2]), {
      dtype: 'float32',
      dynamicBatch: false,
      inputNames: ['points'],
      outputNames: ['probability'],
      graphName: 'moons',
    });
    const g = decode(small).graph;
    expect(g.name).toBe('moons');
    expect(g.initializer.every((t) => t.dataType === FLOAT)).toBe(true);
    expect(g.input[0]!.name).toBe('points');
    expect(g.input[0]!.type.tensorType.elemType).toBe(FLOAT);
    expect(g.input[0]!.type.tensorType.shape.dim.map((d) => Number(d.dimValue))).toEqual([4, 2]);
    expect(g.output[0]!.name).toBe('probability');
    expect(small.length).toBeLessThan(bytes.length);
  });

  test('exporting leaves the model in its mode and its parameters unchanged, with no gradients', () => {
    const m = new MLP([2, 3, 1], { seed: 1 });
    const before = JSON.stringify(m.stateDict());
    exportOnnx(m, Tensor.randn([3, 2]));
    expect(m.training).toBe(true);
    expect(JSON.stringify(m.stateDict())).toBe(before);
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe('refusals', () => {
  const x = Tensor.randn([4, 3]);

  test('an op without an ONNX mapping (one made with defineOp) is refused by name', () => {
    const cube = defineOp<Tensor>({
      name: 'cube',
      forward: (a) => a ** 3,
      backward: (g, { inputs: [a] }) => [g.mul(a!.pow(2).mul(3))],
    });
    expect(() => exportOnnx((t: Tensor) => cube(t.exp()), x)).toThrow(
      "exportOnnx: op 'cube' has no ONNX mapping",
    );
  });

  test('a constant sized by the example batch is refused, and exported when the batch is fixed', async () => {
    const mask = tensor([[1], [0], [1], [1]]);
    const f = (t: Tensor) => t.mul(mask);
    expect(() => exportOnnx(f, x)).toThrow(
      "exportOnnx: 'mul' meets the batch axis with a value of fixed size along it (shapes [4,3], [4,1], batch 4): the model would only take batches of 4; pass dynamicBatch: false to export that",
    );
    const [out] = await runOnnx(exportOnnx(f, x, { dynamicBatch: false }), [x]);
    expectMatches(out!, f(x), 1e-12);
  });

  test('picking rows of the batch, or splitting it across axes, is refused', () => {
    expect(() => exportOnnx((t: Tensor) => t.slice([0, 2]), x)).toThrow(
      /^exportOnnx: 'slice' picks rows of the batch axis/,
    );
    expect(() => exportOnnx((t: Tensor) => t.reshape([3, 4]), x)).toThrow(
      /^exportOnnx: 'reshape' splits the batch axis across others \(shapes \[4,3\], \[3,4\], batch 4\)/,
    );
    expect(() => exportOnnx((t: Tensor) => t.T.matmul(Tensor.ones([4, 2])), x)).toThrow(
      /^exportOnnx: 'matmul' contracts the batch axis with a fixed-size operand/,
    );
  });

  test('a batch of one row, an output computed without recording and bad arguments are refused', () => {
    const model = new MLP([3, 2], { seed: 1 });
    expect(() => exportOnnx(model, Tensor.randn([1, 3]))).toThrow(
      /^exportOnnx: with a dynamic batch every example input needs the same first axis of at least 2 rows, got \[1,3\]/,
    );
    expect(() => noGrad(() => exportOnnx(model, x))).toThrow(
      /^exportOnnx: an output does not depend on the inputs/,
    );
    expect(() => exportOnnx(model, [x, x] as unknown as Tensor)).toThrow(
      'exportOnnx: a Module takes one example input, got 2',
    );
    expect(() => exportOnnx(model, [1, 2] as unknown as Tensor)).toThrow(
      /^exportOnnx: expected an example Tensor/,
    );
    expect(() => exportOnnx(model, x, { dtype: 'int8' as 'float32' })).toThrow(
      "exportOnnx: dtype must be 'float64' or 'float32', got the string \"int8\"",
    );
    expect(() => exportOnnx(model, x, { inputNames: ['a', 'b'] })).toThrow(
      /^exportOnnx: inputNames must be 1 non-empty strings/,
    );
    expect(() => exportOnnx({} as unknown as MLP, x)).toThrow(
      /^exportOnnx: expected a Module or a function of tensors/,
    );
  });
});

describe('names, options and float32 range', () => {
  const x = Tensor.randn([4, 2]);

  test('the weights keep their state-dict names whatever the inputs and outputs are called', async () => {
    const model = new Sequential(new Linear(2, 3, { seed: 1 }), new ReLU(), new Linear(3, 1, { seed: 2 }));
    // an input may not take a parameter's name: the weight would have been renamed '0.weight_1'
    expect(() => exportOnnx(model, x, { inputNames: ['0.weight'] })).toThrow(
      "exportOnnx: inputNames: '0.weight' is the name of a parameter",
    );
    expect(() => exportOnnx(model, x, { outputNames: ['2.bias'] })).toThrow(
      "exportOnnx: outputNames: '2.bias' is the name of a parameter",
    );
    // nor does a node: the first matmul's output was named 'matmul', and the parameter 'matmul_1'
    // and a parameter named 'const' leaves the constants their own names
    class TwoProducts extends Module {
      readonly a = Tensor.randn([2, 3], { requiresGrad: true });
      readonly matmul = Tensor.randn([3, 1], { requiresGrad: true });
      readonly const = Tensor.randn([1], { requiresGrad: true });
      forward(t: Tensor): Tensor {
        return t
          .matmul(this.a)
          .matmul(this.matmul)
          .mul(tensor([2]))
          .add(this.const);
      }
    }
    const two = new TwoProducts();
    const { graph } = decode(exportOnnx(two, x));
    const names = graph.initializer.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['a', 'matmul', 'const']));
    expect(new Set(names).size).toBe(names.length);
    expect(graph.node.filter((n) => n.opType === 'MatMul').map((n) => n.input[1])).toEqual(['a', 'matmul']);
    const [out] = await runOnnx(exportOnnx(two, x), [x]);
    expectMatches(out!, two.forward(x), 1e-12);
  });

  test('float32 refuses a weight or constant too large for float32 instead of storing infinity', () => {
    const layer = new Linear(2, 1, { seed: 1 });
    layer.weight.data[1] = 1e300;
    expect(() => exportOnnx(layer, x, { dtype: 'float32' })).toThrow(
      "exportOnnx: 'weight'[1] = 1e+300 is too large for float32",
    );
    expect(() => exportOnnx((t: Tensor) => t.mul(tensor([1, -1e39])), x, { dtype: 'float32' })).toThrow(
      '[1] = -1e+39 is too large for float32',
    );
    // float64 stores it; a non-finite weight is stored as it is in either type, as safetensors does
    expect(exportOnnx(layer, x)).toBeInstanceOf(Uint8Array);
    layer.weight.data[1] = Number.NaN;
    expect(exportOnnx(layer, x, { dtype: 'float32' })).toBeInstanceOf(Uint8Array);
  });

  test('a misspelt option, or options that are not an object, are refused', () => {
    const layer = new Linear(2, 1, { seed: 1 });
    expect(() => exportOnnx(layer, x, { dynamicbatch: false } as OnnxExportOptions)).toThrow(
      "exportOnnx: unknown option 'dynamicbatch'; the options are dtype, dynamicBatch, inputNames, outputNames, graphName",
    );
    expect(() => exportOnnx(layer, x, 'float32' as OnnxExportOptions)).toThrow(
      'exportOnnx: options must be an object',
    );
    expect(() => exportOnnx(layer, x, { graphName: 5 } as unknown as OnnxExportOptions)).toThrow(
      'exportOnnx: graphName must be a string, got the number 5',
    );
  });
});

describe('graphs beyond a forward pass, with the batch fixed', () => {
  test('a gradient recorded with createGraph (slices, gathers, broadcasts and their transposes) runs the same', async () => {
    const w = Tensor.randn([3, 4]);
    const index = tensor([
      [2, 0, 1],
      [1, 1, 0],
    ]);
    const f = (x: Tensor) => {
      const h = linear(x, w).sigmoid();
      const picked = h.gather(1, index).pow(2).sum();
      const sliced = h.slice(null, [1, null, 2]).pow(2).sum();
      const spread = h.max(0, true).broadcastTo([2, 3]).sum();
      const fused = linear(x, w, null, { activation: 'relu' }).pow(2).sum();
      return picked.add(sliced).add(spread).add(h.logSoftmax(1).sum()).add(fused);
    };
    const gradient = (x: Tensor) => grad(f)(x) as Tensor;
    const x = Tensor.randn([2, 4]);
    const [out] = await runOnnx(exportOnnx(gradient, x, { dynamicBatch: false }), [x]);
    expectMatches(out!, gradient(x), 1e-12);
  });

  test('a model that returns its input, or one output twice, still names every output', async () => {
    const x = Tensor.randn([3, 2]);
    const [same] = await runOnnx(exportOnnx(new Identity(), x), [x]);
    expectMatches(same!, x, 0);
    const twice = (t: Tensor) => {
      const y = t.tanh();
      return [y, y];
    };
    const outs = await runOnnx(exportOnnx(twice, x, { outputNames: ['a', 'b'] }), [x]);
    for (const out of outs) expectMatches(out, x.tanh(), 1e-12);
  });

  test('a Sequential of Linear and ReLU exports one Gemm + Relu per fused pair', () => {
    const model = new Sequential(new Linear(3, 4, { seed: 1 }), new ReLU(), new Linear(4, 2, { seed: 2 }));
    const ops = decode(exportOnnx(model, Tensor.randn([2, 3]))).graph.node.map((n) => n.opType);
    expect(ops).toEqual(['Gemm', 'Relu', 'Gemm', 'Identity']);
  });
});
