// TypeScript kernels that fill an array or read one through a function: constants, ranges, the
// identity's diagonal, draws from a generator, a custom op's elementwise function, a search.

/** out[i] = value for every i. */
export function fill(out: Float64Array, value: number): void {
  out.fill(value);
}

/** out[i] = start + i·step: each element computed from i, never by repeated addition. */
export function arange(out: Float64Array, start: number, step: number): void {
  for (let i = 0; i < out.length; i++) out[i] = start + i * step;
}

/** out (viewed as rows×cols) gets `value` on its diagonal, out[i·cols + i] for i < min(rows, cols); the rest is left as it is. */
export function fillDiagonal(out: Float64Array, rows: number, cols: number, value: number): void {
  for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = value;
}

/** out[i] = next(), called once per element in order of i. */
export function generate(out: Float64Array, next: () => number): void {
  for (let i = 0; i < out.length; i++) out[i] = next();
}

/** out[i] = f(inputs[0][i], inputs[1][i], ...), called once per element in order of i. */
export function map(
  inputs: readonly Float64Array[],
  f: (...args: number[]) => number,
  out: Float64Array,
): void {
  const args = new Array<number>(inputs.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < inputs.length; k++) args[k] = inputs[k]![i]!;
    out[i] = f(...args);
  }
}

/** The first i where test(x[i]) holds, or -1. */
export function findIndex(x: Float64Array, test: (v: number) => boolean): number {
  for (let i = 0; i < x.length; i++) if (test(x[i]!)) return i;
  return -1;
}

/**
 * The first i where x[i] < min or x[i] > max, or -1; NaN is never outside. The comparisons are
 * written out, not passed in as a function: a test through a function value is a call per element
 * that V8 does not inline where several tests share the loop.
 */
export function findOutside(x: Float64Array, min: number, max: number): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < min || v > max) return i;
  }
  return -1;
}

/** The first i where x[i] is NaN, or -1. */
export function findNaN(x: Float64Array): number {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) return i;
  return -1;
}

/**
 * The elements of x as indices below `bound` into `out` (an Int32Array of x's length): -1 when all
 * are integers in [0, bound), else the position of the first that is not (out then partly written).
 */
export function toIndices(x: Float64Array, bound: number, out: Int32Array): number {
  for (let i = 0; i < x.length; i++) {
    const k = x[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= bound) return i;
    out[i] = k;
  }
  return -1;
}
