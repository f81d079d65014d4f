// TypeScript reduction kernels over an axis, with the array viewed as [outer, len, inner].

/** out[o, i] = Σ_j x[o, j, i]; the j loop is outside the i loop so memory is read in order. */
export function sumAxis(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void {
  out.fill(0);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * len;
      for (let j = 0; j < len; j++) s += x[base + j]!;
      out[o] = s;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let j = 0; j < len; j++) {
      const xb = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) out[ob + i]! += x[xb + i]!;
    }
  }
}

/** out[o, i] = max_j x[o, j, i]; a NaN anywhere in a slice makes that maximum NaN. */
export function maxAxis(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void {
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    const xb0 = o * len * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = x[xb0 + i]!;
    for (let j = 1; j < len; j++) {
      const xb = xb0 + j * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[xb + i]!;
        const m = out[ob + i]!;
        // v > m is false for NaN on either side; the second test lets a NaN in v take over
        if (v > m || Number.isNaN(v)) out[ob + i] = v;
      }
    }
  }
}

/**
 * out[o, j, i] = Σ_{k ≤ j} x[o, k, i] (Σ_{k ≥ j} when `reverse`): a running total that starts at 0, as
 * `sumAxis` does, and adds one element at a time, so the last total is bit for bit the axis's sum.
 */
export function cumsum(
  x: Float64Array,
  outer: number,
  len: number,
  inner: number,
  reverse: boolean,
  out: Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < len; n++) {
      const b = (o * len + (reverse ? len - 1 - n : n)) * inner;
      const prev = reverse ? b + inner : b - inner;
      if (n === 0) for (let i = 0; i < inner; i++) out[b + i] = 0 + x[b + i]!;
      else for (let i = 0; i < inner; i++) out[b + i] = out[prev + i]! + x[b + i]!;
    }
  }
}

/** out[o, i] = Π_j x[o, j, i], multiplied in order of j from 1 (as PyTorch's CPU loop multiplies); the empty product is 1. */
export function prodAxis(
  x: Float64Array,
  outer: number,
  len: number,
  inner: number,
  out: Float64Array,
): void {
  out.fill(1);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const xb = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i]! *= x[xb + i]!;
    }
  }
}

/**
 * out[o, i] = the first j where x[o, j, i] is the maximum over j; a NaN is the maximum, as in NumPy
 * (the first NaN wins). len must be at least 1 unless outer·inner is 0.
 */
export function argmaxAxis(
  x: Float64Array,
  outer: number,
  len: number,
  inner: number,
  out: Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bestValue = x[o * len * inner + i]!;
      for (let j = 1; j < len && !Number.isNaN(bestValue); j++) {
        const v = x[(o * len + j) * inner + i]!;
        if (v > bestValue || Number.isNaN(v)) {
          best = j;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
}
