// Helpers of the reduction tests (prod, var, std, norm, argmin, cumsum, logcumsumexp): gradient checks to
// the second order, and a plain-number reference over slices, independent of the engine.

import { grad, gradcheck, type Tensor, tensor } from '@chainrule/engine';
import fc from 'fast-check';
import { expect } from 'vitest';
import { expectClose } from './numeric.js';
import { shapeArb, sizeOfShape, valuesArb, weightsFor } from './tensors.js';

export const make = (shape: readonly number[], data: ArrayLike<number>): Tensor =>
  tensor(Float64Array.from(data), { shape });

/** Any output made scalar with fixed, varied weights, so each element gets its own upstream gradient. */
export const scalarize = (out: Tensor): Tensor => out.mul(make(out.shape, weightsFor(out.size))).sum();

export function expectGradcheck(f: (x: Tensor) => Tensor, x: Tensor): void {
  const report = gradcheck((t: Tensor) => scalarize(f(t)), [x]);
  expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
}

/** The gradient, recorded, differentiated again and compared with central differences of the gradient. */
export function expectSecondOrder(f: (x: Tensor) => Tensor, x: Tensor): void {
  const g = grad((t: Tensor) => scalarize(f(t)));
  const report = gradcheck((t: Tensor) => scalarize(g(t)), [x]);
  expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
}

// ---- a plain-number reference, independent of the engine -------------------------------------

/** The flat indices of each slice along `axis` (all elements when null), in the output's row-major order. */
export function slices(shape: readonly number[], axis: number | null): number[][] {
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

export function reducedShape(shape: readonly number[], axis: number | null, keepDims: boolean): number[] {
  if (axis === null) return keepDims ? shape.map(() => 1) : [];
  return shape.flatMap((d, i) => (i !== axis ? [d] : keepDims ? [1] : []));
}

export const reference = {
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
export const distinctMagnitudes = (n: number) =>
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
export const caseArb = (values: (n: number) => fc.Arbitrary<number[]> = (n) => valuesArb(n)) =>
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

export const positiveAxis = (axis: number | null, rank: number): number | null =>
  axis === null ? null : axis < 0 ? axis + rank : axis;

/** Fails unless `actual` has the shape and, slice by slice, the values `f` gives the plain numbers. */
export function expectReference(
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
