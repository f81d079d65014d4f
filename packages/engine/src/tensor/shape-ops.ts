// Tensor's shape methods: reshape and its kin, permute and transpose, broadcasting, slicing, gather.

import { describe, formatShape, ShapeError } from '../errors.js';
import { kernels } from '../kernels/index.js';
import { normalizeSlice, type SliceIndex, type SliceSpec } from '../ops/slice.js';
import { broadcastShapes, checkShape, normalizeAxis, sameShape, sizeOf } from '../shape.js';
import { Tensor } from './core.js';
import { isOnlyElement } from './reductions.js';

declare module './core.js' {
  interface Tensor {
    /**
     * The same elements read with another shape (one axis may be -1, inferred). Shares storage.
     *
     * @example
     * ```ts
     * Tensor.arange(6).reshape([2, 3]).shape; // [2, 3]
     * Tensor.arange(6).reshape([-1, 2]).shape; // [3, 2]
     * Tensor.arange(6).reshape(3, 2).shape;    // [3, 2], PyTorch's spelling
     * ```
     */
    reshape(...dims: [readonly number[]] | number[]): Tensor;

    /**
     * The tensor with all axes flattened into one.
     *
     * @example
     * ```ts
     * Tensor.zeros([2, 3]).flatten().shape; // [6]
     * ```
     */
    flatten(): Tensor;

    /**
     * Inserts an axis of size 1 at `axis` (negative counts from the end of the result).
     *
     * @example
     * ```ts
     * tensor([1, 2]).unsqueeze(0).shape; // [1, 2]
     * ```
     */
    unsqueeze(axis: number): Tensor;

    /**
     * Removes an axis of size 1 (every such axis without an argument).
     *
     * @example
     * ```ts
     * Tensor.zeros([1, 3, 1]).squeeze().shape; // [3]
     * ```
     */
    squeeze(axis?: number): Tensor;

    /**
     * Reorders the axes: axis i of the result is axis `dims[i]` of this tensor.
     *
     * @example
     * ```ts
     * Tensor.zeros([2, 3, 4]).permute(2, 0, 1).shape; // [4, 2, 3]
     * ```
     */
    permute(...dims: number[]): Tensor;

    /**
     * Swaps two axes; without arguments on a 2-D tensor, the matrix transpose (a 0-D or 1-D tensor is
     * returned as it is), as in PyTorch.
     *
     * @example
     * ```ts
     * tensor([[1, 2, 3]]).transpose().shape;          // [3, 1]
     * Tensor.zeros([2, 3, 4]).transpose(0, 2).shape; // [4, 3, 2]
     * ```
     */
    transpose(dim0?: number, dim1?: number): Tensor;

    /**
     * This tensor's elements repeated along broadcast axes to `shape`, as NumPy's `broadcast_to`; the
     * gradient sums the copies back.
     *
     * @example
     * ```ts
     * tensor([1, 2]).broadcastTo([2, 2]).toArray(); // [[1, 2], [1, 2]]
     * ```
     */
    broadcastTo(shape: readonly number[]): Tensor;

    /**
     * Sums this tensor down to `shape`, a shape that broadcasts to this one: the reverse of `broadcastTo`,
     * and what the reverse pass does to a broadcast gradient.
     *
     * @example
     * ```ts
     * tensor([[1, 2], [3, 4]]).sumTo([2]).toArray(); // [4, 6]
     * ```
     */
    sumTo(shape: readonly number[]): Tensor;

    /**
     * Basic slicing, one index per leading axis: a number picks one position and drops the axis,
     * `[start, end, step]` keeps a range as Python's `start:end:step` (parts optional, negatives count
     * from the end), `null` keeps the whole axis. The result is a copy.
     *
     * @example
     * ```ts
     * const t = Tensor.arange(12).reshape([3, 4]);
     * t.slice(1).toArray();                 // [4, 5, 6, 7]
     * t.slice(null, [1, 3]).shape;          // [3, 2]
     * t.slice([0, 3, 2], -1).toArray();     // [3, 11]
     * ```
     */
    slice(...indices: SliceIndex[]): Tensor;

    /**
     * Picks elements along an axis by index, as PyTorch's `gather` and NumPy's `take_along_axis`:
     * `index` has this tensor's rank and shape except along `axis`, and out[…, j, …] is
     * this[…, index[…, j, …], …]. The gradient goes back to the picked positions (summed where one is
     * picked twice). Picking each row's label from log-probabilities is `logp.gather(1, labels)`.
     *
     * @example
     * ```ts
     * tensor([[1, 2, 3], [4, 5, 6]]).gather(1, tensor([[2], [0]])).toArray(); // [[3], [4]]
     * ```
     */
    gather(axis: number, index: Tensor): Tensor;

    /** @internal gather with checked indices. */
    _gather(axis: number, index: Int32Array, indexShape: readonly number[]): Tensor;

    /** @internal gather's transpose: zeros of `inShape` with this tensor's elements added at the picks. */
    _scatterAdd(axis: number, index: Int32Array, inShape: readonly number[]): Tensor;

    /** @internal */
    _slice(spec: SliceSpec): Tensor;

    /** @internal The slice's inverse: zeros of the sliced tensor's shape with this tensor written in place. */
    _unslice(spec: SliceSpec): Tensor;
  }
}

/**
 * @internal The shape methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function shapeMethods() {
  return {
    reshape(...dims: [readonly number[]] | number[]): Tensor {
      // reshape([2, 3]) as NumPy writes it, reshape(2, 3) as PyTorch does
      const raw: unknown = dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims;
      if (!Array.isArray(raw) || raw.some((d) => typeof d !== 'number')) {
        throw new TypeError(`reshape: expected an array of integers, got ${describe(dims[0])}`);
      }
      const shape = raw as readonly number[];
      const target = shape.slice();
      const free = target.indexOf(-1);
      if (target.filter((d) => d === -1).length > 1)
        throw new RangeError(`reshape: only one axis can be -1, got ${formatShape(target)}`);
      if (free >= 0) {
        const rest = sizeOf(target.filter((_, i) => i !== free));
        if (rest === 0 || this.size % rest !== 0) {
          throw new ShapeError(
            `reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)}`,
          );
        }
        target[free] = this.size / rest;
      }
      checkShape(target, 'reshape');
      if (sizeOf(target) !== this.size) {
        throw new ShapeError(
          `reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`,
        );
      }
      if (sameShape(target, this.shape)) return this;
      return Tensor._apply('reshape', [this], { shape: target });
    },
    flatten(): Tensor {
      return this.reshape([this.size]);
    },
    unsqueeze(axis: number): Tensor {
      const ax = normalizeAxis(axis, this.ndim + 1, 'unsqueeze');
      const shape = this.shape.slice();
      shape.splice(ax, 0, 1);
      return this.reshape(shape);
    },
    squeeze(axis?: number): Tensor {
      if (axis === undefined) return this.reshape(this.shape.filter((d) => d !== 1));
      if (isOnlyElement(this, axis)) return this; // as PyTorch
      const ax = normalizeAxis(axis, this.ndim, 'squeeze');
      if (this.shape[ax] !== 1) {
        throw new ShapeError(
          `squeeze: axis ${axis} of ${formatShape(this.shape)} has size ${this.shape[ax]}, not 1`,
        );
      }
      return this.reshape(this.shape.filter((_, d) => d !== ax));
    },
    permute(...dims: number[]): Tensor {
      if (dims.length !== this.ndim) {
        throw new RangeError(`permute: ${dims.length} axes given for a tensor of rank ${this.ndim}`);
      }
      const normal = dims.map((d) => normalizeAxis(d, this.ndim, 'permute'));
      if (new Set(normal).size !== normal.length) {
        throw new RangeError(`permute: the axes [${dims.join(',')}] repeat an axis`);
      }
      if (normal.every((d, i) => d === i)) return this;
      return Tensor._apply('permute', [this], { dims: normal });
    },
    transpose(dim0?: number, dim1?: number): Tensor {
      if (dim0 === undefined && dim1 === undefined) {
        if (this.ndim < 2) return this;
        if (this.ndim > 2) {
          throw new RangeError(`transpose: a tensor of rank ${this.ndim} needs the two axes to swap`);
        }
        return this.permute(1, 0);
      }
      if (dim0 === undefined || dim1 === undefined)
        throw new RangeError('transpose: give both axes or neither');
      // a 0-D tensor's axis 0 (or -1) is its only element, as in PyTorch: nothing to swap
      if (this.ndim === 0) {
        // refuses the other axis, naming it
        for (const d of [dim0, dim1]) if (!isOnlyElement(this, d)) normalizeAxis(d, 0, 'transpose');
        return this;
      }
      const a = normalizeAxis(dim0, this.ndim, 'transpose');
      const b = normalizeAxis(dim1, this.ndim, 'transpose');
      const dims = this.shape.map((_, i) => i);
      dims[a] = b;
      dims[b] = a;
      return this.permute(...dims);
    },
    broadcastTo(shape: readonly number[]): Tensor {
      const target = checkShape(shape, 'broadcastTo');
      const joint = broadcastShapes(this.shape, target, 'broadcastTo');
      if (!sameShape(joint, target)) {
        throw new ShapeError(
          `broadcastTo: cannot broadcast ${formatShape(this.shape)} to ${formatShape(target)}`,
        );
      }
      if (sameShape(target, this.shape)) return this;
      return Tensor._apply('broadcastTo', [this], { shape: target });
    },
    sumTo(shape: readonly number[]): Tensor {
      const target = checkShape(shape, 'sumTo');
      const joint = broadcastShapes(target, this.shape, 'sumTo');
      if (!sameShape(joint, this.shape)) {
        throw new ShapeError(`sumTo: cannot sum ${formatShape(this.shape)} down to ${formatShape(target)}`);
      }
      if (sameShape(target, this.shape)) return this;
      return Tensor._apply('sumTo', [this], { shape: target });
    },
    slice(...indices: SliceIndex[]): Tensor {
      return this._slice(normalizeSlice(this.shape, indices, 'slice'));
    },
    gather(axis: number, index: Tensor): Tensor {
      if (!(index instanceof Tensor))
        throw new TypeError(`gather: the index must be a Tensor, got ${describe(index)}`);
      // a 0-D tensor along its axis 0 (or -1) is read as [1], as PyTorch reads it
      if (isOnlyElement(this, axis)) {
        if (index.ndim > 1) {
          throw new ShapeError(
            `gather: a 0-D tensor takes an index of rank 0 or 1, got one of shape ${formatShape(index.shape)}`,
          );
        }
        return this.reshape([1])
          .gather(0, index.reshape([index.size]))
          .reshape(index.shape);
      }
      const ax = normalizeAxis(axis, this.ndim, 'gather');
      if (index.ndim !== this.ndim || index.shape.some((d, i) => i !== ax && d !== this.shape[i])) {
        throw new ShapeError(
          `gather: an index of shape ${formatShape(index.shape)} does not fit a tensor of shape ${formatShape(this.shape)} along axis ${axis}: the shapes must agree on every other axis`,
        );
      }
      const len = this.shape[ax]!;
      const picks = new Int32Array(index.size);
      const i = kernels().toIndices(index._data, len, picks);
      if (i >= 0) {
        const bad = index._data[i]!;
        throw new RangeError(
          Number.isInteger(bad)
            ? `gather: index ${bad} (element ${i}) is out of range for axis ${axis} of size ${len}`
            : `gather: index ${bad} (element ${i}) is not an integer; indices into axis ${axis} of size ${len} are integers`,
        );
      }
      return this._gather(ax, picks, index.shape);
    },
    _gather(axis: number, index: Int32Array, indexShape: readonly number[]): Tensor {
      return Tensor._apply('gather', [this], { axis, index, indexShape });
    },
    _scatterAdd(axis: number, index: Int32Array, inShape: readonly number[]): Tensor {
      return Tensor._apply('scatterAdd', [this], { axis, index, inShape });
    },
    _slice(spec: SliceSpec): Tensor {
      return Tensor._apply('slice', [this], { spec });
    },
    _unslice(spec: SliceSpec): Tensor {
      return Tensor._apply('unslice', [this], { spec });
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}
