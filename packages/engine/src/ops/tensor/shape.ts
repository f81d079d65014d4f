// The shape ops' rules: reshape, permute, broadcasting and its reverse, slices, gather and concat.

import { kernels } from '../../kernels/index.js';
import { type Shape, sizeOf, stridesOf } from '../../shape.js';
import { gatherSlice, scatterSlice } from '../slice.js';
import { around, type Raw, type TensorRules } from './rule.js';

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
    forward: ([a], { dims }) => permuteRaw(a!._data, a!.shape, dims),
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
      copyAlong(a!._data, a!.shape, data, indexShape, axis, index, true);
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
      copyAlong(data, inShape, a!._data, a!.shape, axis, index, false);
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
      const rowOut = shape[axis]! * inner;
      let offset = 0;
      for (const t of inputs) {
        const row = t.shape[axis]! * inner;
        for (let o = 0; o < outer; o++)
          data.set(t._data.subarray(o * row, (o + 1) * row), o * rowOut + offset);
        offset += row;
      }
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

/**
 * Moves elements between a whole array (`whole`, shape `wholeShape`) and a part picked along `axis`
 * (`part`, shape `partShape`, equal to wholeShape except along axis): part[o, j, i] is
 * whole[o, index[o, j, i], i]. Gathering copies whole into part; scattering adds part into whole.
 */
function copyAlong(
  whole: Float64Array,
  wholeShape: Shape,
  part: Float64Array,
  partShape: Shape,
  axis: number,
  index: Int32Array,
  gather: boolean,
): void {
  const [outer, len, inner] = around(partShape, axis);
  const wholeLen = wholeShape[axis]!;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const p = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) {
        const w = (o * wholeLen + index[p + i]!) * inner + i;
        if (gather) part[p + i] = whole[w]!;
        else whole[w]! += part[p + i]!;
      }
    }
  }
}

/** Copies `data` of `shape` with its axes reordered by `dims`, walking the output in order. */
function permuteRaw(data: Float64Array, shape: Shape, dims: readonly number[]): Raw {
  const outShape = dims.map((d) => shape[d]!);
  const inStrides = stridesOf(shape);
  const readStrides = dims.map((d) => inStrides[d]!);
  const out = new Float64Array(data.length);
  const rank = outShape.length;
  if (rank === 0 || out.length === 0) {
    out.set(data);
    return { data: out, shape: outShape };
  }
  const n = outShape[rank - 1]!;
  const s = readStrides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let j = 0; j < n; j++) out[o + j] = data[src + j * s]!;
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      src += readStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      src -= readStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}
