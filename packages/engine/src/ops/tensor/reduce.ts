// The reductions' rules: sum and max over all elements or one axis.

import { kernels } from '../../kernels/index.js';
import { type Shape, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { around, type TensorRules } from './rule.js';

/** The rules of sum and max. */
export const reduceRules: TensorRules<'sum' | 'max'> = {
  sum: {
    forward: ([a], { axis, keepDims }) => {
      const shape = reducedShape(a!.shape, axis, keepDims);
      const data = new Float64Array(sizeOf(shape));
      if (axis === null) kernels().sumAxis(a!.data, 1, a!.data.length, 1, data);
      else kernels().sumAxis(a!.data, ...around(a!.shape, axis), data);
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
      if (axis === null) kernels().maxAxis(a!.data, 1, a!.data.length, 1, data);
      else kernels().maxAxis(a!.data, ...around(a!.shape, axis), data);
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
          .mul(maxMask(a, out.data, keep, axis)),
      ];
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

/** 1/count where an element equals its slice's maximum, else 0: how max shares its gradient. */
function maxMask(a: Tensor, maxima: Float64Array, keep: number[], axis: number | null): Tensor {
  const m = new Float64Array(a.data.length);
  kernels().broadcastTo(maxima, keep, m, a.shape);
  for (let i = 0; i < m.length; i++) m[i] = a.data[i] === m[i] ? 1 : 0;
  const counts = new Float64Array(sizeOf(keep));
  if (axis === null) kernels().sumAxis(m, 1, m.length, 1, counts);
  else kernels().sumAxis(m, ...around(a.shape, axis), counts);
  const spread = new Float64Array(m.length);
  kernels().broadcastTo(counts, keep, spread, a.shape);
  for (let i = 0; i < m.length; i++) m[i] = m[i]! / spread[i]!;
  return a._constant(m, a.shape);
}
