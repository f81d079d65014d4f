// Numeric test helpers: central finite differences and a typed closeness check (function and matcher).

import { expect } from 'vitest';

/** Whether two arrays hold the same doubles, element for element: NaN and the sign of zero included (Object.is). */
export function identical(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A number or a flat array of numbers, as tests compare them (scalars, gradients, tensor data). */
export type Numeric = number | ArrayLike<number>;

/** How close is close: |actual - expected| <= atol + rtol·|expected|, elementwise. */
export interface Tolerance {
  /** Relative tolerance, scaled by |expected|. Default 1e-6. */
  rtol?: number;
  /** Absolute tolerance, for expected values at or near zero. Default 0. */
  atol?: number;
  /** Whether NaN matches NaN. Default false: a NaN anywhere is a mismatch. */
  equalNaN?: boolean;
}

/** The outcome of comparing two Numerics, with the worst element for the failure message. */
export interface Closeness {
  ok: boolean;
  /** Why the comparison failed, or '' when it passed. */
  message: string;
}

/** Options of the finite-difference helpers. */
export interface DiffOptions {
  /**
   * Step relative to the point: h = step·max(1, |x|). Default 1e-4 (with Richardson, gradcheck's own
   * step) or 1e-5 (without). Scaling h to |x| assumes f varies on the scale of |x|; for a function that
   * oscillates faster (sin at x = 1000), pass a smaller step.
   */
  step?: number;
  /**
   * Combine the central differences at h and h/2 as (4·D(h/2) - D(h)) / 3, cancelling the h² error
   * term, so the result is good to about 1e-10 for smooth functions. Default true.
   */
  richardson?: boolean;
}

/**
 * The derivative of `f` at `x` by central differences, (f(x+h) - f(x-h)) / 2h with h scaled to |x|,
 * Richardson-extrapolated unless `richardson: false`.
 */
export function centralDiff(f: (x: number) => number, x: number, options: DiffOptions = {}): number {
  const richardson = options.richardson ?? true;
  const h = (options.step ?? (richardson ? 1e-4 : 1e-5)) * Math.max(1, Math.abs(x));
  const central = (step: number): number => (f(x + step) - f(x - step)) / (2 * step);
  return richardson ? (4 * central(h / 2) - central(h)) / 3 : central(h);
}

/**
 * The gradient of a function of several numbers by `centralDiff` along each coordinate. The function
 * receives a fresh Float64Array each call, so it may keep or modify it.
 */
export function numericGradient(
  f: (xs: Float64Array) => number,
  xs: ArrayLike<number>,
  options: DiffOptions = {},
): Float64Array {
  const point = Float64Array.from(xs);
  return point.map((xi, i) =>
    centralDiff(
      (t) => {
        const moved = Float64Array.from(point);
        moved[i] = t;
        return f(moved);
      },
      xi,
      options,
    ),
  );
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return typeof x === 'object' && x !== null && typeof (x as ArrayLike<number>).length === 'number';
}

function show(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(17).replace(/\.?0+(e|$)/, '$1') : String(x);
}

/**
 * Compares `actual` with `expected` elementwise: both numbers, or both array-likes of the same length.
 * Infinities match only themselves; NaN matches nothing unless `equalNaN`.
 */
export function closeness(actual: unknown, expected: Numeric, tolerance: Tolerance = {}): Closeness {
  const rtol = tolerance.rtol ?? 1e-6;
  const atol = tolerance.atol ?? 0;
  const scalar = typeof expected === 'number';
  if (scalar ? typeof actual !== 'number' : !isArrayLike(actual)) {
    return { ok: false, message: `expected ${scalar ? 'a number' : 'an array'}, got ${String(actual)}` };
  }
  const a: ArrayLike<number> = scalar ? [actual as number] : (actual as ArrayLike<number>);
  const e: ArrayLike<number> = scalar ? [expected] : expected;
  if (a.length !== e.length) {
    return { ok: false, message: `lengths differ: got ${a.length} elements, expected ${e.length}` };
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    let excess: number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      excess = tolerance.equalNaN && Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.POSITIVE_INFINITY;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      excess = x === y ? 0 : Number.POSITIVE_INFINITY;
    } else {
      excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    }
    if (excess > 0 && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst < 0) return { ok: true, message: '' };
  const x = a[worst]!;
  const y = e[worst]!;
  const where = scalar ? '' : ` at index ${worst}`;
  const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
  return {
    ok: false,
    message:
      `got ${show(x)}, expected ${show(y)}${where}: ` +
      `|difference| ${show(Math.abs(x - y))} (relative ${rel.toExponential(2)}) exceeds ` +
      `atol ${atol} + rtol ${rtol}·|expected|`,
  };
}

/** Fails the test unless `actual` is within `tolerance` of `expected` (see `closeness`). */
export function expectClose(actual: unknown, expected: Numeric, tolerance: Tolerance = {}): void {
  const result = closeness(actual, expected, tolerance);
  if (!result.ok) throw new Error(`not close: ${result.message}`);
}

/** `expectClose` with a relative tolerance (default 1e-6) and an optional absolute one. */
export function expectRelClose(actual: unknown, expected: Numeric, rtol = 1e-6, atol = 0): void {
  expectClose(actual, expected, { rtol, atol });
}

expect.extend({
  toBeAllClose(received: unknown, expected: Numeric, tolerance: Tolerance = {}) {
    const { ok, message } = closeness(received, expected, tolerance);
    return {
      pass: ok,
      message: () =>
        ok
          ? `expected ${String(received)} not to be close to ${String(expected)}`
          : `expected values to be close: ${message}`,
    };
  },
});

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the declaration must match vitest's own `Matchers<T = any>`.
  interface Matchers<T = any> {
    /**
     * Elementwise |received - expected| <= atol + rtol·|expected| for numbers or array-likes
     * (number[], Float64Array). Registered by importing `test/support/numeric.ts`.
     */
    toBeAllClose(expected: Numeric, tolerance?: Tolerance): T;
  }
}
