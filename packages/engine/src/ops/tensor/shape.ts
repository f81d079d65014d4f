// The shape ops' rules: reshape, permute, broadcasting and its reverse, slices, gather and concat.

import { kernels } from '../../kernels/index.js';
import { sizeOf } from '../../shape.js';
import { gatherSlice, scatterSlice } from '../slice.js';
import { around, type TensorRules } from './rule.js';

/** The shape ops' rules. */
export const shapeRules: TensorRules<
  'reshape' | 'permute' | 'broadcastTo' | 'sumTo' | 'slice' | 'unslice' | 'gather' | 'scatterAdd' | 'concat'
> = {
  reshape: {
    // a contiguous array needs no copy: the output shares the input's storage
    forward: ([a], { shape }) => ({ data: a!._data, shape: shape.slice() }),
    backward: (g, out) => [g.reshape(out.parents[0]!.shape)],
  },
  permute: {
    forward: ([a], { dims }) => {
      const data = new Float64Array(a!._data.length);
      kernels().permute(a!._data, a!.shape, dims, data);
      return { data, shape: dims.map((d) => a!.shape[d]!) };
    },
    // the inverse permutation puts every axis back
    backward: (g, out) => {
      const { dims } = out._attrs;
      const inverse = new Array<number>(dims.length);
      dims.forEach((d, i) => {
        inverse[d] = i;
      });
      return [g.permute(...inverse)];
    },
  },
  broadcastTo: {
    forward: ([a], { shape }) => {
      const data = new Float64Array(sizeOf(shape));
      kernels().broadcastTo(a!._data, a!.shape, data, shape);
      return { data, shape: shape.slice() };
    },
    // every copy of an element sends its gradient back to it
    backward: (g, out) => [g.sumTo(out.parents[0]!.shape)],
  },
  sumTo: {
    forward: ([a], { shape }) => {
      const data = new Float64Array(sizeOf(shape));
      kernels().sumTo(a!._data, a!.shape, data, shape);
      return { data, shape: shape.slice() };
    },
    backward: (g, out) => [g.broadcastTo(out.parents[0]!.shape)],
  },
  slice: {
    forward: ([a], { spec }) => gatherSlice(a!._data, spec),
    // the slice's gradient lands where the slice came from; everything else gets zero
    backward: (g, out) => [g._unslice(out._attrs.spec)],
  },
  unslice: {
    forward: ([a], { spec }) => scatterSlice(a!._data, spec),
    backward: (g, out) => [g._slice(out._attrs.spec)],
  },
  gather: {
    forward: ([a], { axis, index, indexShape }) => {
      const data = new Float64Array(index.length);
      const [outer, len, inner] = around(indexShape, axis);
      kernels().gather(a!._data, a!.shape[axis]!, index, outer, len, inner, data);
      return { data, shape: indexShape.slice() };
    },
    // each picked element's gradient goes back to where it was picked from, summed where picked twice
    backward: (g, out) => {
      const { axis, index } = out._attrs;
      return [g._scatterAdd(axis, index, out.parents[0]!.shape)];
    },
  },
  scatterAdd: {
    forward: ([a], { axis, index, inShape }) => {
      const data = new Float64Array(sizeOf(inShape));
      const [outer, len, inner] = around(a!.shape, axis);
      kernels().scatterAdd(a!._data, index, outer, len, inner, data, inShape[axis]!);
      return { data, shape: inShape.slice() };
    },
    backward: (g, out) => {
      const { axis, index } = out._attrs;
      return [g._gather(axis, index, out.parents[0]!.shape)];
    },
  },
  concat: {
    forward: (inputs, { axis }) => {
      const first = inputs[0]!;
      const shape = first.shape.slice();
      shape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
      const data = new Float64Array(sizeOf(shape));
      const [outer, , inner] = around(shape, axis);
      const widths = inputs.map((t) => t.shape[axis]! * inner);
      kernels().concat(
        inputs.map((t) => t._data),
        widths,
        outer,
        data,
      );
      return { data, shape };
    },
    // each input gets back the piece of the gradient it filled
    backward: (g, out, needs) => {
      const { axis } = out._attrs;
      let start = 0;
      return out.parents.map((p, i) => {
        const size = p.shape[axis]!;
        const range = [start, start + size] as const;
        const piece = needs[i] ? g.slice(...g.shape.map((_, d) => (d === axis ? range : null))) : null;
        start += size;
        return piece;
      });
    },
  },
};
