// The reductions' rules: sum, max and prod over all elements or one axis, and the running sum cumsum.

import { isRecording } from '../../graph/recording.js';
import { kernels } from '../../kernels/index.js';
import { type Shape, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { around, type TensorRules } from './rule.js';
import { scan, shifted } from './scan.js';

/** The rules of sum, max, prod and cumsum. */
export const reduceRules: TensorRules<'sum' | 'max' | 'prod' | 'cumsum'> = {
  sum: {
    forward: ([a], { axis, keepDims }) => {
      const shape = reducedShape(a!.shape, axis, keepDims);
      const data = new Float64Array(sizeOf(shape));
      if (axis === null) kernels().sumAxis(a!._data, 1, a!._data.length, 1, data);
      else kernels().sumAxis(a!._data, ...around(a!.shape, axis), data);
      return { data, shape };
    },
    // each input element contributes once to its sum: the gradient is g spread back over the axis
    backward: (g, out) => {
      const a = out.parents[0]!;
      const { axis } = out._attrs;
      return [g.reshape(reducedShape(a.shape, axis, true)).broadcastTo(a.shape)];
    },
  },
  max: {
    forward: ([a], { axis, keepDims }) => {
      const shape = reducedShape(a!.shape, axis, keepDims);
      const data = new Float64Array(sizeOf(shape));
      if (axis === null) kernels().maxAxis(a!._data, 1, a!._data.length, 1, data);
      else kernels().maxAxis(a!._data, ...around(a!.shape, axis), data);
      return { data, shape };
    },
    // the maximum's gradient goes to the elements equal to it, shared evenly at ties (PyTorch's amax)
    backward: (g, out) => {
      const a = out.parents[0]!;
      const { axis } = out._attrs;
      const keep = reducedShape(a.shape, axis, true);
      return [
        g
          .reshape(keep)
          .broadcastTo(a.shape)
          .mul(maxMask(a, out, keep, axis)),
      ];
    },
  },
  prod: {
    forward: ([a], { axis, keepDims }) => {
      const shape = reducedShape(a!.shape, axis, keepDims);
      const data = new Float64Array(sizeOf(shape));
      const [outer, len, inner] = axis === null ? [1, a!._data.length, 1] : around(a!.shape, axis);
      // in order along the axis, as PyTorch's CPU loop multiplies; the empty product is 1
      kernels().prodAxis(a!._data, outer, len, inner, data);
      return { data, shape };
    },
    // ∂/∂a_j Π_k a_k = Π_{k≠j} a_k, the product of the others, computed as such (never out / a_j): exact
    // with zeros (one zero: only it gets a gradient; two: none does) and, being engine ops, to any order
    backward: (g, out) => {
      const a = out.parents[0]!;
      const { axis } = out._attrs;
      const view = axis === null ? [1, a._data.length, 1] : around(a.shape, axis);
      const others = productOfOthers(a.reshape(view)).reshape(a.shape);
      return [
        g
          .reshape(reducedShape(a.shape, axis, true))
          .broadcastTo(a.shape)
          .mul(others),
      ];
    },
  },
  cumsum: {
    forward: ([a], { axis, reverse }) => {
      const data = new Float64Array(a!._data.length);
      kernels().cumsum(a!._data, ...around(a!.shape, axis), reverse, data);
      return { data, shape: a!.shape.slice() };
    },
    // out_j = Σ_{k≤j} a_k, so ∂L/∂a_k = Σ_{j≥k} g_j: the running sum of g taken from the other end
    backward: (g, out) => {
      const { axis, reverse } = out._attrs;
      return [Tensor._apply('cumsum', [g], { axis, reverse: !reverse })];
    },
  },
};

/** The rank-0-or-more shape of a reduction's output. */
function reducedShape(shape: Shape, axis: number | null, keepDims: boolean): number[] {
  if (axis === null) return keepDims ? shape.map(() => 1) : [];
  const out = shape.slice();
  if (keepDims) out[axis] = 1;
  else out.splice(axis, 1);
  return out;
}

/**
 * 1/count where an element equals its slice's maximum, else 0: how max shares its gradient. Recorded
 * (with createGraph) as the nodes that compute it, none of which requires grad: [a = max] over its sum
 * along the axis, the same kernels on the same numbers as the unrecorded arrays below.
 */
function maxMask(a: Tensor, out: Tensor, keep: number[], axis: number | null): Tensor {
  if (isRecording()) {
    const hits = Tensor._apply('isEqual', [a, Tensor._apply('reshape', [out], { shape: keep })], {});
    return Tensor._apply('div', [hits, Tensor._apply('sum', [hits], { axis, keepDims: true })], {});
  }
  const maxima = out._data;
  const m = new Float64Array(a._data.length);
  kernels().binary('isEqual', a._data, a.shape, maxima, keep, m, a.shape);
  const counts = new Float64Array(sizeOf(keep));
  if (axis === null) kernels().sumAxis(m, 1, m.length, 1, counts);
  else kernels().sumAxis(m, ...around(a.shape, axis), counts);
  kernels().binary('div', m, a.shape, counts, keep, m, a.shape);
  return a._constant(m, a.shape);
}

/**
 * For x viewed as [outer, len, inner], the product of the other elements along axis 1 at each position,
 * Π_{k<j} x_k · Π_{k>j} x_k: two product scans of x shifted by one place with a 1 filled in. Only
 * slices, concats and products, so it records when the reverse pass records and its own derivative is
 * exact, zeros included.
 */
function productOfOthers(x: Tensor): Tensor {
  const times = (a: Tensor, b: Tensor) => a.mul(b);
  const before = scan(shifted(x, 1, 1, false), times, 1, false);
  const after = scan(shifted(x, 1, 1, true), times, 1, true);
  return before.mul(after);
}
