// Properties with fast-check over random shapes (rank 0–4, sizes 1–5) and broadcast-compatible pairs:
// every op's gradient passes gradcheck, a broadcast op equals the explicit expanded computation, random
// expression DAGs over tensors agree with plain numbers, and 1-element tensors agree with Values.
// Data is kept inside each op's domain by construction. A failure prints its seed: rerun with FC_SEED=<seed>.

import { concat, gradcheck, stack, type Tensor, tensor, type Value, value } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { numberAlgebra, type Program, programArbitrary, runProgram } from './support/programs.js';
import {
  awayFromZeroArb,
  broadcastFamilyArb,
  broadcastIndex,
  broadcastPairArb,
  broadcastShape,
  distinctValuesArb,
  engineAlgebra,
  fcParams,
  shapeArb,
  sizeOfShape,
  valuesArb,
  weightsFor,
} from './support/tensors.js';

const RUNS = 25;

const make = (shape: readonly number[], data: ArrayLike<number>): Tensor =>
  tensor(Float64Array.from(data), { shape });

/** A shape and data for it, the data drawn by `values(n)`. */
const shapedArb = (
  values: (n: number) => fc.Arbitrary<number[]>,
  shape: fc.Arbitrary<number[]> = shapeArb(),
): fc.Arbitrary<Tensor> => shape.chain((s) => values(sizeOfShape(s)).map((data) => make(s, data)));

/** A pair of broadcast-compatible tensors, each with its own data generator. */
const pairArb = (
  left: (n: number) => fc.Arbitrary<number[]>,
  right: (n: number) => fc.Arbitrary<number[]>,
): fc.Arbitrary<[Tensor, Tensor]> =>
  broadcastPairArb().chain(([sa, sb]) =>
    fc.tuple(
      left(sizeOfShape(sa)).map((d) => make(sa, d)),
      right(sizeOfShape(sb)).map((d) => make(sb, d)),
    ),
  );

/** Any output made scalar with fixed, varied weights, so each element gets its own upstream gradient. */
const scalarize = (out: Tensor): Tensor => out.mul(tensor(weightsFor(out.size), { shape: out.shape })).sum();

/** Fails with gradcheck's worst element unless backward agrees with finite differences on every element. */
function expectGradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = gradcheck((...xs: Tensor[]) => scalarize(f(...xs)), inputs);
  expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
}

const any = (n: number) => valuesArb(n);
const positive = (n: number) => valuesArb(n, 0.2, 3);
/** Half-integers plus 0.1 on one side, plus 0.35 on the other: the two sides always differ by ≥ 0.25. */
const gridA = (n: number) =>
  fc
    .array(fc.integer({ min: -4, max: 4 }), { minLength: n, maxLength: n })
    .map((xs) => xs.map((k) => k / 2 + 0.1));
const gridB = (n: number) =>
  fc
    .array(fc.integer({ min: -4, max: 4 }), { minLength: n, maxLength: n })
    .map((xs) => xs.map((k) => k / 2 + 0.35));

describe('every op passes gradcheck on random shapes', () => {
  const unary: [string, (x: Tensor) => Tensor, (n: number) => fc.Arbitrary<number[]>][] = [
    ['neg', (x) => x.neg(), any],
    ['exp', (x) => x.exp(), any],
    ['log', (x) => x.log(), positive],
    ['tanh', (x) => x.tanh(), any],
    ['relu', (x) => x.relu(), (n) => awayFromZeroArb(n)],
    ['sigmoid', (x) => x.sigmoid(), (n) => valuesArb(n, -6, 6)],
    ['reciprocal', (x) => x.reciprocal(), positive],
    ['abs', (x) => x.abs(), (n) => awayFromZeroArb(n)],
    ['pow 2', (x) => x.pow(2), any],
    ['pow 3', (x) => x.pow(3), any],
    ['pow -1.5', (x) => x.pow(-1.5), positive],
    ['pow 0.5', (x) => x.pow(0.5), positive],
  ];
  for (const [name, f, values] of unary) {
    test(`${name}`, () => {
      fc.assert(
        fc.property(shapedArb(values), (x) => expectGradcheck(f, [x])),
        fcParams(RUNS),
      );
    });
  }

  const binary: [string, (a: Tensor, b: Tensor) => Tensor, [typeof any, typeof any]][] = [
    ['add', (a, b) => a.add(b), [any, any]],
    ['sub', (a, b) => a.sub(b), [any, any]],
    ['mul', (a, b) => a.mul(b), [any, any]],
    ['div', (a, b) => a.div(b), [any, (n) => awayFromZeroArb(n, 0.5)]],
    ['pow with a tensor exponent', (a, b) => a.pow(b), [positive, any]],
    ['maximum', (a, b) => a.maximum(b), [gridA, gridB]],
    ['minimum', (a, b) => a.minimum(b), [gridA, gridB]],
  ];
  for (const [name, f, [left, right]] of binary) {
    test(`${name} on broadcast-compatible pairs`, () => {
      fc.assert(
        fc.property(pairArb(left, right), ([a, b]) => expectGradcheck(f, [a, b])),
        fcParams(RUNS),
      );
    });
  }

  /** A tensor of rank ≥ minRank and an axis of it (or null), with keepDims. */
  const withAxis = (values: (n: number) => fc.Arbitrary<number[]>, minRank = 0) =>
    shapedArb(values, shapeArb({ minRank })).chain((x) =>
      fc.record({
        x: fc.constant(x),
        axis: x.ndim === 0 ? fc.constant(null) : fc.option(fc.integer({ min: -x.ndim, max: x.ndim - 1 })),
        keepDims: fc.boolean(),
      }),
    );

  test('sum, mean and max over all elements or a random axis, keepDims or not', () => {
    fc.assert(
      fc.property(withAxis(any), ({ x, axis, keepDims }) => {
        expectGradcheck((t) => t.sum(axis, keepDims), [x]);
        expectGradcheck((t) => t.mean(axis, keepDims), [x]);
      }),
      fcParams(RUNS),
    );
    fc.assert(
      fc.property(withAxis(distinctValuesArb), ({ x, axis, keepDims }) => {
        expectGradcheck((t) => t.max(axis, keepDims), [x]);
        expectGradcheck((t) => t.min(axis, keepDims), [x]);
      }),
      fcParams(RUNS),
    );
  });

  test('softmax, logSoftmax and logSumExp over a random axis', () => {
    fc.assert(
      fc.property(withAxis(any, 1), ({ x, axis, keepDims }) => {
        const ax = axis ?? -1;
        expectGradcheck((t) => t.softmax(ax), [x]);
        expectGradcheck((t) => t.logSoftmax(ax), [x]);
        expectGradcheck((t) => t.logSumExp(ax, keepDims), [x]);
      }),
      fcParams(RUNS),
    );
  });

  /** Shapes for the four NumPy cases of matmul, with batch axes that broadcast. */
  const matmulShapesArb = fc
    .record({
      kind: fc.constantFrom('1-D·1-D', '1-D·n-D', 'n-D·1-D', 'n-D·n-D'),
      m: fc.integer({ min: 1, max: 4 }),
      k: fc.integer({ min: 1, max: 4 }),
      n: fc.integer({ min: 1, max: 4 }),
      batch: broadcastPairArb({ maxRank: 2, maxSize: 3 }),
    })
    .map(({ kind, m, k, n, batch: [ba, bb] }) => {
      const left = kind.startsWith('1-D') ? [k] : [...ba, m, k];
      const right = kind.endsWith('1-D') ? [k] : [...bb, k, n];
      return [left, right] as const;
    });

  test('matmul: 1-D and n-D operands, batched, with broadcast batch axes', () => {
    fc.assert(
      fc.property(
        matmulShapesArb.chain(([sa, sb]) =>
          fc.tuple(
            any(sizeOfShape(sa)).map((d) => make(sa, d)),
            any(sizeOfShape(sb)).map((d) => make(sb, d)),
          ),
        ),
        ([a, b]) => expectGradcheck((x, y) => x.matmul(y), [a, b]),
      ),
      fcParams(RUNS * 2),
    );
  });

  test('reshape, permute, transpose and T', () => {
    const arb = shapedArb(any).chain((x) =>
      fc.record({
        x: fc.constant(x),
        order: fc.shuffledSubarray(
          x.shape.map((_, i) => i),
          { minLength: x.ndim, maxLength: x.ndim },
        ),
        axes: x.ndim === 0 ? fc.constant([0, 0]) : fc.tuple(fc.nat(x.ndim - 1), fc.nat(x.ndim - 1)),
      }),
    );
    fc.assert(
      fc.property(arb, ({ x, order, axes: [d0, d1] }) => {
        expectGradcheck((t) => t.reshape([-1]).reshape(t.shape.slice().reverse()), [x]);
        expectGradcheck((t) => t.permute(...order), [x]);
        expectGradcheck((t) => t.T, [x]);
        if (x.ndim > 0) expectGradcheck((t) => t.transpose(d0, d1 - x.ndim), [x]);
      }),
      fcParams(RUNS),
    );
  });

  test('slice with numbers, ranges, steps and negative bounds', () => {
    const indexArb = (size: number) =>
      fc.oneof(
        fc.integer({ min: -size, max: size - 1 }),
        fc.constant(null),
        fc.tuple(
          fc.option(fc.integer({ min: -size, max: size })),
          fc.option(fc.integer({ min: -size, max: size })),
          fc.integer({ min: 1, max: 3 }),
        ),
      );
    // indices for a leading run of axes (at least one); the rest stay whole
    const arb = shapedArb(any, shapeArb({ minRank: 1 })).chain((x) =>
      fc
        .integer({ min: 1, max: x.ndim })
        .chain((count) =>
          fc.record({ x: fc.constant(x), indices: fc.tuple(...x.shape.slice(0, count).map(indexArb)) }),
        ),
    );
    fc.assert(
      fc.property(arb, ({ x, indices }) => expectGradcheck((t) => t.slice(...indices), [x])),
      fcParams(RUNS * 2),
    );
  });

  test('concat and stack of two or three tensors along a random axis', () => {
    const arb = shapeArb({ minRank: 1, maxRank: 3 }).chain((shape) =>
      fc
        .record({
          axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
          sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }),
        })
        .chain(({ axis, sizes }) => {
          const ax = axis < 0 ? axis + shape.length : axis;
          const pieceShapes = sizes.map((size) => shape.map((d, j) => (j === ax ? size : d)));
          return fc.record({
            axis: fc.constant(axis),
            pieces: fc.tuple(...pieceShapes.map((s) => any(sizeOfShape(s)).map((d) => make(s, d)))),
            same: fc.tuple(...sizes.map(() => any(sizeOfShape(shape)).map((d) => make(shape, d)))),
          });
        }),
    );
    fc.assert(
      fc.property(arb, ({ axis, pieces, same }) => {
        expectGradcheck((...ts) => concat(ts, axis), pieces);
        expectGradcheck((...ts) => stack(ts, axis), same);
      }),
      fcParams(RUNS),
    );
  });

  test('broadcastTo and sumTo between a shape and one it broadcasts to', () => {
    const arb = broadcastFamilyArb(1).chain(({ full, shapes: [small] }) =>
      fc.tuple(
        any(sizeOfShape(small!)).map((d) => make(small!, d)),
        any(sizeOfShape(full)).map((d) => make(full, d)),
      ),
    );
    fc.assert(
      fc.property(arb, ([small, big]) => {
        expectGradcheck((t) => t.broadcastTo(big.shape), [small]);
        expectGradcheck((t) => t.sumTo(small.shape), [big]);
      }),
      fcParams(RUNS),
    );
  });
});

describe('broadcasting equals the explicit expanded computation', () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ['add', (a, b) => a.add(b), (x, y) => x + y],
    ['sub', (a, b) => a.sub(b), (x, y) => x - y],
    ['mul', (a, b) => a.mul(b), (x, y) => x * y],
    ['div', (a, b) => a.div(b), (x, y) => x / y],
    ['pow', (a, b) => a.pow(b), (x, y) => x ** y],
    ['maximum', (a, b) => a.maximum(b), Math.max],
    ['minimum', (a, b) => a.minimum(b), Math.min],
  ];

  test('every element of a broadcast op is the op on the elements broadcasting reads', () => {
    fc.assert(
      fc.property(pairArb(positive, positive), fc.constantFrom(...ops), ([a, b], [, f, ref]) => {
        const out = f(a, b);
        const shape = broadcastShape(a.shape, b.shape);
        expect(out.shape).toEqual(shape);
        const expected = Array.from({ length: out.size }, (_, i) =>
          ref(a.data[broadcastIndex(a.shape, shape, i)]!, b.data[broadcastIndex(b.shape, shape, i)]!),
        );
        expect(Array.from(out.data)).toEqual(expected);
      }),
      fcParams(RUNS * 4),
    );
  });

  test('sum of a broadcast op, and its gradients, equal those of broadcastTo then the op', () => {
    fc.assert(
      fc.property(pairArb(positive, positive), fc.constantFrom(...ops), ([a, b], [, f]) => {
        const shape = broadcastShape(a.shape, b.shape);
        const leaves = () => [a, b].map((t) => tensor(t, { requiresGrad: true }));
        const [a1, b1] = leaves();
        const [a2, b2] = leaves();
        const direct = scalarize(f(a1!, b1!));
        const expanded = scalarize(f(a2!.broadcastTo(shape), b2!.broadcastTo(shape)));
        expect(direct.item()).toBe(expanded.item());
        direct.backward();
        expanded.backward();
        expect(a1!.grad!.shape).toEqual(a.shape);
        expect(b1!.grad!.shape).toEqual(b.shape);
        expect(a1!.grad!.data).toBeAllClose(a2!.grad!.data, { rtol: 1e-13, atol: 1e-15 });
        expect(b1!.grad!.data).toBeAllClose(b2!.grad!.data, { rtol: 1e-13, atol: 1e-15 });
      }),
      fcParams(RUNS * 4),
    );
  });
});

const tensorAlgebra = engineAlgebra<Tensor>();
const valueAlgebra = engineAlgebra<Value>();

describe('random expression DAGs', () => {
  test('a Value computation and the same one on 1-element tensors give identical values and gradients', () => {
    let exact = 0;
    fc.assert(
      fc.property(
        programArbitrary(),
        fc.constantFrom<number[]>([], [1], [1, 1]),
        (program: Program, shape: number[]) => {
          const values = program.leaves.map((x) => value(x));
          const tensors = program.leaves.map((x) => tensor([x], { shape, requiresGrad: true }));
          const v = runProgram(valueAlgebra, program, values);
          const t = runProgram(tensorAlgebra, program, tensors);
          v.backward();
          t.backward();
          expect(t.shape).toEqual(shape);
          expect(t.item()).toBe(v.data);
          const tensorGrads = tensors.map((x) => x.grad?.item() ?? 0);
          const valueGrads = values.map((x) => x.grad);
          // div's rules are written differently (a/b² for Value, out/b for Tensor): equal to rounding;
          // every other op has the same rule, so the gradients are the same bits
          if (program.instructions.some((ins) => ins.kind === 'div')) {
            expect(tensorGrads).toBeAllClose(valueGrads, { rtol: 1e-12, atol: 1e-14 });
          } else {
            expect(tensorGrads).toEqual(valueGrads);
            exact++;
          }
        },
      ),
      fcParams(300),
    );
    expect(exact).toBeGreaterThan(50);
  });

  test('over broadcast tensor leaves, values match plain numbers element by element and gradients pass gradcheck', () => {
    const arb = fc
      .tuple(programArbitrary({ maxInstructions: 8 }), broadcastFamilyArb(5, { maxRank: 3, maxSize: 3 }))
      .chain(([program, { full, shapes }]) => {
        const leafShapes = shapes.slice(0, program.leaves.length);
        return fc.record({
          program: fc.constant(program),
          full: fc.constant(full),
          leaves: fc.tuple(...leafShapes.map((s) => valuesArb(sizeOfShape(s)).map((d) => make(s, d)))),
        });
      });
    fc.assert(
      fc.property(arb, ({ program, full, leaves }) => {
        const out = runProgram(tensorAlgebra, program, leaves);
        // the output broadcasts into the full shape; each element is the program run on plain numbers
        expect(broadcastShape(out.shape, full)).toEqual(full);
        const size = sizeOfShape(full);
        const got = Array.from({ length: size }, (_, i) => out.data[broadcastIndex(out.shape, full, i)]!);
        const expected = Array.from({ length: size }, (_, i) =>
          runProgram(
            numberAlgebra,
            program,
            leaves.map((l) => l.data[broadcastIndex(l.shape, full, i)]!),
          ),
        );
        expect(got).toBeAllClose(expected, { rtol: 1e-12, atol: 1e-12 });
        expectGradcheck((...xs) => runProgram(tensorAlgebra, program, xs), leaves);
      }),
      fcParams(60),
    );
  });
});
