// Tensor's reductions: sum, mean, max, min, argmax, argmin, and the stable softmax family.

import { describe, formatShape } from '../errors.js';
import { kernels } from '../kernels/index.js';
import { NO_PARAMS } from '../ops/elementwise/declaration.js';
import { applyElementwise } from '../ops/tensor/elementwise.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from './core.js';

declare module './core.js' {
  interface Tensor {
    /**
     * The sum of all elements, or along one axis (negative axes count from the end); `keepDims` keeps
     * the reduced axis with size 1.
     *
     * @example
     * ```ts
     * const t = tensor([[1, 2], [3, 4]]);
     * t.sum().item();            // 10
     * t.sum(0).toArray();        // [4, 6]
     * t.sum(-1, true).toArray(); // [[3], [7]]
     * ```
     */
    sum(axis?: number | null, keepDims?: boolean): Tensor;

    /**
     * The mean of all elements, or along one axis.
     *
     * @example
     * ```ts
     * tensor([[1, 2], [3, 4]]).mean(1).toArray(); // [1.5, 3.5]
     * ```
     */
    mean(axis?: number | null, keepDims?: boolean): Tensor;

    /**
     * The maximum of all elements, or along one axis; the gradient goes to the maximal elements
     * (shared evenly at ties).
     *
     * @example
     * ```ts
     * tensor([[1, 5], [7, 2]]).max(1).toArray(); // [5, 7]
     * ```
     */
    max(axis?: number | null, keepDims?: boolean): Tensor;

    /**
     * The minimum of all elements, or along one axis.
     *
     * @example
     * ```ts
     * tensor([[1, 5], [7, 2]]).min(1).toArray(); // [1, 2]
     * ```
     */
    min(axis?: number | null, keepDims?: boolean): Tensor;

    /**
     * The index of the maximum along an axis (of all elements, flattened, without one), as a tensor
     * that takes no gradient. Ties go to the first index; a NaN counts as the maximum, as in NumPy.
     *
     * @example
     * ```ts
     * tensor([[1, 5], [7, 2]]).argmax(1).toArray(); // [1, 0]
     * ```
     */
    argmax(axis?: number | null): Tensor;

    /**
     * The index of the minimum along an axis (of all elements, flattened, without one), as a tensor
     * that takes no gradient. Ties go to the first index; a NaN counts as the minimum, as in PyTorch
     * (the first NaN wins), mirroring `argmax`.
     *
     * @example
     * ```ts
     * tensor([[1, 5], [7, 2]]).argmin(1).toArray(); // [0, 1]
     * tensor([3, 1, 1]).argmin().item();             // 1
     * ```
     */
    argmin(axis?: number | null): Tensor;

    /**
     * log Σ exp(x) along an axis, computed stably: the maximum m is subtracted first and added back,
     * log Σ exp(x - m) + m, so large inputs do not overflow.
     *
     * @example
     * ```ts
     * tensor([[1000, 1000]]).logSumExp(1).toArray(); // [1000.6931471805599]
     * ```
     */
    logSumExp(axis: number, keepDims?: boolean): Tensor;

    /**
     * log softmax along an axis (default the last), computed as (x - m) - log Σ exp(x - m) with m the
     * maximum: stable for any input, and exact where the shifted values are.
     *
     * @example
     * ```ts
     * tensor([0, 0]).logSoftmax().toArray(); // [-0.6931471805599453, -0.6931471805599453]
     * ```
     */
    logSoftmax(axis?: number): Tensor;

    /**
     * softmax along an axis (default the last): exp(x - m) / Σ exp(x - m) with m the maximum, so no
     * exponential overflows.
     *
     * @example
     * ```ts
     * tensor([1000, 1000]).softmax().toArray(); // [0.5, 0.5]
     * ```
     */
    softmax(axis?: number): Tensor;
  }
}

/**
 * @internal The reduction methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function reductionMethods() {
  return {
    sum(axis?: number | null, keepDims = false): Tensor {
      return reduction(this, 'sum', axis, keepDims);
    },
    mean(axis?: number | null, keepDims = false): Tensor {
      // the arguments are checked here first, so an error names mean, not the sum inside it
      const ax = reductionAxis(this, axis, keepDims, 'mean');
      const count = ax === null ? this.size : this.shape[ax]!;
      return this.sum(ax, keepDims).div(count);
    },
    max(axis?: number | null, keepDims = false): Tensor {
      const ax = reductionAxis(this, axis, keepDims, 'max');
      checkNotEmpty(this, ax, 'max', 'maximum');
      return Tensor._apply('max', [this], { axis: ax, keepDims });
    },
    min(axis?: number | null, keepDims = false): Tensor {
      const ax = reductionAxis(this, axis, keepDims, 'min');
      checkNotEmpty(this, ax, 'min', 'minimum');
      return this.neg().max(ax, keepDims).neg();
    },
    argmax(axis?: number | null): Tensor {
      const ax = axisOrAll(this, axis, 'argmax');
      // only the reduced axis must have elements: [0,3] along axis 1 is an empty result of shape [0]
      checkNotEmpty(this, ax, 'argmax', 'maximum');
      // a NaN is the maximum, as in NumPy: the first one wins
      if (ax === null) {
        const best = new Float64Array(1);
        kernels().argmaxAxis(this._data, 1, this.size, 1, best);
        return Tensor._of(best, []);
      }
      const len = this.shape[ax]!;
      const outer = sizeOf(this.shape.slice(0, ax));
      const inner = sizeOf(this.shape.slice(ax + 1));
      const out = new Float64Array(outer * inner);
      kernels().argmaxAxis(this._data, outer, len, inner, out);
      const shape = this.shape.slice();
      shape.splice(ax, 1);
      return Tensor._of(out, shape);
    },
    argmin(axis?: number | null): Tensor {
      const ax = axisOrAll(this, axis, 'argmin');
      // only the reduced axis must have elements: [0,3] along axis 1 is an empty result of shape [0]
      checkNotEmpty(this, ax, 'argmin', 'minimum');
      // argmax of -x: negation keeps every NaN a NaN (still the winner) and every tie a tie (the first
      // index still wins), so the two share one loop and its conventions
      return this.detach().neg().argmax(ax);
    },
    logSumExp(axis: number, keepDims = false): Tensor {
      if (typeof keepDims !== 'boolean') {
        throw new TypeError(`logSumExp: keepDims must be a boolean, got ${describe(keepDims)}`);
      }
      const [x, ax] = withAxis(this, axis, 'logSumExp');
      const m = detachedMax(x, ax);
      const out = x.sub(m).exp().sum(ax, true).log().add(m);
      if (this.ndim === 0) return out.reshape([]);
      return keepDims ? out : out.reshape(this.shape.filter((_, d) => d !== ax));
    },
    logSoftmax(axis = -1): Tensor {
      const [x, ax] = withAxis(this, axis, 'logSoftmax');
      const z = x.sub(detachedMax(x, ax));
      return z.sub(z.exp().sum(ax, true).log()).reshape(this.shape);
    },
    softmax(axis = -1): Tensor {
      const [x, ax] = withAxis(this, axis, 'softmax');
      const e = x.sub(detachedMax(x, ax)).exp();
      return e.div(e.sum(ax, true)).reshape(this.shape);
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}

/**
 * @internal The axis a reduction named `op` runs over: null for all elements, else a non-negative index. A 0-D
 * tensor accepts 0 and -1, as in PyTorch, and reduces over its one element.
 */
export function reductionAxis(
  t: Tensor,
  axis: number | null | undefined,
  keepDims: unknown,
  op: string,
): number | null {
  if (typeof keepDims !== 'boolean')
    throw new TypeError(`${op}: keepDims must be a boolean, got ${describe(keepDims)}`);
  return axisOrAll(t, axis, op);
}

/**
 * @internal The axis an op over one axis or all elements works along: null for all of them (no axis
 * given, or axis 0 or -1 of a 0-D tensor, which PyTorch reads as its only element), else the axis
 * counted from the start.
 */
export function axisOrAll(t: Tensor, axis: number | null | undefined, op: string): number | null {
  if (axis === undefined || axis === null || isOnlyElement(t, axis)) return null;
  return normalizeAxis(axis, t.ndim, op);
}

/** @internal Whether `axis` is axis 0 or -1 of a 0-D tensor, which PyTorch reads as its one element. */
export function isOnlyElement(t: Tensor, axis: unknown): boolean {
  return t.ndim === 0 && (axis === 0 || axis === -1);
}

function reduction(t: Tensor, op: 'sum' | 'max', axis: number | null | undefined, keepDims: boolean): Tensor {
  return Tensor._apply(op, [t], { axis: reductionAxis(t, axis, keepDims, op), keepDims });
}

/** @internal A 0-D tensor as [1] for the ops over an axis (softmax and its kin), and the axis to use. */
export function withAxis(t: Tensor, axis: number, op: string): [Tensor, number] {
  if (isOnlyElement(t, axis)) return [t.reshape([1]), 0];
  return [t, normalizeAxis(axis, t.ndim, op)];
}

/** @internal Refuses a maximum or minimum over no elements (other axes of an empty tensor may be reduced). */
export function checkNotEmpty(t: Tensor, axis: number | null, op: string, what: string): void {
  if (axis === null ? t.size === 0 : t.shape[axis] === 0) {
    throw new RangeError(
      `${op}: cannot take the ${what} over no elements: ${axis === null ? 'the tensor' : `axis ${axis}`} of ${formatShape(t.shape)} is empty`,
    );
  }
}

/**
 * The maximum along an axis with keepDims, held constant (a node without gradient); non-finite maxima
 * become 0 so x - m stays defined.
 */
function detachedMax(t: Tensor, axis: number): Tensor {
  if (t.size === 0) {
    // an empty axis still leaves one (zero) shift per slice: [2,0] along axis 1 has shape [2,1]
    const shape = t.shape.map((d, i) => (i === axis ? 1 : d));
    return t._constant(new Float64Array(sizeOf(shape)), shape);
  }
  // a node of t that does not require grad (the graph shows it; no gradient flows through it)
  const m = Tensor._apply('max', [t], { axis, keepDims: true }, true);
  return applyElementwise('finiteOrZero', [m], NO_PARAMS);
}
