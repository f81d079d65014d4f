// What an entry of the tensor op table is: the attributes each op records, and its forward beside its
// backward; and the small helpers that several groups of rules share.

import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { Params } from '../elementwise/declaration.js';
import type { ElementwiseKernelOp } from '../elementwise/index.js';
import type { SliceSpec } from '../slice.js';

/**
 * The attributes each tensor op records beside its inputs: an elementwise op's parameters (see
 * ops/elementwise; the internal masks included, recorded as nodes without gradient), or a structural
 * op's own.
 */
export type TensorOpAttrs = { [K in ElementwiseKernelOp]: Params } & StructuralAttrs;

/** The attributes of the ops that are not elementwise. */
interface StructuralAttrs {
  matmul: { transA: boolean; transB: boolean };
  linear: { relu: boolean };
  sum: { axis: number | null; keepDims: boolean };
  max: { axis: number | null; keepDims: boolean };
  prod: { axis: number | null; keepDims: boolean };
  cumsum: { axis: number; reverse: boolean };
  reshape: { shape: readonly number[] };
  permute: { dims: readonly number[] };
  broadcastTo: { shape: readonly number[] };
  sumTo: { shape: readonly number[] };
  slice: { spec: SliceSpec };
  unslice: { spec: SliceSpec };
  concat: { axis: number };
  gather: { axis: number; index: Int32Array; indexShape: readonly number[] };
  scatterAdd: { axis: number; index: Int32Array; inShape: readonly number[] };
  where: Readonly<Record<string, never>>;
}

/** Names of the primitive tensor operations. */
export type TensorOpName = keyof TensorOpAttrs;

/** What a forward produces: a row-major array and its shape. The array is fresh, except reshape's, which is its input's. */
export interface Raw {
  data: Float64Array;
  shape: number[];
}

export interface TensorRule<K extends TensorOpName> {
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

/** The rules of some of the ops: a mapped type, so an op of `K` without a rule does not compile. */
export type TensorRules<K extends TensorOpName> = { readonly [P in K]: TensorRule<P> };

/** [outer, len, inner] view of `shape` around `axis`. */
export function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}
