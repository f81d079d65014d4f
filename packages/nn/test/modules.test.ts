import { gradcheck, ShapeError, Tensor, tensor } from '@chainrule/engine';
import {
  Dropout,
  fromArchitecture,
  Identity,
  Linear,
  MLP,
  Module,
  ReLU,
  Sequential,
  SGD,
  Sigmoid,
  StateDictError,
  Tanh,
} from '@chainrule/nn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arrayChangingOnReread, arrayWithGetter } from './support/changing-array.js';
import { expectClose } from './support/close.js';
import { worstParameterError } from './support/module-grad.js';
import { moonsArchitecture } from './support/moons.js';

function stats(data: Float64Array): { mean: number; sd: number; max: number } {
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  const sd = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length);
  return { mean, sd, max: Math.max(...data.map(Math.abs)) };
}

describe('Linear', () => {
  test('computes x·Wᵀ + b with PyTorch’s weight layout', () => {
    const layer = new Linear(2, 3, { seed: 1 });
    expect(layer.weight.shape).toEqual([3, 2]);
    expect(layer.bias!.shape).toEqual([3]);
    layer.weight.data.set([1, 2, 3, 4, 5, 6]);
    layer.bias!.data.set([0.5, 0, -1]);
    expect(layer.forward(tensor([[1, -1]])).toArray()).toEqual([[-0.5, -1, -2]]);
    expect(layer.forward(tensor([1, 1])).toArray()).toEqual([3.5, 7, 10]);
    expect(new Linear(2, 3, { bias: false }).parameters().length).toBe(1);
  });

  test('refuses an input whose last axis is not inFeatures, naming the shapes', () => {
    const layer = new Linear(2, 4);
    expect(() => layer.forward(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => layer.forward(tensor([[1, 2, 3]]))).toThrow(
      'Linear.forward: a Linear(2, 4) needs inputs whose last axis has 2 elements, got shape [1,3]',
    );
    expect(() => new Linear(0, 1)).toThrow('Linear: inFeatures must be at least 1, got 0');
    expect(() => new Linear(2, 2, { init: 'he' as never })).toThrow('Linear: init must be one of pytorch,');
  });

  test('refuses a weight larger than a Float64Array holds, and a generator that cannot draw, naming Linear', () => {
    expect(() => new Linear(100_000, 100_000)).toThrow(
      'Linear: shape [100000,100000] has 10000000000 elements, more than the 4294967296 a Float64Array can hold',
    );
    expect(() => new Linear(2, 3, { rng: 5 as never })).toThrow(
      'Linear: rng must be a generator from createRng, got the number 5',
    );
    expect(() => new Linear(2, 3, { rng: { next: Math.random } as never })).toThrow(
      'Linear: rng must be a generator from createRng, got a plain object',
    );
  });

  test('each initialiser draws with its documented spread, seeded', () => {
    const fanIn = 200;
    const fanOut = 100;
    const draw = (init: ConstructorParameters<typeof Linear>[2]) =>
      new Linear(fanIn, fanOut, { seed: 3, ...init });
    const torch = draw({});
    expect(stats(torch.weight.data).max).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    expectClose(stats(torch.weight.data).sd, 1 / Math.sqrt(3 * fanIn), 0.003);
    expect(stats(torch.bias!.data).max).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    const expected: [string, number][] = [
      ['kaimingNormal', Math.sqrt(2 / fanIn)],
      ['kaimingUniform', Math.sqrt(2 / fanIn)],
      ['xavierNormal', Math.sqrt(2 / (fanIn + fanOut))],
      ['xavierUniform', Math.sqrt(2 / (fanIn + fanOut))],
    ];
    for (const [init, sd] of expected) {
      const layer = draw({ init: init as 'kaimingNormal' });
      expectClose(stats(layer.weight.data).sd / sd, 1, 0.02);
      expect(stats(layer.bias!.data).max).toBe(0);
    }
    expect(stats(draw({ init: 'kaimingUniform' }).weight.data).max).toBeLessThanOrEqual(Math.sqrt(6 / fanIn));
    const seedRecipe = draw({ init: { normal: 0.1 } });
    expectClose(stats(seedRecipe.weight.data).sd, 0.1, 0.003);
    expect(stats(seedRecipe.bias!.data).max).toBeGreaterThan(0);
    expect(Array.from(draw({}).weight.data)).toEqual(Array.from(torch.weight.data));
    expect(Array.from(new Linear(fanIn, fanOut, { seed: 4 }).weight.data)).not.toEqual(
      Array.from(torch.weight.data),
    );
  });

  test('gradients pass gradcheck for the input and finite differences for the parameters', () => {
    const layer = new Linear(3, 2, { seed: 5 });
    const x = tensor([
      [0.5, -1, 2],
      [1, 0.25, -0.5],
    ]);
    const r = tensor([
      [1, -2],
      [0.5, 3],
    ]);
    expect(gradcheck((input: Tensor) => layer.forward(input).mul(r).sum(), [x]).ok).toBe(true);
    expect(worstParameterError(layer, x)).toBeLessThan(1e-7);
  });
});

describe('activation modules and Dropout', () => {
  test('ReLU, Sigmoid, Tanh and Identity apply their function', () => {
    const x = tensor([-1, 0, 2]);
    expect(new ReLU().forward(x).toArray()).toEqual([0, 0, 2]);
    expect(new Sigmoid().forward(x).toArray()).toEqual(x.sigmoid().toArray());
    expect(new Tanh().forward(x).toArray()).toEqual(x.tanh().toArray());
    expect(new Identity().forward(x)).toBe(x);
    expect(() => new ReLU().forward([1, 2] as never)).toThrow(
      'ReLU.forward: expected a Tensor, got an array',
    );
  });

  test('Dropout zeroes about p of the elements, scales the rest, and is off in eval mode', () => {
    const drop = new Dropout(0.25, { seed: 1 });
    const y = drop.forward(Tensor1(4000));
    const zeros = y.data.filter((v) => v === 0).length / y.size;
    expect(Math.abs(zeros - 0.25)).toBeLessThan(0.03);
    expect(new Set(y.data)).toEqual(new Set([0, 4 / 3]));
    const again = new Dropout(0.25, { seed: 1 }).forward(Tensor1(4000));
    expect(Array.from(again.data)).toEqual(Array.from(y.data));
    expect(Array.from(drop.forward(Tensor1(4000)).data)).not.toEqual(Array.from(y.data));
    const x = Tensor1(5);
    expect(drop.eval().forward(x)).toBe(x);
    expect(() => new Dropout(1.5)).toThrow('Dropout: p must be in [0, 1], got 1.5');
  });
});

function Tensor1(n: number): Tensor {
  return tensor(new Float64Array(n).fill(1));
}

class Shared extends Module {
  a = new Linear(2, 2, { seed: 1 });
  b = this.a;
  blocks = [new Linear(2, 3, { seed: 2 }), new ReLU()];
  forward(x: Tensor): Tensor {
    return this.blocks[1]!.forward(this.blocks[0]!.forward(this.b.forward(this.a.forward(x))));
  }
}

describe('Module', () => {
  test('parameters() finds every parameter once, through fields, arrays and shared modules', () => {
    const m = new Shared();
    expect(m.parameters().length).toBe(4);
    expect(m.namedParameters().map(([name]) => name)).toEqual([
      'a.weight',
      'a.bias',
      'blocks.0.weight',
      'blocks.0.bias',
    ]);
    expect(m.numParameters()).toBe(6 + 9);
  });

  test('Sequential, MLP and fromArchitecture name parameters by position and count them', () => {
    const seq = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const mlp = new MLP([2, 16, 16, 1]);
    expect(mlp.numParameters()).toBe(48 + 272 + 17);
    expect(String(new MLP([3, 4, 1], { activation: 'tanh' }))).toBe(
      'Sequential(Linear(3, 4), Tanh(), Linear(4, 1))',
    );
    const net = fromArchitecture(moonsArchitecture, { seed: 1 });
    expect(net.parameters().length).toBe(10);
    expect(net.numParameters()).toBe(12 + 30 + 42 + 28 + 5);
    expect(String(net)).toBe(
      'Sequential(Linear(2, 4, activation=relu), Linear(4, 6, activation=relu), Linear(6, 6, activation=relu), Linear(6, 4, activation=relu), Linear(4, 1), Sigmoid())',
    );
    // a fused relu layer counts as PyTorch's Linear and ReLU: the names of the same nn.Sequential
    expect(Object.keys(net.stateDict())).toEqual(
      [0, 2, 4, 6, 8].flatMap((i) => [`${i}.weight`, `${i}.bias`]),
    );
    const mixed = new Sequential(new Linear(2, 3, { activation: 'relu' }), new Tanh(), new Linear(3, 1));
    expect(mixed.namedChildren().map(([name]) => name)).toEqual(['0', '2', '3']);
  });

  test('a whole network’s gradients match finite differences', () => {
    const net = fromArchitecture(
      [
        { inputDim: 3, outputDim: 4, activation: 'tanh' },
        { inputDim: 4, outputDim: 2, activation: 'sigmoid' },
      ],
      { seed: 2 },
    );
    const x = tensor([
      [0.1, -0.7, 1.2],
      [2, 0.3, -0.4],
    ]);
    expect(worstParameterError(net, x)).toBeLessThan(1e-7);
  });

  test('fromArchitecture refuses dimensions that do not chain, naming the layer', () => {
    const broken = moonsArchitecture.map((l) => ({ ...l }));
    broken[2]!.inputDim = 5;
    expect(() => fromArchitecture(broken)).toThrow(
      'fromArchitecture: layer 2 takes inputDim 5 but layer 1 gives outputDim 6',
    );
    expect(() => fromArchitecture([{ input_dim: 2, output_dim: 1, activation: 'relu' } as never])).toThrow(
      'fromArchitecture: layer 0 has input_dim; chainrule spells it inputDim (and outputDim)',
    );
    expect(() => fromArchitecture([{ inputDim: 2, outputDim: 1, activation: 'swish' as never }])).toThrow(
      'fromArchitecture: layer 0 activation must be one of relu, sigmoid, tanh, linear, leakyRelu, elu, softplus, gelu, silu, got the string "swish"',
    );
  });

  test('defaults: Kaiming for relu layers, Xavier for sigmoid and tanh layers', () => {
    const net = new MLP([400, 300, 100], { activation: 'relu', outputActivation: 'tanh', seed: 1 });
    const [first, second] = net.parameters().filter((p) => p.ndim === 2);
    expectClose(stats(first!.data).sd / Math.sqrt(2 / 400), 1, 0.02);
    expectClose(stats(second!.data).sd / Math.sqrt(2 / 400), 1, 0.02);
  });

  test('train() and eval() set the mode of every module below', () => {
    const net = new Sequential(new Linear(2, 2), new Dropout(0.5), new Sequential(new Dropout(0.1)));
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  test('zeroGrad resets every parameter’s gradient', () => {
    const net = new MLP([2, 3, 1], { seed: 1 });
    net
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe('fusion is decided by the Linear layer, never by Sequential', () => {
  const identical = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
  /** The ops from `y` down its first-parent chain to the input. */
  const chain = (y: Tensor): string[] => {
    const ops: string[] = [];
    for (let node: Tensor | undefined = y; node && node.op !== ''; node = node.parents[0]) ops.push(node.op);
    return ops;
  };
  const x = tensor(
    Float64Array.from({ length: 40 * 3 }, (_, i) => Math.sin(i)),
    { shape: [40, 3] },
  );

  test('a Linear with activation relu: one node, exactly the outputs and gradients of Linear then ReLU', () => {
    const fused = new Sequential(
      new Linear(3, 8, { seed: 1, activation: 'relu' }),
      new Linear(8, 8, { seed: 2, activation: 'relu' }),
      new Linear(8, 1, { seed: 3 }),
      new Sigmoid(),
    );
    const apart = new Sequential(
      new Linear(3, 8, { seed: 1 }),
      new ReLU(),
      new Linear(8, 8, { seed: 2 }),
      new ReLU(),
      new Linear(8, 1, { seed: 3 }),
      new Sigmoid(),
    );
    const y = fused.forward(x);
    const z = apart.forward(x);
    expect(identical(y.data, z.data)).toBe(true);
    // the graph shows what ran: relu inside the fused linear nodes, a node of its own when apart
    expect(chain(y).filter((op) => op === 'linear').length).toBe(3);
    expect(chain(y)).not.toContain('relu');
    expect(chain(z).filter((op) => op === 'relu').length).toBe(2);
    y.sum().backward();
    z.sum().backward();
    const grads = (net: Sequential) => net.parameters().map((p) => p.grad!.data);
    grads(fused).forEach((g, i) => {
      expect(identical(g, grads(apart)[i]!)).toBe(true);
    });
  });

  test('Sequential runs a Linear then a ReLU as the two layers they are', () => {
    const layer = new Linear(3, 4, { seed: 1 });
    const y = new Sequential(layer, new ReLU()).forward(x);
    expect(y.op).toBe('relu');
    expect(y.parents[0]!.op).toBe('linear');
    // the linear node holds the affine map itself, negative values included
    expect(y.parents[0]!.data.some((v) => v < 0)).toBe(true);
    expect(identical(y.parents[0]!.data, layer.forward(x).data)).toBe(true);
  });

  test('a ReLU subclass after a Linear runs its own forward', () => {
    class Leaky extends ReLU {
      override forward(x: Tensor): Tensor {
        return x.relu().add(x.mul(0.01).sub(x.mul(0.01).relu()));
      }
    }
    const layer = new Linear(2, 3, { seed: 1 });
    const y = new Sequential(layer, new Leaky()).forward(tensor([[1, -2]]));
    expect(identical(y.data, new Leaky().forward(layer.forward(tensor([[1, -2]]))).data)).toBe(true);
  });

  test('MLP and fromArchitecture build relu layers as fused Linears, sigmoid and tanh as modules', () => {
    expect(String(new MLP([2, 16, 16, 1]))).toBe(
      'Sequential(Linear(2, 16, activation=relu), Linear(16, 16, activation=relu), Linear(16, 1))',
    );
    const net = fromArchitecture(moonsArchitecture, { seed: 1 });
    expect(chain(net.forward(tensor([[0.3, -0.1]])))).toEqual([
      'reciprocal',
      'add',
      'exp',
      'neg',
      'linear',
      'linear',
      'linear',
      'linear',
      'linear',
    ]);
  });

  test('Linear refuses an activation it cannot fuse, naming the choices', () => {
    expect(() => new Linear(2, 3, { activation: 'sigmoid' as never })).toThrow(
      `Linear: activation must be 'none' or 'relu', got the string "sigmoid"`,
    );
  });
});

describe('state dict', () => {
  test('round-trips through JSON bit for bit into a differently seeded network', () => {
    const a = fromArchitecture(moonsArchitecture, { seed: 1 });
    const b = fromArchitecture(moonsArchitecture, { seed: 2 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(b.stateDict()).toEqual(a.stateDict());
    const x = tensor([[0.3, -0.1]]);
    expect(b.forward(x).item()).toBe(a.forward(x).item());
  });

  test('the saved state is a copy: training afterwards does not change it', () => {
    const net = new Linear(2, 1, { seed: 1 });
    const state = net.stateDict();
    net.weight.data[0] = 42;
    expect(state['weight']!.data[0]).not.toBe(42);
  });

  test('refuses every kind of mismatch, names each, and changes nothing', () => {
    const net = new Sequential(new Linear(2, 3, { seed: 1 }), new ReLU(), new Linear(3, 1, { seed: 2 }));
    const good = net.stateDict();
    const before = JSON.stringify(good);
    const cases: [unknown, string][] = [
      [{ ...good, extra: good['0.bias'] }, "unknown key 'extra'"],
      [{ ...good, '2.bias': undefined }, "'2.bias' must be an object { shape, data }, got undefined"],
      [Object.fromEntries(Object.entries(good).slice(1)), "missing key '0.weight'"],
      [{ ...good, '0.bias': { shape: [2], data: [1, 2] } }, "'0.bias' has shape [2], expected [3]"],
      [{ ...good, '0.bias': { shape: [3], data: [1, 2] } }, "'0.bias' data has 2 numbers, expected 3"],
      [
        { ...good, '0.bias': { shape: [3], data: [1, Number.POSITIVE_INFINITY, 3] } },
        "'0.bias' data[1] must be a finite number, got Infinity",
      ],
      [
        { ...good, '0.bias': { shape: [3], data: [1, '2', 3] } },
        '\'0.bias\' data[1] must be a finite number, got the string "2"',
      ],
      [
        { ...good, '0.bias': { shape: [3], data: new Float64Array(3) } },
        "'0.bias' data must be an array of numbers, got an object",
      ],
      [{ ...good, '0.bias': { ...good['0.bias'], grad: [] } }, "'0.bias' has an unknown field 'grad'"],
      [
        JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(good).slice(1)}`),
        "has a key '__proto__', which is not allowed",
      ],
      [new Map(), 'expected a plain object of named entries, got an object'],
      [null, 'expected a plain object of named entries, got null'],
    ];
    for (const [input, message] of cases) {
      let error: unknown;
      try {
        net.loadStateDict(input);
      } catch (e) {
        error = e;
      }
      expect(error, message).toBeInstanceOf(StateDictError);
      expect((error as Error).message).toContain('Sequential.loadStateDict: refused, nothing was changed: ');
      expect((error as Error).message).toContain(message);
      expect(JSON.stringify(net.stateDict())).toBe(before);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  test('fuzzing loadStateDict with arbitrary JSON gives only StateDictErrors and leaves the model unchanged', () => {
    const net = new Sequential(new Linear(2, 2, { seed: 1 }), new Tanh(), new Linear(2, 1, { seed: 2 }));
    const good = net.stateDict();
    const before = JSON.stringify(good);
    const entry = fc.record({
      shape: fc.oneof(
        fc.constant([2, 2]),
        fc.constant([2]),
        fc.array(fc.jsonValue(), { maxLength: 3 }),
        fc.jsonValue(),
      ),
      data: fc.oneof(
        fc.array(fc.double(), { maxLength: 5 }),
        fc.array(fc.jsonValue(), { maxLength: 5 }),
        fc.jsonValue(),
      ),
    });
    const nearlyGood = fc
      .tuple(
        fc.constantFrom(...Object.keys(good), '__proto__', 'constructor', 'x'),
        fc.oneof(entry, fc.jsonValue()),
      )
      .map(([key, value]) =>
        JSON.parse(JSON.stringify({ ...good, [key]: value }).replace('"x":', '"__proto__":')),
      );
    const arbitrary = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true }),
      nearlyGood,
    );
    fc.assert(
      fc.property(arbitrary, (input) => {
        try {
          net.loadStateDict(input);
        } catch (e) {
          expect(e).toBeInstanceOf(StateDictError);
          expect(JSON.stringify(net.stateDict())).toBe(before);
          return;
        }
        // accepted: then it was a valid state dict, and loading it gave exactly its numbers
        expect(net.stateDict()).toEqual(input);
        net.loadStateDict(JSON.parse(before));
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(JSON.stringify(net.stateDict())).toBe(before);
  });
});

describe('frozen parameters', () => {
  test('a frozen parameter stays in parameters() and the state dict, as in PyTorch', () => {
    const layer = new Linear(2, 3, { seed: 1 });
    layer.weight.requiresGrad = false;
    expect(layer.namedParameters().map(([name]) => name)).toEqual(['weight', 'bias']);
    expect(layer.numParameters()).toBe(9);
    expect(Object.keys(layer.stateDict())).toEqual(['weight', 'bias']);
  });

  test('a frozen layer loads the state dict of an unfrozen one', () => {
    const source = new Linear(2, 3, { seed: 1 });
    const frozen = new Linear(2, 3, { seed: 2 });
    frozen.weight.requiresGrad = false;
    frozen.loadStateDict(source.stateDict());
    expect(frozen.stateDict()).toEqual(source.stateDict());
    source.loadStateDict(frozen.stateDict());
  });

  test('an optimizer over a partly frozen model updates only the unfrozen parameters', () => {
    const net = new Sequential(new Linear(2, 2, { seed: 1 }), new ReLU(), new Linear(2, 1, { seed: 2 }));
    const first = net.layers[0] as Linear;
    first.weight.requiresGrad = false;
    first.bias!.requiresGrad = false;
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    const before = net.stateDict();
    net.zeroGrad();
    net
      .forward(tensor([[1, -1]]))
      .sum()
      .backward();
    opt.step();
    const after = net.stateDict();
    expect(first.weight.grad).toBeNull();
    expect(after['0.weight']).toEqual(before['0.weight']);
    expect(after['0.bias']).toEqual(before['0.bias']);
    expect(after['2.weight']).not.toEqual(before['2.weight']);
    expect(opt.stateDict().params.slice(0, 2)).toEqual([null, null]);
  });

  test('a tensor computed by an op and cached in a field is not a parameter', () => {
    class Cached extends Module {
      weight = tensor([1, 2], { requiresGrad: true });
      doubled: Tensor = this.weight.mul(2);
      constant = Tensor.zeros([2]);
      forward(x: Tensor): Tensor {
        return x.mul(this.weight);
      }
    }
    const m = new Cached();
    expect(m.doubled.op).toBe('mul');
    expect(m.namedParameters().map(([name]) => name)).toEqual(['weight', 'constant']);
  });
});

describe('state dict values are read once', () => {
  // each case: the input, and the values a single read of it gives
  const cases: [string, () => number[], number[]][] = [
    ['an element that is a getter', () => arrayWithGetter([1, 2, 3, 4, 5, 6], 2, 0.5), [1, 2, 0.5, 4, 5, 6]],
    [
      'a Proxy whose elements change on a second read',
      () => arrayChangingOnReread([1, 2, 3, 4, 5, 6]),
      [1, 2, 3, 4, 5, 6],
    ],
  ];

  test.each(cases)('loadStateDict never writes NaN from %s', (_, makeData, singleRead) => {
    const layer = new Linear(2, 3, { seed: 1 });
    const before = layer.stateDict();
    const state = { weight: { shape: [3, 2], data: makeData() }, bias: before['bias'] };
    let refused = false;
    try {
      layer.loadStateDict(state);
    } catch (e) {
      expect(e).toBeInstanceOf(StateDictError);
      refused = true;
    }
    // refused with the model unchanged, or loaded with the values of one read: never NaN
    if (refused) expect(layer.stateDict()).toEqual(before);
    else expect(Array.from(layer.weight.data)).toEqual(singleRead);
  });

  test('loadStateDict refuses an accessor element by name and changes nothing', () => {
    const layer = new Linear(2, 3, { seed: 1 });
    const before = layer.stateDict();
    const state = {
      weight: { shape: [3, 2], data: arrayWithGetter([1, 2, 3, 4, 5, 6], 2, 0.5) },
      bias: before['bias'],
    };
    expect(() => layer.loadStateDict(state)).toThrow("'weight' data[2] is an accessor, not plain data");
    expect(layer.stateDict()).toEqual(before);
  });
});
