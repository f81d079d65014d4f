// Inclusive scans written with engine ops (slices, concats and an associative combine), so whatever
// records them differentiates to any order: prod's backward and logcumsumexp are built on them.

import { kernels } from '../../kernels/index.js';
import { Tensor } from '../../tensor.js';

/**
 * x, of shape [outer, len, inner], moved `d` places along axis 1 (towards the end, or towards the start
 * when `reverse`), the `d` places left open filled with `fill`.
 */
export function shifted(x: Tensor, d: number, fill: number, reverse: boolean): Tensor {
  const [outer, len, inner] = x.shape as [number, number, number];
  const k = Math.min(d, len);
  const data = new Float64Array(outer * k * inner);
  kernels().fill(data, fill);
  const pad = x._constant(data, [outer, k, inner]);
  return reverse
    ? Tensor.concat([x.slice(null, [k, len]), pad], 1)
    : Tensor.concat([pad, x.slice(null, [0, len - k])], 1);
}

/**
 * The inclusive scan of x, of shape [outer, len, inner], along axis 1 under an associative `combine`
 * whose identity is `fill`: out_j = x_0 ∘ … ∘ x_j (x_j ∘ … ∘ x_last when `reverse`). Hillis–Steele:
 * ⌈log₂ len⌉ rounds, each combining every element with the one 2^r places before it.
 */
export function scan(
  x: Tensor,
  combine: (a: Tensor, b: Tensor) => Tensor,
  fill: number,
  reverse: boolean,
): Tensor {
  let out = x;
  for (let d = 1; d < x.shape[1]!; d *= 2) out = combine(out, shifted(out, d, fill, reverse));
  return out;
}
