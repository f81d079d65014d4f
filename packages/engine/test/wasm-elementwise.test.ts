// The WebAssembly elementwise kernels against the TypeScript ones: the same numbers, bit for bit.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ElementwiseOpName } from '../src/index.js';
import type { BinaryKernelOp, Kernels, UnaryKernelOp } from '../src/kernels/backend.js';
import { getBackend, kernels, setBackend } from '../src/kernels/index.js';
import {
  allocatesUnfilled,
  outputArray,
  UNFILLED_MAX_ELEMENTS,
  UNFILLED_MIN_ELEMENTS,
} from '../src/kernels/output.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import {
  createWasmKernels,
  getNumThreads,
  hasSimd,
  setNumThreads,
  type WasmKernels,
} from '../src/kernels/wasm/index.js';
import type { AnyDeclaration, Params } from '../src/ops/elementwise/declaration.js';
import { allElementwiseOps } from '../src/ops/elementwise/index.js';
import { createRng } from '../src/random.js';
import { broadcastShapes, sizeOf } from '../src/shape.js';
import { Tensor } from '../src/tensor.js';
import { opCases } from './support/op-cases.js';

// every declared op, masks included, drawn from the table; an op with parameters runs with its test
// case's first argument list (clamp's bounds, leakyRelu's slope)
const declared = Object.entries(allElementwiseOps) as [string, AnyDeclaration][];
const unaryOps = declared.filter(([, d]) => d.arity === 1).map(([name]) => name as UnaryKernelOp);
const binaryOps = declared.filter(([, d]) => d.arity === 2).map(([name]) => name as BinaryKernelOp);
function paramsOf(op: string): Params {
  const d = allElementwiseOps[op as UnaryKernelOp];
  const args = opCases[op as ElementwiseOpName]?.args?.find((a) => a.length > 0);
  return d.params === undefined ? {} : (d.params as (...a: unknown[]) => Params)(...(args ?? []));
}

/** Ordinary numbers and every value that tests a mask or a sign: ±0, ±∞, NaN, tiny and huge. */
const element = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN),
  },
  { weight: 1, arbitrary: fc.constantFrom(5e-324, -5e-324, 1.7e308, -1.7e308, 1, -1) },
  { weight: 1, arbitrary: fc.double() },
);
const values = (length: number) =>
  fc.array(element, { minLength: length, maxLength: length }).map((xs) => Float64Array.from(xs));

/** Indices where two arrays differ as Object.is sees them (so -0 ≠ 0 and NaN = NaN). */
function differences(actual: Float64Array, expected: Float64Array): number[] {
  expect(actual.length).toBe(expected.length);
  const found: number[] = [];
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) found.push(i);
  return found;
}

/** A shape pair: equal, a scalar either side, a trailing row either side, or a general broadcast. */
const shapePair: fc.Arbitrary<[number[], number[]]> = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('equal', 'scalarA', 'scalarB', 'rowA', 'rowB', 'column', 'outer'),
  )
  .map(([shape, kind]): [number[], number[]] => {
    const row = shape.slice(-1);
    const column = [...shape.slice(0, -1), 1];
    switch (kind) {
      case 'equal':
        return [shape, shape.slice()];
      case 'scalarA':
        return [[], shape];
      case 'scalarB':
        return [shape, [1]];
      case 'rowA':
        return [row, shape];
      case 'rowB':
        return [shape, [1, ...row]];
      case 'column':
        return [shape, column];
      default:
        return [column, row];
    }
  });

describe.skipIf(!hasSimd())('wasm elementwise kernels', () => {
  // a threshold of 0 sends every array, however small, through WebAssembly
  const wasm = createWasmKernels(tsKernels, { minElements: 0 }) as WasmKernels;

  /** op(a, b) on both kernels, the wasm output first filled with 7s so that an unwritten element shows. */
  function expectSameBinary(
    op: BinaryKernelOp,
    aShape: number[],
    a: Float64Array,
    bShape: number[],
    b: Float64Array,
  ) {
    const outShape = broadcastShapes(aShape, bShape, op);
    const expected = new Float64Array(sizeOf(outShape));
    const actual = new Float64Array(expected.length).fill(7);
    tsKernels.binary(op, a, aShape, b, bShape, expected, outShape, paramsOf(op));
    wasm.binary(op, a, aShape, b, bShape, actual, outShape, paramsOf(op));
    expect(differences(actual, expected), `${op} [${aShape}] [${bShape}]`).toEqual([]);
  }

  test('are in use', () => {
    expect(wasm.wasm.elementwise).toBe(true);
    expect(wasm.binary).not.toBe(tsKernels.binary);
  });

  test('unary: every op gives the TypeScript kernel’s numbers exactly, odd lengths included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...unaryOps),
        fc.integer({ min: 0, max: 41 }).chain((n) => values(n)),
        (op, x) => {
          const expected = new Float64Array(x.length);
          const actual = new Float64Array(x.length).fill(7);
          tsKernels.unary(op, x, expected, paramsOf(op));
          wasm.unary(op, x, actual, paramsOf(op));
          expect(differences(actual, expected), op).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('binary: every op and broadcast gives the TypeScript kernel’s numbers exactly', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...binaryOps),
        shapePair.chain(([aShape, bShape]) =>
          fc.tuple(fc.constant(aShape), fc.constant(bShape), values(sizeOf(aShape)), values(sizeOf(bShape))),
        ),
        (op, [aShape, bShape, a, b]) => expectSameBinary(op, aShape, a, bShape, b),
      ),
      { numRuns: 600 },
    );
  });

  test('every op through each of its loops (one compiled per op): the TypeScript numbers exactly', () => {
    // odd widths take each loop's last-element path; the special values sit in both operands
    const specials = [
      0,
      -0,
      1,
      -1,
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      5e-324,
    ];
    // the last element of each row (the odd tail) is an ordinary number, which no op leaves fixed
    const fill = (shape: number[], shift: number) => {
      const width = shape.at(-1) ?? 1;
      return Float64Array.from({ length: sizeOf(shape) }, (_, i) =>
        i % width === width - 1
          ? -0.75 - (i + shift) / 16
          : specials[(i + shift) % specials.length]! * (1 + i / 8),
      );
    };
    const layouts: [number[], number[]][] = [
      [
        [3, 5],
        [3, 5],
      ], // equal sizes
      [[3, 5], [5]], // a row under
      [[5], [3, 5]], // a row first
      [
        [3, 5],
        [3, 1],
      ], // a column under
      [
        [3, 1],
        [3, 5],
      ], // a column first
      [[3, 5], []], // a scalar under
      [[], [3, 5]], // a scalar first
    ];
    for (const op of binaryOps) {
      for (const [aShape, bShape] of layouts) {
        expectSameBinary(op, aShape, fill(aShape, 0), bShape, fill(bShape, 4));
      }
    }
    for (const op of unaryOps) {
      const x = fill([2 * specials.length + 1], 0);
      const expected = new Float64Array(x.length);
      const actual = new Float64Array(x.length).fill(7);
      tsKernels.unary(op, x, expected, paramsOf(op));
      wasm.unary(op, x, actual, paramsOf(op));
      expect(differences(actual, expected), op).toEqual([]);
    }
  });

  test('both backends write every element of an output (outputs arrive unfilled, kernels/output.ts)', () => {
    // the same call into zeros and into other contents must give the same bits, for each layout the
    // kernels tell apart (the last one, an outer broadcast, is the TypeScript loop's alone)
    const layouts: [number[], number[]][] = [
      [
        [4, 3],
        [4, 3],
      ],
      [[4, 3], [3]],
      [[3], [4, 3]],
      [
        [4, 1],
        [4, 3],
      ],
      [
        [4, 3],
        [4, 1],
      ],
      [[], [4, 3]],
      [[4, 3], []],
      [
        [4, 1],
        [1, 3],
      ],
    ];
    const x = Float64Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3);
    const y = Float64Array.from({ length: 12 }, (_, i) => (7 - i) / 4);
    for (const k of [tsKernels, wasm]) {
      for (const op of binaryOps) {
        for (const [aShape, bShape] of layouts) {
          const outShape = broadcastShapes(aShape, bShape, op);
          const [a, b] = [x.subarray(0, sizeOf(aShape)), y.subarray(0, sizeOf(bShape))];
          const zeroed = new Float64Array(sizeOf(outShape));
          const filled = new Float64Array(zeroed.length).fill(-123.5);
          k.binary(op, a, aShape, b, bShape, zeroed, outShape, paramsOf(op));
          k.binary(op, a, aShape, b, bShape, filled, outShape, paramsOf(op));
          expect(differences(filled, zeroed), `${k.name} ${op} [${aShape}] [${bShape}]`).toEqual([]);
        }
      }
      for (const op of unaryOps) {
        const zeroed = new Float64Array(x.length);
        const filled = new Float64Array(x.length).fill(-123.5);
        k.unary(op, x, zeroed, paramsOf(op));
        k.unary(op, x, filled, paramsOf(op));
        expect(differences(filled, zeroed), `${k.name} ${op}`).toEqual([]);
      }
    }
  });

  test('an output array is unfilled only at a size where that pays, and owns exactly its bytes', () => {
    const small = outputArray(UNFILLED_MIN_ELEMENTS - 1);
    expect(small.every((v) => v === 0)).toBe(true);
    for (const n of [UNFILLED_MIN_ELEMENTS - 1, UNFILLED_MIN_ELEMENTS, 45_001]) {
      const out = outputArray(n);
      expect([out.length, out.byteOffset, out.buffer.byteLength]).toEqual([n, 0, n * 8]);
    }
    // a Node Buffer stops at 4 GiB on Node 20 where a Float64Array goes on: such sizes take `new`
    expect(
      [UNFILLED_MIN_ELEMENTS - 1, UNFILLED_MIN_ELEMENTS, UNFILLED_MAX_ELEMENTS].map(allocatesUnfilled),
    ).toEqual([false, true, true]);
    expect(allocatesUnfilled(UNFILLED_MAX_ELEMENTS + 1)).toBe(false);
    expect(allocatesUnfilled(2 ** 29 + 1)).toBe(false);
    expect(UNFILLED_MAX_ELEMENTS * 8).toBeLessThan(2 ** 31);
  });

  test('sumTo: bias gradients (rows summed into one) agree exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, width, keepDims, seed) => {
          const x = Float64Array.from({ length: rows * width }, (_, i) => Math.sin(seed + i * 1.37) * 1e3);
          const outShape = keepDims ? [1, width] : [width];
          const expected = new Float64Array(width);
          const actual = new Float64Array(width).fill(7);
          tsKernels.sumTo(x, [rows, width], expected, outShape);
          wasm.sumTo(x, [rows, width], actual, outShape);
          expect(differences(actual, expected)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('an output may alias an operand', () => {
    const a = Float64Array.from({ length: 12 }, (_, i) => i - 5.5);
    const b = Float64Array.from([0.5, -2, 3]);
    const expected = new Float64Array(12);
    tsKernels.binary('mul', a, [4, 3], b, [3], expected, [4, 3]);
    wasm.binary('mul', a, [4, 3], b, [3], a, [4, 3]);
    expect([...a]).toEqual([...expected]);
    const x = Float64Array.from([-1, 2, -3, 4]);
    wasm.unary('relu', x, x);
    expect([...x]).toEqual([0, 2, 0, 4]);
  });

  test('grows its memory for large arrays and keeps working after it has', () => {
    const n = 3_000_001; // 24 MB per operand, past the initial memory
    const a = Float64Array.from({ length: n }, (_, i) => i % 7);
    const b = Float64Array.from({ length: n }, (_, i) => i % 5);
    const out = new Float64Array(n);
    wasm.binary('sub', a, [n], b, [n], out, [n]);
    expect([out[0], out[6], out[n - 1]]).toEqual([0, 6 - 1, ((n - 1) % 7) - ((n - 1) % 5)]);
    const small = new Float64Array(3);
    wasm.unary('neg', Float64Array.from([1, -2, 0]), small);
    expect([...small]).toEqual([-1, 2, -0]);
  });

  test('small arrays stay on the base kernels by default', () => {
    const calls: number[] = [];
    const base: Kernels = {
      ...tsKernels,
      unary: (op, x, out) => {
        calls.push(x.length);
        tsKernels.unary(op, x, out);
      },
    };
    const defaults = createWasmKernels(base) as WasmKernels;
    defaults.unary('relu', new Float64Array(8), new Float64Array(8));
    defaults.unary('relu', new Float64Array(4096), new Float64Array(4096));
    expect(calls).toEqual([8]);
  });

  test('the comparison catches a kernel that differs in one special value', () => {
    // relu as x > 0 ? x : 0 hides a NaN as 0, where Math.max keeps it
    const x = Float64Array.from([Number.NaN, -0, 1, -1]);
    const expected = new Float64Array(4);
    tsKernels.unary('relu', x, expected);
    // biome-ignore lint/complexity/useMathMinMax: the point is that this is not Math.max
    const wrong = x.map((v) => (v > 0 ? v : 0));
    expect(differences(wrong, expected)).toEqual([0]);
  });
});

describe.skipIf(!hasSimd())('the wasm backend under the Tensor API', () => {
  test("a product's two gradients come from matmulPair, a worker computing one, and agree with ts", () => {
    const before = getBackend();
    const threadsBefore = getNumThreads();
    try {
      const rng = createRng(8);
      const make = (rows: number, cols: number) =>
        Float64Array.from({ length: rows * cols }, () => rng.normal());
      const [aData, bData] = [make(128, 64), make(64, 96)];
      const gradients = (backend: 'ts' | 'wasm') => {
        setBackend(backend);
        const a = new Tensor(aData, [128, 64], { requiresGrad: true });
        const b = new Tensor(bData, [64, 96], { requiresGrad: true });
        a.matmul(b).tanh().sum().backward(); // not relu, which would fuse the layer (ops/tensor/fusion.ts)
        return [a.grad!.data, b.grad!.data];
      };
      setNumThreads(2);
      setBackend('wasm');
      const active = kernels() as WasmKernels & { matmulPair: NonNullable<Kernels['matmulPair']> };
      const pair = active.matmulPair;
      let pairs = 0;
      active.matmulPair = (first, second) => {
        pairs++;
        pair(first, second);
      };
      const helped = active.wasm.workerChunks;
      let onWasm: Float64Array[] = [];
      // a worker may wake after the caller has taken both products (more often on a busy machine):
      // passes go on until one shares, up to 500
      let passes = 0;
      try {
        while (passes < 5 || (active.wasm.workerChunks === helped && passes < 500)) {
          onWasm = gradients('wasm');
          passes++;
        }
      } finally {
        active.matmulPair = pair;
      }
      expect(pairs).toBe(passes);
      expect(active.wasm.workerChunks).toBeGreaterThan(helped);
      const onTs = gradients('ts');
      onWasm.forEach((grad, i) => {
        const reference = onTs[i]!;
        const worst = Math.max(...grad.map((x, j) => Math.abs(x - reference[j]!)));
        expect(worst).toBeLessThan(1e-12 * Math.max(...reference.map(Math.abs)));
      });
    } finally {
      setBackend(before);
      setNumThreads(threadsBefore);
    }
  });

  test('reuses its memory: after the first step, 300 more steps grow none of it', () => {
    const before = getBackend();
    setBackend('wasm');
    try {
      const wasm = kernels() as WasmKernels;
      const rng = createRng(5);
      const randn = (rows: number, cols: number, requiresGrad = false) =>
        new Tensor(
          Float64Array.from({ length: rows * cols }, () => rng.normal(0, 0.3)),
          [rows, cols],
          { requiresGrad },
        );
      const x = randn(200, 20);
      const target = randn(200, 1);
      const w1 = randn(20, 64, true);
      const w2 = randn(64, 1, true);
      const step = () => {
        const loss = x.matmul(w1).relu().matmul(w2).sub(target).pow(2).mean();
        loss.backward();
        for (const w of [w1, w2]) {
          const g = w.grad!.data;
          for (let i = 0; i < g.length; i++) w.data[i]! -= 0.05 * g[i]!;
          w.zeroGrad();
        }
        return loss.item();
      };
      const first = step();
      const held = wasm.wasm.memoryBytes;
      let last = first;
      for (let i = 0; i < 300; i++) last = step();
      expect(wasm.wasm.memoryBytes).toBe(held);
      expect(last).toBeLessThan(first);
    } finally {
      setBackend(before);
    }
  });
});
