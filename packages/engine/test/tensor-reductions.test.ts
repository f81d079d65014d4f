// prod, var, std, norm, argmin, cumsum and logcumsumexp: hand-worked values and PyTorch's conventions (zeros in prod,
// the 2-norm at zero, ties), a plain-number reference on random shapes, gradcheck to the first and second
// order, forward mode (jvp = J·v), and the ts and wasm backends bit for bit.

import {
  getBackend,
  grad,
  gradcheck,
  hessian,
  jacobian,
  jvp,
  setBackend,
  type Tensor,
  tensor,
} from '@chainrule/engine';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { expectClose } from './support/numeric.js';
import {
  awayFromZeroArb,
  expectTensor,
  fcParams,
  shapeArb,
  sizeOfShape,
  valuesArb,
  weightsFor,
} from './support/tensors.js';

const make = (shape: readonly number[], data: ArrayLike<number>): Tensor =>
  tensor(Float64Array.from(data), { shape });

/** Any output made scalar with fixed, varied weights, so each element gets its own upstream gradient. */
const scalarize = (out: Tensor): Tensor => out.mul(make(out.shape, weightsFor(out.size))).sum();

function expectGradcheck(f: (x: Tensor) => Tensor, x: Tensor): void {
  const report = gradcheck((t: Tensor) => scalarize(f(t)), [x]);
  expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
}

/** The gradient, recorded, differentiated again and compared with central differences of the gradient. */
function expectSecondOrder(f: (x: Tensor) => Tensor, x: Tensor): void {
  const g = grad((t: Tensor) => scalarize(f(t)));
  const report = gradcheck((t: Tensor) => scalarize(g(t)), [x]);
  expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
}

// ---- a plain-number reference, independent of the engine -------------------------------------

/** The flat indices of each slice along `axis` (all elements when null), in the output's row-major order. */
function slices(shape: readonly number[], axis: number | null): number[][] {
  const size = sizeOfShape(shape);
  if (axis === null) return [Array.from({ length: size }, (_, i) => i)];
  const len = shape[axis]!;
  const inner = sizeOfShape(shape.slice(axis + 1));
  const outer = size / (len * inner) || 0;
  const out: number[][] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      out.push(Array.from({ length: len }, (_, j) => (o * len + j) * inner + i));
  return out;
}

function reducedShape(shape: readonly number[], axis: number | null, keepDims: boolean): number[] {
  if (axis === null) return keepDims ? shape.map(() => 1) : [];
  return shape.flatMap((d, i) => (i !== axis ? [d] : keepDims ? [1] : []));
}

const reference = {
  prod: (xs: number[]) => xs.reduce((p, x) => p * x, 1),
  variance: (xs: number[], correction: number) => {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - correction);
  },
  norm1: (xs: number[]) => xs.reduce((s, x) => s + Math.abs(x), 0),
  norm2: (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0)),
  normInf: (xs: number[]) => Math.max(...xs.map(Math.abs)),
  argmin: (xs: number[]) => {
    let best = 0;
    for (let j = 0; j < xs.length; j++) {
      if (Number.isNaN(xs[j]!)) return j;
      if (xs[j]! < xs[best]!) best = j;
    }
    return best;
  },
};

/**
 * `n` values of distinct magnitudes, 0.1 apart from 0.1 up, with random signs, in random order: away
 * from every kink of the norms (no zero, no tie in |x|) and with a positive variance when n > 1.
 */
const distinctMagnitudes = (n: number) =>
  fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      valuesArb(n, 0, 0.02),
    )
    .map(([order, signs, jitter]) => order.map((k, i) => (signs[i] ? -1 : 1) * (0.1 * (k + 1) + jitter[i]!)));

/** A tensor of random shape (rank 0–4, sizes 1–4), an axis of it or null, and keepDims. */
const caseArb = (values: (n: number) => fc.Arbitrary<number[]> = (n) => valuesArb(n)) =>
  shapeArb({ maxRank: 4, maxSize: 4 }).chain((shape) =>
    fc.record({
      x: values(sizeOfShape(shape)).map((data) => make(shape, data)),
      axis:
        shape.length === 0
          ? fc.constant(null)
          : fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 })),
      keepDims: fc.boolean(),
    }),
  );

const positiveAxis = (axis: number | null, rank: number): number | null =>
  axis === null ? null : axis < 0 ? axis + rank : axis;

/** Fails unless `actual` has the shape and, slice by slice, the values `f` gives the plain numbers. */
function expectReference(
  actual: Tensor,
  x: Tensor,
  axis: number | null,
  keepDims: boolean,
  f: (xs: number[]) => number,
  tolerance = { rtol: 1e-12, atol: 1e-14 },
): void {
  const ax = positiveAxis(axis, x.ndim);
  expect(actual.shape).toEqual(reducedShape(x.shape, ax, keepDims));
  const expected = slices(x.shape, ax).map((s) => f(s.map((i) => x.data[i]!)));
  expectClose(actual.data, expected, tolerance);
}

// ---- hand-worked values and conventions --------------------------------------------------------

describe('prod', () => {
  test('multiplies along an axis or over everything, with keepDims and negative axes', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.prod().item()).toBe(720);
    expectTensor(t.prod(0), [4, 10, 18]);
    expectTensor(t.prod(-1, true), [[6], [120]]);
    expectTensor(t.prod(null, true), [[720]]);
    expect(tensor(5).prod(0).item()).toBe(5);
    expect(tensor([]).prod().item()).toBe(1);
  });

  test('sends each element the product of the others, times the upstream gradient', () => {
    const x = tensor([[2, 3, 4]], { requiresGrad: true });
    x.prod(1).backward(tensor([10]));
    expectTensor(x.grad, [[120, 80, 60]]);
  });

  test('with one zero in a slice only the zero gets a gradient; with two, none does', () => {
    const x = tensor(
      [
        [2, 0, 3],
        [0, 5, 0],
        [1, 2, 4],
      ],
      { requiresGrad: true },
    );
    x.prod(1).sum().backward();
    expectTensor(x.grad, [
      [0, 6, 0],
      [0, 0, 0],
      [8, 4, 2],
    ]);
  });

  test('its Hessian with zeros is exact: ∂²/∂xᵢ∂xⱼ is the product of the rest', () => {
    const h = (xs: number[]) => (hessian((t: Tensor) => t.prod())(tensor(xs)) as Tensor).toArray();
    expect(h([0, 2, 3])).toEqual([
      [0, 3, 2],
      [3, 0, 0],
      [2, 0, 0],
    ]);
    // two zeros: the gradient is 0 everywhere, but the mixed derivative of the two zeros is not
    expect(h([0, 0, 3])).toEqual([
      [0, 3, 0],
      [3, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('passes gradcheck to the second order with and without zeros', () => {
    const rows = tensor([
      [0.5, -1.5, 2, 0.7],
      [0, 1.2, -0.8, 1.1],
      [0, 0, 1.3, -0.6],
    ]);
    for (const axis of [0, 1, null]) {
      expectGradcheck((t) => t.prod(axis), rows);
      expectSecondOrder((t) => t.prod(axis), rows);
    }
  });
});

describe('var and std', () => {
  const t = tensor([
    [1, 2, 3, 4],
    [2, 2, 2, 2],
  ]);

  test('divide by n - 1 by default and by n with correction 0', () => {
    expectTensor(t.var(1), [5 / 3, 0]);
    expectTensor(t.var(1, { correction: 0 }), [1.25, 0]);
    expectTensor(t.var(0), [0.5, 0, 0.5, 2]);
    expect(t.var().item()).toBeCloseTo(5.5 / 7, 14);
    expectTensor(t.std(-1, { correction: 0, keepDims: true }), [[Math.sqrt(1.25)], [0]]);
    expectTensor(t.std(1, true), [[Math.sqrt(5 / 3)], [0]]);
    expect(tensor([2, 4, 4, 4, 5, 5, 7, 9]).std(0, { correction: 0 }).item()).toBe(2);
  });

  test('have the gradient 2(x - mean)/(n - correction), and std its quotient by 2·std', () => {
    const x = tensor([1, 2, 6], { requiresGrad: true });
    x.var().backward();
    expectTensor(x.grad, [-2, -1, 3]);
    x.zeroGrad();
    x.std(0, { correction: 0 }).backward();
    const s = Math.sqrt(14 / 3);
    expectTensor(x.grad, [-2 / 3 / s, -1 / 3 / s, 1 / s]);
  });

  test('refuse n - correction <= 0 with a RangeError naming the op, the axis and the count', () => {
    expect(() => tensor([[1], [2]]).var(1)).toThrow(
      new RangeError(
        'var: axis 1 of [2,1] holds 1 element, and with correction 1 the divisor n - correction = 0 is not positive',
      ),
    );
    expect(() => tensor([1, 2]).std(null, { correction: 2 })).toThrow(
      /^std: the tensor \[2\] holds 2 elements, and with correction 2 .* = 0 is not positive$/,
    );
    expect(() => tensor([]).var(0, { correction: 0 })).toThrow(/^var: axis 0 of \[0\] holds 0 elements/);
    expect(
      tensor([[1], [2]])
        .var(1, { correction: 0 })
        .toArray(),
    ).toEqual([0, 0]);
  });

  test('refuse arguments of the wrong kind', () => {
    expect(() => t.var(1, { correction: -1 })).toThrow(
      /^var: correction must be a finite number >= 0, got -1/,
    );
    expect(() => t.std(1, { correction: '1' as unknown as number })).toThrow(TypeError);
    expect(() => t.var(1, 'yes' as unknown as boolean)).toThrow(/^var: expected keepDims or/);
    expect(() => t.std(2)).toThrow(/^std: axis 2 is out of range/);
  });

  test('pass gradcheck to the second order', () => {
    const x = tensor([
      [0.3, -1.2, 2.5],
      [1.1, 0.4, -0.7],
    ]);
    for (const axis of [0, -1, null]) {
      for (const correction of [0, 1]) {
        expectSecondOrder((v) => v.var(axis, { correction }), x);
        expectSecondOrder((v) => v.std(axis, { correction }), x);
      }
    }
  });
});

describe('norm', () => {
  test('gives the 1-, 2- and Infinity-norms along an axis or over everything', () => {
    const t = tensor([
      [3, -4],
      [0, 0],
      [-1, 1],
    ]);
    expect(t.norm().item()).toBe(Math.sqrt(27));
    expectTensor(t.norm(2, 1), [5, 0, Math.SQRT2]);
    expectTensor(t.norm(1, -1, true), [[7], [0], [2]]);
    expectTensor(t.norm(Number.POSITIVE_INFINITY, 0), [3, 4]);
    expect(tensor([]).norm().item()).toBe(0);
  });

  test('the 2-norm has gradient 0 at the zero vector, and x/‖x‖ elsewhere', () => {
    const x = tensor(
      [
        [0, 0],
        [3, -4],
      ],
      { requiresGrad: true },
    );
    x.norm(2, 1).sum().backward();
    expectTensor(x.grad, [
      [0, 0],
      [0.6, -0.8],
    ]);
    const h = hessian((v: Tensor) => v.norm())(tensor([0, 0])) as Tensor;
    expect(Array.from(h.data).every((v) => v === 0)).toBe(true);
  });

  test('the 2-norm is bit for bit Math.sqrt of the sum of squares', () => {
    fc.assert(
      fc.property(valuesArb(7, -1e3, 1e3), (xs) => {
        expect(tensor(xs).norm().item()).toBe(Math.sqrt(tensor(xs).mul(tensor(xs)).sum().item()));
      }),
      fcParams(50),
    );
  });

  test('the Infinity-norm shares its gradient evenly among ties of magnitude, with their signs', () => {
    const x = tensor([3, -3, 1, 2], { requiresGrad: true });
    x.norm(Number.POSITIVE_INFINITY).backward();
    expectTensor(x.grad, [0.5, -0.5, 0, 0]);
  });

  test('the 1-norm has gradient sign(x), 0 at 0', () => {
    const x = tensor([2, 0, -1], { requiresGrad: true });
    x.norm(1).backward();
    expectTensor(x.grad, [1, 0, -1]);
  });

  test('refuses other p, naming the value', () => {
    const t = tensor([1, 2]);
    expect(() => t.norm(3)).toThrow(
      new RangeError('norm: p = 3 is not supported: p must be 1, 2 or Infinity'),
    );
    expect(() => t.norm(0)).toThrow(/^norm: p = 0 is not supported/);
    expect(() => t.norm(Number.NEGATIVE_INFINITY)).toThrow(/^norm: p = -Infinity/);
    expect(() => t.norm('fro' as unknown as number)).toThrow(TypeError);
    expect(() => tensor([[], []]).norm(Number.POSITIVE_INFINITY, 1)).toThrow(
      /^norm: cannot take the Infinity-norm over no elements: axis 1 of \[2,0\] is empty/,
    );
  });

  test('passes gradcheck to the second order away from its kinks', () => {
    const x = tensor([
      [0.3, -1.2, 2.5],
      [1.1, 0.45, -0.7],
    ]);
    for (const axis of [0, 1, null]) {
      expectSecondOrder((v) => v.norm(2, axis), x);
      expectSecondOrder((v) => v.norm(1, axis), x);
      expectSecondOrder((v) => v.norm(Number.POSITIVE_INFINITY, axis), x);
    }
  });
});

describe('argmin', () => {
  test('gives the first index of the minimum, a NaN winning as in PyTorch', () => {
    const t = tensor([
      [1, 5, 1],
      [7, 2, 2],
    ]);
    expectTensor(t.argmin(1), [0, 1]);
    expectTensor(t.argmin(-2), [0, 1, 0]);
    expect(t.argmin().item()).toBe(0);
    expect(tensor([3, Number.NaN, 1, Number.NaN]).argmin().item()).toBe(1);
    expectTensor(
      tensor([
        [2, Number.NaN],
        [Number.NaN, -1],
      ]).argmin(0),
      [1, 0],
    );
    expect(tensor([0, -0, -1e-300]).argmin().item()).toBe(2);
    expect(tensor([-0, 0]).argmin().item()).toBe(0);
  });

  test('takes no gradient and refuses what argmax refuses, naming argmin', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.argmin().requiresGrad).toBe(false);
    expect(() => tensor([]).argmin()).toThrow('argmin: an empty tensor [0] has no minimum');
    expect(() => x.argmin(1)).toThrow(/^argmin: axis 1 is out of range/);
  });
});

describe('cumsum', () => {
  test('adds up along an axis, negative axes counting from the end', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectTensor(t.cumsum(1), [
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expectTensor(t.cumsum(-2), [
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(tensor(5).cumsum(0).toArray()).toBe(5);
    expect(tensor([[], []]).cumsum(1).shape).toEqual([2, 0]);
    expect(() => t.cumsum(2)).toThrow(/^cumsum: axis 2 is out of range/);
  });

  test('its gradient is the running sum of g from the far end', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    x.cumsum(1).backward(tensor([[1, 10, 100]]));
    expectTensor(x.grad, [[111, 110, 100]]);
  });
});

describe('logcumsumexp', () => {
  test('is log Σ_{k ≤ j} exp(x_k), stable for elements far below or above the others', () => {
    expectTensor(tensor([0, 0, 0]).logcumsumexp(0), [0, Math.log(2), Math.log(3)]);
    expectTensor(
      tensor([
        [1, 2],
        [3, 4],
      ]).logcumsumexp(-2),
      [
        [1, 2],
        [3 + Math.log1p(Math.exp(-2)), 4 + Math.log1p(Math.exp(-2))],
      ],
    );
    // one global shift (log(cumsum(exp(x - 1000))) + 1000) would give -Infinity for the first two
    expectTensor(tensor([-1000, -999, 1000]).logcumsumexp(0), [-1000, -999 + Math.log1p(Math.exp(-1)), 1000]);
    expectTensor(tensor([1000, -1000, 1000]).logcumsumexp(0), [1000, 1000, 1000 + Math.log(2)]);
    expectTensor(tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]).logcumsumexp(0), [
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0,
    ]);
    expect(tensor(3).logcumsumexp(0).toArray()).toBe(3);
    expect(() => tensor([1]).logcumsumexp(1)).toThrow(/^logcumsumexp: axis 1 is out of range/);
  });

  test('its gradient is a softmax over each prefix, summed over the prefixes an element is in', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.logcumsumexp(0).backward(tensor([1, 10, 100]));
    const e = [Math.E, Math.E ** 2, Math.E ** 3];
    const s2 = e[0]! + e[1]!;
    const s3 = s2 + e[2]!;
    expectTensor(x.grad, [
      1 + (10 * e[0]!) / s2 + (100 * e[0]!) / s3,
      (10 * e[1]!) / s2 + (100 * e[1]!) / s3,
      (100 * e[2]!) / s3,
    ]);
  });

  test('passes gradcheck to the second order, ties included', () => {
    const x = tensor([
      [0.3, -1.2, 2.5, 0.3],
      [1.1, 1.1, -0.7, 40],
    ]);
    for (const axis of [0, 1, -1]) expectSecondOrder((v) => v.logcumsumexp(axis), x);
  });
});

// ---- random shapes against the plain-number reference -------------------------------------------

describe('against a plain-number reference on random shapes', () => {
  test('prod, norm and argmin', () => {
    fc.assert(
      fc.property(caseArb(), ({ x, axis, keepDims }) => {
        expectReference(x.prod(axis, keepDims), x, axis, keepDims, reference.prod);
        expectReference(x.norm(1, axis, keepDims), x, axis, keepDims, reference.norm1);
        expectReference(x.norm(2, axis, keepDims), x, axis, keepDims, reference.norm2);
        expectReference(
          x.norm(Number.POSITIVE_INFINITY, axis, keepDims),
          x,
          axis,
          keepDims,
          reference.normInf,
        );
        expectReference(x.argmin(axis), x, axis, false, reference.argmin, { rtol: 0, atol: 0 });
      }),
      fcParams(100),
    );
  });

  test('var and std with correction 0 and 1, refused exactly when n - correction <= 0', () => {
    fc.assert(
      fc.property(caseArb(), fc.constantFrom(0, 1), ({ x, axis, keepDims }, correction) => {
        const ax = positiveAxis(axis, x.ndim);
        const n = ax === null ? x.size : x.shape[ax]!;
        if (n - correction <= 0) {
          expect(() => x.var(axis, { correction, keepDims })).toThrow(RangeError);
          return;
        }
        const v = (xs: number[]) => reference.variance(xs, correction);
        expectReference(x.var(axis, { correction, keepDims }), x, axis, keepDims, v);
        expectReference(x.std(axis, { correction, keepDims }), x, axis, keepDims, (xs) => Math.sqrt(v(xs)));
      }),
      fcParams(100),
    );
  });

  test('logcumsumexp, against a running log-add-exp', () => {
    fc.assert(
      fc.property(
        caseArb((n) => valuesArb(n, -50, 50)),
        ({ x, axis }) => {
          const ax = positiveAxis(axis ?? -1, x.ndim) ?? 0;
          const expected = new Float64Array(x.size);
          for (const s of slices(x.shape, x.ndim === 0 ? null : ax)) {
            let total = Number.NEGATIVE_INFINITY;
            for (const i of s) {
              const m = Math.max(total, x.data[i]!);
              expected[i] = total = m + Math.log(Math.exp(total - m) + Math.exp(x.data[i]! - m));
            }
          }
          const out = x.logcumsumexp(axis ?? -1);
          expect(out.shape).toEqual(x.shape);
          expectClose(out.data, expected, { rtol: 1e-13, atol: 1e-13 });
        },
      ),
      fcParams(100),
    );
  });

  test('cumsum, exactly', () => {
    fc.assert(
      fc.property(caseArb(), ({ x, axis }) => {
        const ax = positiveAxis(axis ?? -1, x.ndim) ?? 0;
        const expected = new Float64Array(x.size);
        for (const s of slices(x.shape, x.ndim === 0 ? null : ax)) {
          let total = 0;
          for (const i of s) expected[i] = total += x.data[i]!;
        }
        const out = x.cumsum(axis ?? -1);
        expect(out.shape).toEqual(x.shape);
        expect(Array.from(out.data)).toEqual(Array.from(expected));
        // the last running total is the sum, bit for bit
        if (x.ndim > 0 && x.shape[ax]! > 0) {
          const last = out.slice(...x.shape.map((_, d) => (d === ax ? -1 : null)));
          expect(Array.from(last.data)).toEqual(Array.from(x.sum(ax).data));
        }
      }),
      fcParams(100),
    );
  });
});

// ---- gradients on random inputs -----------------------------------------------------------------

describe('gradcheck on random shapes', () => {
  test('prod (zeros drawn too), var, std, 2-norm and cumsum', () => {
    const withZeros = (n: number) =>
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: -2, max: 2, noNaN: true })), {
        minLength: n,
        maxLength: n,
      });
    fc.assert(
      fc.property(caseArb(withZeros), ({ x, axis, keepDims }) => {
        expectGradcheck((t) => t.prod(axis, keepDims), x);
        expectGradcheck((t) => t.cumsum(axis ?? 0), x);
      }),
      fcParams(40),
    );
    fc.assert(
      fc.property(caseArb(distinctMagnitudes), ({ x, axis, keepDims }) => {
        const ax = positiveAxis(axis, x.ndim);
        const n = ax === null ? x.size : x.shape[ax]!;
        if (n >= 2) {
          expectGradcheck((t) => t.var(axis, keepDims), x);
          expectGradcheck((t) => t.std(axis, { keepDims, correction: 0 }), x);
        }
        expectGradcheck((t) => t.norm(2, axis, keepDims), x);
        expectGradcheck((t) => t.norm(Number.POSITIVE_INFINITY, axis, keepDims), x);
        expectGradcheck((t) => t.logcumsumexp(axis ?? 0), x);
      }),
      fcParams(40),
    );
    fc.assert(
      fc.property(caseArb(awayFromZeroArb), ({ x, axis, keepDims }) => {
        expectGradcheck((t) => t.norm(1, axis, keepDims), x);
      }),
      fcParams(25),
    );
  });

  test('second order of prod on random shapes with zeros', () => {
    const sparse = (n: number) =>
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: -2, max: 2, noNaN: true })), {
        minLength: n,
        maxLength: n,
      });
    fc.assert(
      fc.property(caseArb(sparse), ({ x, axis, keepDims }) => {
        expectSecondOrder((t) => t.prod(axis, keepDims), x);
      }),
      fcParams(25),
    );
  });
});

// ---- forward mode and backends ------------------------------------------------------------------

/** Each new op as a function of one [3, 4] tensor. */
const OPS: Record<string, (x: Tensor) => Tensor> = {
  prod: (x) => x.prod(1),
  prodAll: (x) => x.prod(),
  var: (x) => x.var(0),
  std: (x) => x.std(-1, { correction: 0, keepDims: true }),
  norm1: (x) => x.norm(1, 1),
  norm2: (x) => x.norm(2, 0),
  normInf: (x) => x.norm(Number.POSITIVE_INFINITY, 1),
  cumsum: (x) => x.cumsum(1),
  cumsum0: (x) => x.cumsum(0).mul(x),
  logcumsumexp: (x) => x.logcumsumexp(1),
  logcumsumexp0: (x) => x.logcumsumexp(-2),
};

describe('forward mode', () => {
  test.each(Object.keys(OPS))('jvp of %s equals the Jacobian times v', (name) => {
    const f = OPS[name]!;
    const x = make(
      [3, 4],
      Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 0 : Math.sin(i + 1) * 2)),
    );
    const withZeros = name.startsWith('prod');
    const at = withZeros ? x : x.add(make([3, 4], weightsFor(12)));
    const v = make(
      [3, 4],
      Array.from({ length: 12 }, (_, i) => Math.cos(3 * i)),
    );
    const [y, dy] = jvp(f, [at], [v]) as [Tensor, Tensor];
    const J = jacobian(f)(at);
    expect(J.shape).toEqual([...y.shape, 3, 4]);
    const jv = J.reshape([y.size, 12]).matmul(v.reshape([12]));
    expectClose(dy.data, jv.data, { rtol: 1e-12, atol: 1e-12 });
    expect(dy.shape).toEqual(y.shape);
  });
});

describe('backends', () => {
  const initial = getBackend();
  afterEach(() => setBackend(initial));

  test.skipIf(
    !(() => {
      try {
        setBackend('wasm');
        return true;
      } catch {
        return false;
      } finally {
        setBackend(initial);
      }
    })(),
  )('ts and wasm give the same bits for values, gradients and second-order gradients', () => {
    // 40×50: large enough for the wasm elementwise kernels to run
    const data = Array.from({ length: 2000 }, (_, i) => (i % 17 === 0 ? 0 : Math.sin(i * 1.3) * 1.5));
    const run = (backend: 'ts' | 'wasm', f: (x: Tensor) => Tensor): number[] => {
      setBackend(backend);
      const x = make([40, 50], data);
      const y = f(x);
      const g = grad((t: Tensor) => scalarize(f(t)))(x);
      const gg = grad((t: Tensor) => scalarize(grad((u: Tensor) => scalarize(f(u)))(t)))(x);
      return [...y.data, ...g.data, ...gg.data];
    };
    for (const [name, f] of Object.entries(OPS)) {
      const ts = run('ts', f);
      const wasm = run('wasm', f);
      expect(wasm.length).toBe(ts.length);
      const differing = ts.findIndex((v, i) => !Object.is(v, wasm[i]));
      expect(differing, `${name}: element ${differing} differs`).toBe(-1);
    }
    const argmins = (['ts', 'wasm'] as const).map((b) => {
      setBackend(b);
      return make([40, 50], data).argmin(1).toArray();
    });
    expect(argmins[1]).toEqual(argmins[0]);
  });
});
