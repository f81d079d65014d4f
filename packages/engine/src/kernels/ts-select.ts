// The TypeScript selection kernel: where(cond, a, b) over three broadcast operands.

import { broadcastStrides } from '../shape.js';

/**
 * out[i] = a[i] where cond[i] is nonzero (NaN included: nonzero, as PyTorch converts it to true),
 * else b[i], the three operands read broadcast to `outShape`. A pure selection: every element of
 * `out` is one of a's or b's bits, so no backend can round it differently.
 */
export function where(
  cond: Float64Array,
  condShape: readonly number[],
  a: Float64Array,
  aShape: readonly number[],
  b: Float64Array,
  bShape: readonly number[],
  out: Float64Array,
  outShape: readonly number[],
): void {
  const n = out.length;
  if (cond.length === n && a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i]! : b[i]!;
    return;
  }
  if (n === 0) return;
  // an odometer over the output's index, each operand's offset moving by its broadcast strides
  const rank = outShape.length;
  const sc = broadcastStrides(condShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const index = new Array<number>(rank).fill(0);
  let ci = 0;
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    out[i] = cond[ci] !== 0 ? a[ai]! : b[bi]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      ci += sc[d]!;
      ai += sa[d]!;
      bi += sb[d]!;
      if (index[d]! < outShape[d]!) break;
      ci -= sc[d]! * outShape[d]!;
      ai -= sa[d]! * outShape[d]!;
      bi -= sb[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}
