// opAttributes: the attributes a recorded tensor op was called with (axis, keepDims, shape, flags), as a
// typed, read-only copy, for tools that walk the graph (exporters, printers) through the public API.

import { describe } from '../errors.js';
import type { Params } from '../ops/elementwise/declaration.js';
import { declarationOf, type ElementwiseKernelOp } from '../ops/elementwise/index.js';
import type { SliceSpec } from '../ops/slice.js';
import { type TensorOpAttrs, type TensorOpName, tensorOps } from '../ops/tensor/index.js';
import { Tensor } from '../tensor.js';

/**
 * A basic slice as recorded: for every axis of the input (`inShape`), the first index, the step
 * and how many indices are taken; `keep` is false where a single index dropped the axis.
 */
export interface SliceAttributes {
  readonly inShape: readonly number[];
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly counts: readonly number[];
  readonly keep: readonly boolean[];
}

/** The attributes of each tensor op, by op name: what `opAttributes` returns under `attributes`. */
export type TensorOpAttributes = {
  readonly [K in TensorOpName]: K extends 'slice' | 'unslice'
    ? { readonly spec: SliceAttributes }
    : K extends 'pow'
      ? { readonly exponent: number | null }
      : K extends ElementwiseKernelOp
        ? Readonly<Params> | null
        : Readonly<TensorOpAttrs[K]>;
};

/** A node of an op made with `defineOp`: its name, and no attributes the engine knows of. */
export interface CustomOpAttributes {
  readonly op: 'custom';
  readonly name: string;
  readonly attributes: null;
}

/** One recorded op and its attributes, discriminated by `op` (`'custom'` for a `defineOp` op). */
export type OpAttributes =
  | {
      readonly [K in TensorOpName]: { readonly op: K; readonly attributes: TensorOpAttributes[K] };
    }[TensorOpName]
  | CustomOpAttributes;

function copySpec(spec: SliceSpec): SliceAttributes {
  return {
    inShape: spec.inShape.slice(),
    starts: spec.starts.slice(),
    steps: spec.steps.slice(),
    counts: spec.counts.slice(),
    keep: spec.keep.slice(),
  };
}

/**
 * The op that made `t` and the attributes it was called with (a copy: changing it changes nothing),
 * or null for a leaf (a tensor made by `tensor()`, a parameter, or any result computed while nothing
 * recorded). `t.op` and `t.parents` give the op's name and inputs; this gives the rest: the axis and
 * `keepDims` of a reduction, the target shape of a reshape, the axes of a permute, the transpose
 * flags of a matmul, whether a fused `linear` applies relu, a slice's ranges, a gather's indices.
 * A node of an op made with `defineOp` gives `{ op: 'custom', name, attributes: null }`. Inside
 * `traceGraph`, nodes that do not require grad are recorded too (a comparison, the masks a gradient
 * recorded with `createGraph` multiplies by, such as `step` and `isEqual`, a maximum held constant):
 * an exporter computes them from their inputs instead of keeping the example's values.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * opAttributes(x.sum(1, true)); // {"op":"sum","attributes":{"axis":1,"keepDims":true}}
 * opAttributes(x.reshape([4]))!.attributes; // {"shape":[4]}
 * opAttributes(x); // null
 * ```
 */
export function opAttributes(t: Tensor): OpAttributes | null {
  if (!(t instanceof Tensor)) throw new TypeError(`opAttributes: expected a Tensor, got ${describe(t)}`);
  if (t.op === '') return null;
  if (!Object.hasOwn(tensorOps, t.op)) return { op: 'custom', name: t.op, attributes: null };
  const op = t.op as TensorOpName;
  const raw = t._attrs as TensorOpAttrs[TensorOpName];
  if (op === 'slice' || op === 'unslice') {
    return { op, attributes: { spec: copySpec((raw as TensorOpAttrs['slice']).spec) } };
  }
  if (declarationOf(op) !== undefined) {
    // an elementwise op's parameters (clamp's bounds, elu's alpha), null when it has none; pow's number
    // exponent, kept as the parameter b, is `exponent` here (null for a tensor exponent)
    const params = raw as Params;
    if (op === 'pow') return { op, attributes: { exponent: (params.b as number | undefined) ?? null } };
    return { op, attributes: Object.keys(params).length === 0 ? null : { ...params } } as OpAttributes;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    copy[key] = Array.isArray(v) ? v.slice() : v instanceof Int32Array ? v.slice() : v;
  }
  return { op, attributes: copy } as OpAttributes;
}
