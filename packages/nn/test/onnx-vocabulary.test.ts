// Every elementwise op, reduction and activation module of the engine, exported and run on onnxruntime-node:
// the same outputs as chainrule (1e-12 in float64, 1e-5 in float32) on edge inputs (negative, zero,
// interval bounds, infinities), at a batch size other than the example's.

import { atan2, type ElementwiseOpName, pow, type Tensor, tensor } from '@chainrule/engine';
import {
  type Activation,
  ELU,
  exportOnnx,
  GELU,
  LeakyReLU,
  Linear,
  MLP,
  type Module,
  type OnnxDtype,
  Sequential,
  SiLU,
  Softplus,
} from '@chainrule/nn';
import onnxProto from 'onnx-proto';
import { describe, expect, test } from 'vitest';
import { expectMatches, runOnnx } from './support/onnx-runtime.js';

const TOL: Record<OnnxDtype, number> = { float64: 1e-12, float32: 1e-5 };
const DTYPES = ['float64', 'float32'] as const;

/** `values` as a tensor of 4 columns (NaN-padded rows are never needed: the lists are multiples of 4). */
const rows = (values: readonly number[]) =>
  tensor(Float64Array.from(values), { shape: [values.length / 4, 4] });

/** `t` rounded to float32: the input a float32 model sees, for chainrule to run on too. */
const rounded = (t: Tensor) => tensor(Float64Array.from(Float32Array.from(t.data)), { shape: t.shape });

/**
 * Exports `f` at `example` (dynamic batch unless told), runs it on onnxruntime for `inputs` in `dtype`
 * and compares with chainrule's outputs on the same (rounded, in float32) inputs.
 */
async function expectSame(
  f: ((...xs: Tensor[]) => Tensor) | Module,
  example: Tensor[],
  inputs: Tensor[],
  dtype: OnnxDtype,
  dynamicBatch = true,
): Promise<void> {
  const bytes = exportOnnx(f as (...xs: Tensor[]) => Tensor, example, { dtype, dynamicBatch });
  const xs = dtype === 'float32' ? inputs.map(rounded) : inputs;
  const [got] = await runOnnx(bytes, xs, dtype);
  const want = typeof f === 'function' ? f(...xs) : f.forward(xs[0]!);
  expectMatches(got!, want, TOL[dtype]);
}

const REALS = [-30, -3.5, -1, -0.5, -1e-8, 0, 1e-8, 0.3, 1, 2.5, 7, 30];
const POSITIVE = [0, 1e-8, 0.25, 0.5, 1, 2, 8, 10, 1000, 1e10, 3.5, 123.456];
const UNIT = [-1, -0.999999, -0.9, -0.5, -1e-9, 0, 1e-9, 0.3, 0.5, 0.7, 0.999999, 1];
const FAR = [1e300, 1e-300, -700, 700, 710, -710, 1e20, -1e20, Infinity, -Infinity, 5e-324, -0];

/** One unary op: its call, its inputs in float64 (edge values) and in float32 (where those differ). */
interface Unary {
  f: (x: Tensor) => Tensor;
  f64: readonly number[];
  f32?: readonly number[];
}

/**
 * A comparison with 0.5 (exact in float32) as where's condition and as a 0/1 factor: recorded as a node
 * without gradient, so the model compares the input it gets, not the example's (the first 8 values).
 */
const compared = (c: (x: Tensor) => Tensor): Unary => ({
  f: (x) => x.where(c(x), x.neg()).add(c(x).mul(10)),
  f64: [...REALS, ...FAR, 0.5, Number.NaN, -0.5, 0.5],
  f32: [...REALS, 0.5, Number.NaN, -0.5, 0.5],
});

/** Every elementwise op, typed by the engine's op names: a new op without a case here fails to compile. */
const CASES: Record<
  Exclude<ElementwiseOpName, 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2'>,
  Unary
> = {
  neg: { f: (x) => x.neg(), f64: REALS },
  reciprocal: { f: (x) => x.reciprocal(), f64: [...REALS, ...FAR] },
  abs: { f: (x) => x.abs(), f64: REALS },
  sign: { f: (x) => x.sign(), f64: [...REALS, ...FAR] },
  square: { f: (x) => x.square(), f64: [...REALS, ...FAR], f32: REALS },
  sqrt: { f: (x) => x.sqrt(), f64: [...POSITIVE, 1e300, 1e-300, Infinity, 5e-324] },
  rsqrt: { f: (x) => x.rsqrt(), f64: [...POSITIVE, 1e300, 1e-300, Infinity, 5e-324] },
  clamp: { f: (x) => x.clamp(-1, 2.5).add(x.clamp(0)).add(x.clamp(null, 0.3)), f64: REALS },
  exp: { f: (x) => x.exp(), f64: [...REALS, ...FAR], f32: REALS },
  expm1: { f: (x) => x.expm1(), f64: [...REALS, ...FAR, 1e-17, -1e-17, 1e-5, -40], f32: REALS },
  log: { f: (x) => x.log(), f64: [...POSITIVE, 1e300, 1e-300, Infinity, 5e-324], f32: POSITIVE },
  log1p: {
    f: (x) => x.log1p(),
    f64: [...POSITIVE, -1, -0.999, -0.5, -1e-10, 1e-10, 1e-17, 1e300, Infinity],
    f32: [...POSITIVE, -1, -0.999, -0.5, -1e-10],
  },
  log2: { f: (x) => x.log2(), f64: [...POSITIVE, 1e300, 1e-300, Infinity, 5e-324], f32: POSITIVE },
  log10: { f: (x) => x.log10(), f64: [...POSITIVE, 1e300, 1e-300, Infinity, 5e-324], f32: POSITIVE },
  sin: { f: (x) => x.sin(), f64: [...REALS, 1e6, -1e6, 100.5, Math.PI] },
  cos: { f: (x) => x.cos(), f64: [...REALS, 1e6, -1e6, 100.5, Math.PI] },
  tan: {
    f: (x) => x.tan(),
    f64: [
      ...REALS,
      1.5707963,
      -1.5707963,
      1e6,
      Math.PI / 4,
      7.853981633974483,
      -4.71238898038469,
      2e6,
      1e300,
    ],
    f32: [...REALS, 1.5, -1.5, 100, Math.PI / 4],
  },
  asin: { f: (x) => x.asin(), f64: UNIT },
  acos: { f: (x) => x.acos(), f64: UNIT },
  atan: {
    f: (x) => x.atan(),
    f64: [...REALS, ...FAR, 0.4375, 0.6875, 1.1875, 2.4375, -0.4375, -0.6875, -1.1875, -2.4375],
    f32: [...REALS, 0.4375, 0.6875, 1.1875, 2.4375, -0.4375, -0.6875, -1.1875, -2.4375],
  },
  sinh: { f: (x) => x.sinh(), f64: [...REALS, ...FAR, 21.9, 22, -22.1, 1e-5], f32: REALS },
  cosh: { f: (x) => x.cosh(), f64: [...REALS, ...FAR, 21.9, 22, -22.1, 1e-5], f32: REALS },
  tanh: { f: (x) => x.tanh(), f64: [...REALS, ...FAR], f32: REALS },
  relu: { f: (x) => x.relu(), f64: REALS },
  leakyRelu: { f: (x) => x.leakyRelu().add(x.leakyRelu(0.2)), f64: REALS },
  elu: { f: (x) => x.elu().add(x.elu(0.7)), f64: [...REALS, -1e-17, 1e-300, -800, 800], f32: REALS },
  softplus: {
    f: (x) => x.softplus().add(x.softplus(2, 5)),
    f64: [...REALS, ...FAR, 20, 2.5, -2.5, 19.99],
    f32: [...REALS, 20, 2.5, -2.5, 19.99],
  },
  silu: { f: (x) => x.silu(), f64: [...REALS, ...FAR], f32: REALS },
  gelu: {
    f: (x) => x.gelu().add(x.gelu({ approximate: 'tanh' }).mul(3)),
    f64: [...REALS, ...FAR, 0.84375, -1.25, 2.857142857142857, 6],
    f32: REALS,
  },
  lt: compared((x) => x.lt(0.5)),
  le: compared((x) => x.le(0.5)),
  gt: compared((x) => x.gt(0.5)),
  ge: compared((x) => x.ge(0.5)),
  eq: compared((x) => x.eq(0.5)),
  ne: compared((x) => x.ne(0.5)),
  erf: {
    f: (x) => x.erf(),
    f64: [
      ...REALS,
      ...FAR,
      0.84375,
      0.8437499,
      1.25,
      1.2499999,
      2.857142857142857,
      2.8571428,
      6,
      5.99999,
      -0.84375,
      -1.25,
      -2.86,
      -6,
      3e-9,
      -3e-9,
      0.1,
      NaN,
      0.9,
      -1.1,
      4.5,
      -5.5,
    ],
    f32: [...REALS, 0.84375, 1.25, 2.86, 6, -0.84375, -1.25, -2.86, -6],
  },
};

describe('every elementwise op runs on onnxruntime as in chainrule', () => {
  for (const dtype of DTYPES) {
    test.each(Object.keys(CASES))(
      `%s in ${dtype}, exported at batch 2, run on every edge value`,
      async (name) => {
        const c = CASES[name as keyof typeof CASES];
        const values = (dtype === 'float32' && c.f32) || c.f64;
        const example = rows(values.slice(0, 8));
        await expectSame(c.f, [example], [rows(values)], dtype);
      },
    );
  }
});

describe('binary ops, with a number on either side', () => {
  const edges = [-Infinity, -2, -0.5, -0, 0, 1, 3, Infinity];
  const ys = edges.flatMap((y) => edges.map(() => y));
  const xs = edges.flatMap(() => edges);
  for (const dtype of DTYPES) {
    test(`atan2 in every quadrant, at ±0 and ±Infinity, in ${dtype}`, async () => {
      const f = (y: Tensor, x: Tensor) => y.atan2(x).add(atan2(1, x).mul(0.5));
      await expectSame(f, [rows(ys.slice(0, 8)), rows(xs.slice(0, 8))], [rows(ys), rows(xs)], dtype);
      const interior = [0.3, -2, 5, -7, 1e-9, 1e9, -0.25, 0.75];
      const yi = interior.flatMap((y) => interior.map(() => y));
      const xi = interior.flatMap(() => interior);
      await expectSame(f, [rows(yi.slice(0, 8)), rows(xi.slice(0, 8))], [rows(yi), rows(xi)], dtype);
    });

    test(`pow with a tensor exponent, a number base and number exponents, in ${dtype}`, async () => {
      const base = [0, 0.5, 1, 2, 3.5, 10, 0.1, 7, 0, 4, 9, 1e-3];
      const exponent = [2, -1, 0.5, 3, -2.5, 0.3, 0, 1.7, 0, -0.5, 0.5, 2];
      const f = (a: Tensor, b: Tensor) =>
        a.pow(b).add(pow(2, b)).add(a.pow(0.5)).add(a.pow(3)).add(b.pow(2)).add(b.pow(-2).mul(1e-3));
      await expectSame(
        f,
        [rows(base.slice(0, 8)), rows(exponent.slice(0, 8))],
        [rows(base), rows(exponent)],
        dtype,
      );
    });

    test(`add, sub, mul, div, maximum and minimum, NaN propagating, in ${dtype}`, async () => {
      const a = [1, -2, NaN, 0, 3, -0, 5, NaN];
      const b = [2, NaN, 1, -0, 3, 0, -5, NaN];
      const f = (x: Tensor, y: Tensor) =>
        x
          .add(y)
          .sub(y.div(2))
          .mul(x)
          .add(x.maximum(y))
          .add(x.minimum(y))
          .add(x.maximum(0.5))
          .add(y.minimum(-1));
      await expectSame(
        f,
        [rows(a), rows(b)],
        [rows([...a, ...a]), rows([...b, ...b.slice().reverse()])],
        dtype,
      );
    });
  }
});

/** Random-ish data of shape [rows, 3, 4] with zeros, negatives and a few large values. */
function cube(n: number, seed: number): Tensor {
  const data = Array.from({ length: n * 12 }, (_, i) => {
    const v = Math.sin(i * 12.9898 + seed * 78.233) * 4;
    return i % 7 === 3 ? 0 : Math.round(v * 1000) / 1000;
  });
  return tensor(Float64Array.from(data), { shape: [n, 3, 4] });
}

describe('reductions and statistics, over the batch axis too', () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    [
      'prod along 1, along -1 with keepDims, over all, over the batch',
      (x) => x.prod(1).sum().add(x.prod(-1, true).mean()).add(x.mul(0.5).prod()).add(x.prod(0).sum()),
    ],
    ['cumsum along 1, -1 and the batch axis', (x) => x.cumsum(1).add(x.cumsum(-1)).add(x.cumsum(0))],
    [
      'logcumsumexp along -1 (4 long) and 1 (3 long)',
      (x) => x.logcumsumexp(-1).add(x.mul(300).logcumsumexp(1)),
    ],
    [
      'mean over the batch, over all, centred with keepDims',
      (x) => x.sub(x.mean(0, true)).add(x.mean(0)).add(x.mean()),
    ],
    [
      'var and std over the batch with corrections 0, 1, 2.5',
      (x) =>
        x
          .var(0)
          .add(x.var(0, { correction: 0 }))
          .add(x.std(0, { correction: 2.5, keepDims: true }).squeeze(0)),
    ],
    [
      'var and std over all elements and along a fixed axis',
      (x) =>
        x
          .var(-1)
          .sum(-1)
          .add(x.std(1, true).sum(2).sum(1))
          .add(
            x
              .var()
              .add(x.std(null, { correction: 0 }))
              .reshape([1]),
          ),
    ],
    [
      'norm 1, 2 and Infinity, along axes and over all',
      (x) => x.norm(2, -1).add(x.norm(1, 2)).add(x.norm(Infinity, -1)).add(x.norm()).add(x.norm(2, 0).sum()),
    ],
    [
      'min, max, sum, logSumExp and softmax along the batch and others',
      (x) => x.min(1).add(x.max(-1, true).sum(1)).add(x.logSumExp(0).sum(0)).add(x.softmax(0).sum(0).sum(0)),
    ],
  ];
  for (const dtype of DTYPES) {
    test.each(cases)(`%s, in ${dtype}, exported at batch 4, run at 6`, async (_, f) => {
      await expectSame(f, [cube(4, 1)], [cube(6, 2)], dtype);
    });
  }

  test('a 2-norm whose example slice is all zeros takes √Σx² for every input', async () => {
    const f = (x: Tensor) => x.norm(2, -1);
    const example = tensor([
      [0, 0, 0],
      [3, 4, 0],
    ]);
    const input = tensor([
      [1, 2, 2],
      [0, 0, 0],
      [-6, 8, 0],
    ]);
    for (const dynamicBatch of [true, false]) {
      const fixed = dynamicBatch ? input : input.slice([0, 2]);
      const [got] = await runOnnx(exportOnnx(f, example, { dynamicBatch }), [fixed]);
      expectMatches(got!, f(fixed), 1e-12);
    }
  });

  test('logcumsumexp runs with extreme values and infinities', async () => {
    const x = tensor([
      [-1000, 1000, -Infinity, 0, 5],
      [-Infinity, -Infinity, 3, 1e308, -1e308],
      [0, 0, 0, 0, 0],
    ]);
    const f = (t: Tensor) => t.logcumsumexp(1);
    const [got] = await runOnnx(exportOnnx(f, x.slice([0, 2])), [x]);
    expectMatches(got!, f(x), 1e-12);
  });

  test('logcumsumexp along the batch axis is refused with a dynamic batch, exported with a fixed one', async () => {
    const f = (t: Tensor) => t.logcumsumexp(0);
    const x = cube(5, 3);
    expect(() => exportOnnx(f, x)).toThrow(/^exportOnnx: 'logcumsumexp' runs along the batch axis/);
    const [got] = await runOnnx(exportOnnx(f, x, { dynamicBatch: false }), [x]);
    expectMatches(got!, f(x), 1e-12);
  });
});

describe('what the file holds', () => {
  const opTypes = (bytes: Uint8Array) =>
    new Set(onnxProto.onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType));

  test('a float64 file uses no operator onnxruntime runs in FLOAT only; a float32 file the native ones', () => {
    const f = (x: Tensor) =>
      x.erf().add(x.tan()).add(x.atan()).add(x.sinh()).add(x.cosh()).add(x.elu()).add(x.leakyRelu());
    const x = rows(REALS);
    const floatOnly = ['Erf', 'Tan', 'Atan', 'Asin', 'Acos', 'Sinh', 'Cosh', 'Elu', 'LeakyRelu', 'Softplus'];
    const f64 = opTypes(exportOnnx(f, x));
    expect(floatOnly.filter((op) => f64.has(op))).toEqual([]);
    const f32 = opTypes(exportOnnx(f, x, { dtype: 'float32' }));
    expect(['Erf', 'Tan', 'Atan', 'Sinh', 'Cosh', 'Elu', 'LeakyRelu'].every((op) => f32.has(op))).toBe(true);
  });

  test('a sum over the batch divided by another number than its count keeps that number', async () => {
    const f = (x: Tensor) => x.sum(0).div(3).add(x.sum(0, true).div(8).sum(0));
    await expectSame(f, [cube(4, 5)], [cube(7, 6)], 'float64');
  });
});

describe('MLPs of every activation module', () => {
  const modules: [string, () => Module][] = [
    ['LeakyReLU(0.2)', () => new LeakyReLU(0.2)],
    ['ELU(0.7)', () => new ELU(0.7)],
    ['Softplus(2, 5)', () => new Softplus(2, 5)],
    ['GELU()', () => new GELU()],
    ["GELU('tanh')", () => new GELU({ approximate: 'tanh' })],
    ['SiLU()', () => new SiLU()],
  ];
  const input = (n: number, seed: number) =>
    cube(n, seed)
      .reshape([n * 3, 4])
      .mul(2);
  const activations: Activation[] = ['leakyRelu', 'elu', 'softplus', 'gelu', 'silu'];
  for (const dtype of DTYPES) {
    test.each(modules)(`a Sequential of Linear and %s in ${dtype}`, async (_, make) => {
      const model = new Sequential(
        new Linear(4, 8, { seed: 1 }),
        make(),
        new Linear(8, 5, { seed: 2 }),
        make(),
        new Linear(5, 2, { seed: 3 }),
      );
      await expectSame(model, [input(2, 1)], [input(5, 2)], dtype);
    });
    test.each(activations)(`MLP with activation '%s' hidden and out, in ${dtype}`, async (act) => {
      const model = new MLP([4, 8, 5, 2], { activation: act, outputActivation: act, seed: 7 });
      await expectSame(model, [input(2, 3)], [input(5, 4)], dtype);
    });
  }
});
