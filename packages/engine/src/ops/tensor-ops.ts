// The tensor op table: each op's forward over kernels beside its backward rule written with Tensor ops.

import { isRecording } from '../graph/recording.js';
import type { BinaryKernelOp, MatmulCall, UnaryKernelOp } from '../kernels/backend.js';
import { kernels } from '../kernels/index.js';
import { broadcastShapes, type Shape, sameShape, sizeOf, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gatherSlice, type SliceSpec, scatterSlice } from './slice.js';

/** The attributes each tensor op records beside its inputs. */
export interface TensorOpAttrs {
  add: null;
  sub: null;
  mul: null;
  div: null;
  pow: { exponent: number | null };
  maximum: null;
  minimum: null;
  neg: null;
  exp: null;
  log: null;
  tanh: null;
  relu: null;
  reciprocal: null;
  abs: null;
  matmul: { transA: boolean; transB: boolean };
  linear: { relu: boolean };
  sum: { axis: number | null; keepDims: boolean };
  max: { axis: number | null; keepDims: boolean };
  reshape: { shape: readonly number[] };
  permute: { dims: readonly number[] };
  broadcastTo: { shape: readonly number[] };
  sumTo: { shape: readonly number[] };
  slice: { spec: SliceSpec };
  unslice: { spec: SliceSpec };
  concat: { axis: number };
  gather: { axis: number; index: Int32Array; indexShape: readonly number[] };
  scatterAdd: { axis: number; index: Int32Array; inShape: readonly number[] };
}

/** Names of the primitive tensor operations. */
export type TensorOpName = keyof TensorOpAttrs;

/** What a forward produces: a fresh row-major array and its shape. */
export interface Raw {
  data: Float64Array;
  shape: number[];
}

interface TensorRule<K extends TensorOpName> {
  /** Computes the output from inputs already validated by the public method. */
  forward(inputs: readonly Tensor[], attrs: TensorOpAttrs[K]): Raw;
  /**
   * One gradient per input (null where the input takes none: `needs[i]` is false), given the output's
   * gradient `g` and the output node, whose `parents` are the inputs and `_attrs` the attributes.
   */
  backward(
    g: Tensor,
    out: Tensor & { _attrs: TensorOpAttrs[K] },
    needs: readonly boolean[],
  ): (Tensor | null)[];
}

function unaryForward(op: UnaryKernelOp) {
  return ([a]: readonly Tensor[]): Raw => {
    const data = new Float64Array(a!.data.length);
    kernels().unary(op, a!.data, data);
    return { data, shape: a!.shape.slice() };
  };
}

function binaryForward(op: BinaryKernelOp, name: string) {
  return ([a, b]: readonly Tensor[]): Raw => {
    const shape = broadcastShapes(a!.shape, b!.shape, name);
    const data = new Float64Array(sizeOf(shape));
    kernels().binary(op, a!.data, a!.shape, b!.data, b!.shape, data, shape);
    return { data, shape };
  };
}

/** The rank-0-or-more shape of a reduction's output. */
function reducedShape(shape: Shape, axis: number | null, keepDims: boolean): number[] {
  if (axis === null) return keepDims ? shape.map(() => 1) : [];
  const out = shape.slice();
  if (keepDims) out[axis] = 1;
  else out.splice(axis, 1);
  return out;
}

/** [outer, len, inner] view of `shape` around `axis`. */
function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}

function batchShape(shape: Shape): Shape {
  return shape.slice(0, -2);
}

/** @internal The tensor op table; a missing rule is a compile error. */
export const tensorOps: { readonly [K in TensorOpName]: TensorRule<K> } = {
  add: {
    forward: binaryForward('add', 'add'),
    // d(a + b) = da + db; the reverse walk sums broadcast gradients back to each input's shape
    backward: (g) => [g, g],
  },
  sub: {
    forward: binaryForward('sub', 'sub'),
    // d(a - b) = da - db
    backward: (g, _out, needs) => [g, needs[1] ? g.neg() : null],
  },
  mul: {
    forward: binaryForward('mul', 'mul'),
    // d(a·b) = b·da + a·db
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      return [needs[0] ? g.mul(b!) : null, needs[1] ? g.mul(a!) : null];
    },
  },
  div: {
    forward: binaryForward('div', 'div'),
    // d(a/b) = da/b - (a/b)·db/b: reuse the output
    backward: (g, out, needs) => {
      const [, b] = out.parents;
      return [needs[0] ? g.div(b!) : null, needs[1] ? g.mul(out).div(b!).neg() : null];
    },
  },
  pow: {
    forward: (inputs, { exponent }) => {
      if (exponent !== null) {
        const a = inputs[0]!;
        const data = new Float64Array(a.data.length);
        for (let i = 0; i < data.length; i++) data[i] = a.data[i]! ** exponent;
        return { data, shape: a.shape.slice() };
      }
      return binaryForward('pow', 'pow')(inputs);
    },
    // d(a^b) = b·a^(b-1)·da + a^b·ln(a)·db; a constant exponent 0 makes the output constant
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const e = out._attrs.exponent;
      if (e !== null) return [e === 0 ? g.mul(0) : g.mul(a!.pow(e - 1).mul(e))];
      // where b = 0 the base's gradient is 0 (0·a^-1 would be NaN at a = 0): those take a^0 instead
      return [
        needs[0] ? g.mul(b!).mul(a!.pow(exponentLessOne(b!))) : null,
        needs[1] ? g.mul(out).mul(logBase(a!)) : null,
      ];
    },
  },
  maximum: {
    forward: binaryForward('maximum', 'maximum'),
    // the larger input takes the gradient; at a tie each takes half, as in PyTorch
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const toA = constBinary('gtHalf', a!, b!, g);
      return [needs[0] ? g.mul(toA) : null, needs[1] ? g.mul(toA.neg().add(1)) : null];
    },
  },
  minimum: {
    forward: binaryForward('minimum', 'minimum'),
    // the smaller input takes the gradient; at a tie each takes half
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const toA = constBinary('gtHalf', b!, a!, g);
      return [needs[0] ? g.mul(toA) : null, needs[1] ? g.mul(toA.neg().add(1)) : null];
    },
  },
  neg: {
    forward: unaryForward('neg'),
    // d(-a) = -da
    backward: (g) => [g.neg()],
  },
  exp: {
    forward: unaryForward('exp'),
    // d(e^a) = e^a·da: reuse the output
    backward: (g, out) => [g.mul(out)],
  },
  log: {
    forward: unaryForward('log'),
    // d(ln a) = da/a
    backward: (g, out) => [g.div(out.parents[0]!)],
  },
  tanh: {
    forward: unaryForward('tanh'),
    // d(tanh a) = (1 - tanh²a)·da: reuse the output
    backward: (g, out) => [g.mul(out.mul(out).neg().add(1))],
  },
  relu: {
    forward: unaryForward('relu'),
    // d(relu a) = [a > 0]·da; at the kink a = 0 we take 0, as PyTorch does. Recorded (createGraph)
    // it is the product with a constant mask; unrecorded, one fused pass gives the same numbers.
    backward: (g, out) => {
      const a = out.parents[0]!;
      if (isRecording() || !sameShape(g.shape, a.shape)) return [g.mul(constUnary('step', a))];
      const data = new Float64Array(g.data.length);
      kernels().binary('reluGrad', g.data, g.shape, a.data, a.shape, data, g.shape);
      return [a._constant(data, g.shape)];
    },
  },
  reciprocal: {
    forward: unaryForward('reciprocal'),
    // d(1/a) = -(1/a)²·da: reuse the output
    backward: (g, out) => [g.mul(out.mul(out)).neg()],
  },
  abs: {
    forward: unaryForward('abs'),
    // d|a| = sign(a)·da; at 0 we take 0
    backward: (g, out) => [g.mul(constUnary('sign', out.parents[0]!))],
  },
  matmul: {
    forward: ([a, b], { transA, transB }) => {
      const ar = a!.shape.length;
      const br = b!.shape.length;
      const m = transA ? a!.shape[ar - 1]! : a!.shape[ar - 2]!;
      const k = transA ? a!.shape[ar - 2]! : a!.shape[ar - 1]!;
      const n = transB ? b!.shape[br - 2]! : b!.shape[br - 1]!;
      const batch = broadcastShapes(batchShape(a!.shape), batchShape(b!.shape), 'matmul');
      const shape = [...batch, m, n];
      const data = new Float64Array(sizeOf(shape));
      batchedMatmul(a!, b!, data, batch, m, k, n, transA, transB);
      return { data, shape };
    },
    // C = op(A)·op(B): dA = G·op(B)ᵀ (or its transpose when A is read transposed), dB = op(A)ᵀ·G
    // (likewise); the transpose flags mean no transpose is ever materialised.
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const { transA, transB } = out._attrs;
      const pair = kernels().matmulPair;
      if (needs[0] && needs[1] && pair && !isRecording() && a!.ndim === 2 && b!.ndim === 2) {
        // both gradients of one matrix product, which a backend may compute side by side
        const da = transA ? product(b!, transB, g, true) : product(g, false, b!, !transB);
        const db = transB ? product(g, true, a!, transA) : product(a!, !transA, g, false);
        pair(da, db);
        return [a!._constant(da.out, a!.shape), b!._constant(db.out, b!.shape)];
      }
      // each product is as large as the forward: compute only the gradients someone takes
      const da = needs[0] ? (transA ? b!._matmul(g, transB, true) : g._matmul(b!, false, !transB)) : null;
      const db = needs[1] ? (transB ? g._matmul(a!, true, transA) : a!._matmul(g, !transA, false)) : null;
      return [da, db];
    },
  },
  // A dense layer fused: x [m, k], weight [n, k], optional bias [n]; relu(x·wᵀ + b) when `relu`.
  // The numbers are those of matmul, add and relu applied one after another, forward and backward.
  linear: {
    forward: ([x, w, b], { relu }) => {
      const [m, k] = x!.shape as [number, number];
      const n = w!.shape[0]!;
      const data = new Float64Array(m * n);
      kernels().linear(x!.data, w!.data, b?.data ?? null, data, m, k, n, relu);
      return { data, shape: [m, n] };
    },
    // with y = relu(z), z = x·wᵀ + b: dz = [y > 0]·g (y > 0 exactly where z > 0, and NaN where z is),
    // then dx = dz·w, dw = dzᵀ·x, db = dz summed over the rows
    backward: (g, out, needs) => {
      const [x, w, b] = out.parents;
      const [m, k] = x!.shape as [number, number];
      const n = w!.shape[0]!;
      if (isRecording()) {
        const dz = out._attrs.relu ? g.mul(constUnary('step', out)) : g;
        const dx = needs[0] ? dz._matmul(w!, false, false) : null;
        const dw = needs[1] ? dz._matmul(x!, true, false) : null;
        return b ? [dx, dw, needs[2] ? dz.sumTo(b.shape) : null] : [dx, dw];
      }
      const dx = needs[0] ? new Float64Array(m * k) : null;
      const dw = needs[1] ? new Float64Array(n * k) : null;
      const db = b && needs[2] ? new Float64Array(n) : null;
      const y = out._attrs.relu ? out.data : null;
      kernels().linearBackward(g.data, y, x!.data, w!.data, dx, dw, db, m, k, n);
      const grads = [dx && x!._constant(dx, x!.shape), dw && w!._constant(dw, w!.shape)];
      return b ? [...grads, db && b._constant(db, b.shape)] : grads;
    },
  },
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
  reshape: {
    // a contiguous array needs no copy: the output shares the input's storage
    forward: ([a], { shape }) => ({ data: a!.data, shape: shape.slice() }),
    backward: (g, out) => [g.reshape(out.parents[0]!.shape)],
  },
  permute: {
    forward: ([a], { dims }) => permuteRaw(a!.data, a!.shape, dims),
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
      kernels().broadcastTo(a!.data, a!.shape, data, shape);
      return { data, shape: shape.slice() };
    },
    // every copy of an element sends its gradient back to it
    backward: (g, out) => [g.sumTo(out.parents[0]!.shape)],
  },
  sumTo: {
    forward: ([a], { shape }) => {
      const data = new Float64Array(sizeOf(shape));
      kernels().sumTo(a!.data, a!.shape, data, shape);
      return { data, shape: shape.slice() };
    },
    backward: (g, out) => [g.broadcastTo(out.parents[0]!.shape)],
  },
  slice: {
    forward: ([a], { spec }) => gatherSlice(a!.data, spec),
    // the slice's gradient lands where the slice came from; everything else gets zero
    backward: (g, out) => [g._unslice(out._attrs.spec)],
  },
  unslice: {
    forward: ([a], { spec }) => scatterSlice(a!.data, spec),
    backward: (g, out) => [g._slice(out._attrs.spec)],
  },
  gather: {
    forward: ([a], { axis, index, indexShape }) => {
      const data = new Float64Array(index.length);
      copyAlong(a!.data, a!.shape, data, indexShape, axis, index, true);
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
      copyAlong(data, inShape, a!.data, a!.shape, axis, index, false);
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
          data.set(t.data.subarray(o * row, (o + 1) * row), o * rowOut + offset);
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

/** b - 1, except 0 where b = 0, so that b·a^(b-1) is 0 there rather than 0·∞. */
function exponentLessOne(b: Tensor): Tensor {
  if (!b.data.includes(0)) return b.sub(1);
  const shift = new Float64Array(b.data.length);
  for (let i = 0; i < shift.length; i++) shift[i] = b.data[i] === 0 ? 0 : 1;
  return b.sub(b._constant(shift, b.shape));
}

/**
 * ln(a) for the exponent's gradient a^b·ln(a): where a = 0 the product's limit is 0 (as in PyTorch), so
 * those elements take ln(1) = 0; where a < 0 no real logarithm exists and the gradient is NaN.
 */
function logBase(a: Tensor): Tensor {
  const keep = new Float64Array(a.data.length);
  const fill = new Float64Array(a.data.length);
  for (let i = 0; i < keep.length; i++) {
    const v = a.data[i]!;
    keep[i] = v > 0 || Number.isNaN(v) ? 1 : 0;
    fill[i] = v === 0 ? 1 : v < 0 ? Number.NaN : 0;
  }
  return a.mul(a._constant(keep, a.shape)).add(a._constant(fill, a.shape)).log();
}

/** A gradient mask from a unary kernel: a constant, never part of the graph. */
function constUnary(op: UnaryKernelOp, a: Tensor): Tensor {
  const data = new Float64Array(a.data.length);
  kernels().unary(op, a.data, data);
  return a._constant(data, a.shape);
}

/** A gradient mask from a binary kernel, broadcast to the gradient's shape. */
function constBinary(op: BinaryKernelOp, a: Tensor, b: Tensor, g: Tensor): Tensor {
  const data = new Float64Array(g.data.length);
  kernels().binary(op, a.data, a.shape, b.data, b.shape, data, g.shape);
  return a._constant(data, g.shape);
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

/** op(x)·op(y) of two matrices as a kernel call, with a fresh output. */
function product(x: Tensor, transX: boolean, y: Tensor, transY: boolean): MatmulCall {
  const [xRows, xCols] = x.shape as [number, number];
  const [yRows, yCols] = y.shape as [number, number];
  const m = transX ? xCols : xRows;
  const k = transX ? xRows : xCols;
  const n = transY ? yRows : yCols;
  return { a: x.data, b: y.data, out: new Float64Array(m * n), m, k, n, transA: transX, transB: transY };
}

/** Runs the matmul kernel over broadcast batch dimensions, in one call when the batch strides allow. */
function batchedMatmul(
  a: Tensor,
  b: Tensor,
  out: Float64Array,
  batch: readonly number[],
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const k_ = kernels();
  const count = sizeOf(batch);
  const aBatch = sizeOf(batchShape(a.shape));
  const bBatch = sizeOf(batchShape(b.shape));
  if ((aBatch === count || aBatch === 1) && (bBatch === count || bBatch === 1)) {
    const aStride = aBatch === 1 ? 0 : m * k;
    const bStride = bBatch === 1 ? 0 : k * n;
    k_.matmul(a.data, b.data, out, m, k, n, transA, transB, count, aStride, bStride);
    return;
  }
  // Batch axes broadcast against each other ([2,1,…] with [1,3,…]): one call per output matrix.
  const aStrides = batchStrides(batchShape(a.shape), batch, m * k);
  const bStrides = batchStrides(batchShape(b.shape), batch, k * n);
  const index = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < count; t++) {
    let ai = 0;
    let bi = 0;
    for (let d = 0; d < batch.length; d++) {
      ai += index[d]! * aStrides[d]!;
      bi += index[d]! * bStrides[d]!;
    }
    k_.matmul(
      a.data.subarray(ai, ai + m * k),
      b.data.subarray(bi, bi + k * n),
      out.subarray(t * m * n, (t + 1) * m * n),
      m,
      k,
      n,
      transA,
      transB,
      1,
      0,
      0,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++index[d]! < batch[d]!) break;
      index[d] = 0;
    }
  }
}

/** Element strides of a batch shape read as the broadcast batch `to`, each matrix `matrix` long. */
function batchStrides(from: Shape, to: Shape, matrix: number): number[] {
  const own = stridesOf(from).map((s) => s * matrix);
  const out = new Array<number>(to.length).fill(0);
  for (let i = 0; i < from.length; i++) out[to.length - from.length + i] = from[i] === 1 ? 0 : own[i]!;
  return out;
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
