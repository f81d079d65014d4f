// Tensor's statistics over one axis or all elements: prod, var, std, norm, and the running cumsum and
// logcumsumexp.

import { describe, formatShape } from '../errors.js';
import { kernels } from '../kernels/index.js';
import { NO_PARAMS } from '../ops/elementwise/declaration.js';
import { applyElementwise } from '../ops/tensor/elementwise.js';
import { around } from '../ops/tensor/rule.js';
import { scan } from '../ops/tensor/scan.js';
import { Tensor } from './core.js';
import { checkNotEmpty, reductionAxis, withAxis } from './reductions.js';

/**
 * How `var` and `std` reduce: `correction` is subtracted from the element count n before dividing
 * (PyTorch's `correction`: 1, the default, gives the unbiased sample variance, 0 the population
 * variance), and `keepDims` keeps the reduced axis with size 1, as in `sum`.
 */
export interface VarianceOptions {
  /** Subtracted from the count: the sum of squared deviations is divided by n - correction. Default 1. */
  correction?: number;
  /** Keep the reduced axis with size 1. Default false. */
  keepDims?: boolean;
}

declare module './core.js' {
  interface Tensor {
    /**
     * The product of all elements, or along one axis (negative axes count from the end); `keepDims`
     * keeps the reduced axis with size 1. The gradient of each element is the product of the others,
     * computed as such rather than as out / x, so zeros are exact (one zero in a slice: only it gets a
     * gradient; two or more: none does), as PyTorch's, and so are higher derivatives.
     *
     * @example
     * ```ts
     * const x = tensor([[2, 3], [0, 4]], { requiresGrad: true });
     * x.prod(1).toArray(); // [6, 0]
     * x.prod().backward();
     * x.grad!.toArray();   // [[0, 0], [24, 0]]
     * ```
     */
    prod(axis?: number | null, keepDims?: boolean): Tensor;

    /**
     * The variance of all elements, or along one axis: Σ (x - mean)² / (n - correction). The second
     * argument is `keepDims` as in `sum(axis, keepDims)`, or an options object `{ correction, keepDims }`
     * (correction 1 by default, PyTorch's unbiased estimate; 0 for the population variance). Refuses
     * (RangeError) when n - correction ≤ 0 instead of returning NaN or Infinity.
     *
     * @example
     * ```ts
     * const t = tensor([[1, 2, 3, 4], [2, 2, 2, 2]]);
     * t.var(1).toArray();                      // [1.6666666666666667, 0]
     * t.var(1, { correction: 0 }).toArray();   // [1.25, 0]
     * t.var(-1, true).shape;                   // [2, 1]
     * ```
     */
    var(axis?: number | null, options?: boolean | VarianceOptions): Tensor;

    /**
     * The standard deviation: the square root of `var` with the same arguments. As in PyTorch, its
     * gradient is 0 where the deviation is 0 (a constant slice), not the square root's ∞ times 0.
     *
     * @example
     * ```ts
     * tensor([2, 4, 4, 4, 5, 5, 7, 9]).std(0, { correction: 0 }).item(); // 2
     * ```
     */
    std(axis?: number | null, options?: boolean | VarianceOptions): Tensor;

    /**
     * The vector p-norm of all elements, or along one axis, for p = 1 (Σ|x|), 2 (√Σx², the default) or
     * Infinity (max |x|); other values of p are refused. Gradients follow PyTorch's
     * `linalg.vector_norm`: the 2-norm's is 0 at the zero vector (not NaN), the Infinity-norm shares
     * its gradient evenly among the elements of largest magnitude, the 1-norm's is sign(x) (0 at 0).
     *
     * @example
     * ```ts
     * const t = tensor([[3, -4], [0, 0]]);
     * t.norm().item();                   // 5
     * t.norm(2, 1).toArray();            // [5, 0]
     * t.norm(1, -1, true).toArray();     // [[7], [0]]
     * t.norm(Infinity, 1).toArray();     // [4, 0]
     * ```
     */
    norm(p?: number, axis?: number | null, keepDims?: boolean): Tensor;

    /**
     * The running sum along an axis (negative counts from the end): out[j] = x[0] + … + x[j], added in
     * that order. Its gradient is the running sum of the incoming gradient taken from the far end.
     *
     * @example
     * ```ts
     * tensor([[1, 2, 3], [4, 5, 6]]).cumsum(1).toArray(); // [[1, 3, 6], [4, 9, 15]]
     * tensor([[1, 2, 3], [4, 5, 6]]).cumsum(0).toArray(); // [[1, 2, 3], [5, 7, 9]]
     * ```
     */
    cumsum(axis: number): Tensor;

    /**
     * log Σ_{k ≤ j} exp(x_k) along an axis, computed stably: a scan of log-add-exp, each step
     * log(e^(a-m) + e^(b-m)) + m with m the larger of the two, so no element far below the running
     * maximum turns into -Infinity and no large one overflows. Its last element is `logSumExp(axis)`, up to
     * rounding (the additions are grouped differently). The gradient is a softmax over each prefix.
     *
     * @example
     * ```ts
     * tensor([0, 0, 0]).logcumsumexp(0).toArray(); // [0, 0.6931471805599453, 1.0986122886681096]
     * tensor([-1000, 1000]).logcumsumexp(0).toArray(); // [-1000, 1000]
     * ```
     */
    logcumsumexp(axis: number): Tensor;
  }
}

/**
 * @internal The statistics methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function statisticsMethods() {
  return {
    prod(axis?: number | null, keepDims = false): Tensor {
      const ax = reductionAxis(this, axis, keepDims, 'prod');
      return Tensor._apply('prod', [this], { axis: ax, keepDims });
    },
    var(axis?: number | null, options: boolean | VarianceOptions = {}): Tensor {
      return variance(this, axis, options, 'var');
    },
    std(axis?: number | null, options: boolean | VarianceOptions = {}): Tensor {
      // where the variance is 0 the gradient is 0, as PyTorch's, not ∞·0
      return sqrtFlatAtZero(variance(this, axis, options, 'std'));
    },
    norm(p = 2, axis?: number | null, keepDims = false): Tensor {
      if (typeof p !== 'number') throw new TypeError(`norm: p must be 1, 2 or Infinity, got ${describe(p)}`);
      if (p !== 1 && p !== 2 && p !== Number.POSITIVE_INFINITY)
        throw new RangeError(`norm: p = ${p} is not supported: p must be 1, 2 or Infinity`);
      const ax = reductionAxis(this, axis, keepDims, 'norm');
      if (p === 1) return this.abs().sum(ax, keepDims);
      if (p === 2) return twoNorm(this, ax, keepDims);
      checkNotEmpty(this, ax, 'norm', 'Infinity-norm');
      return this.abs().max(ax, keepDims);
    },
    cumsum(axis: number): Tensor {
      const [x, ax] = withAxis(this, axis, 'cumsum');
      const out = Tensor._apply('cumsum', [x], { axis: ax, reverse: false });
      return x === this ? out : out.reshape(this.shape);
    },
    logcumsumexp(axis: number): Tensor {
      const [x, ax] = withAxis(this, axis, 'logcumsumexp');
      // both operands of a step are -Infinity only where the input holds one: then the step that
      // keeps the gradient finite there, else the plain one (a third of the ops fewer per step)
      const negInf = kernels().findOutside(x._data, -Number.MAX_VALUE, Number.POSITIVE_INFINITY) >= 0;
      const combine = negInf ? logAddExpAtNegInf : logAddExp;
      return scan(x.reshape(around(x.shape, ax)), combine, Number.NEGATIVE_INFINITY, false).reshape(
        this.shape,
      );
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}

/**
 * Σ (x - mean)² / (n - correction) over `axis`, from engine ops (so it differentiates to any order),
 * after checking the arguments for the method `op` and refusing n - correction ≤ 0.
 */
function variance(
  t: Tensor,
  axis: number | null | undefined,
  options: boolean | VarianceOptions,
  op: 'var' | 'std',
): Tensor {
  if (typeof options !== 'boolean' && (typeof options !== 'object' || options === null))
    throw new TypeError(`${op}: expected keepDims or { correction, keepDims }, got ${describe(options)}`);
  const { correction = 1, keepDims = false } = typeof options === 'boolean' ? { keepDims: options } : options;
  const ax = reductionAxis(t, axis, keepDims, op);
  if (typeof correction !== 'number')
    throw new TypeError(`${op}: correction must be a number, got ${describe(correction)}`);
  if (!(correction >= 0 && Number.isFinite(correction)))
    throw new RangeError(`${op}: correction must be a finite number >= 0, got ${correction}`);
  const n = ax === null ? t.size : t.shape[ax]!;
  if (n - correction <= 0) {
    const where =
      ax === null ? `the tensor ${formatShape(t.shape)}` : `axis ${ax} of ${formatShape(t.shape)}`;
    throw new RangeError(
      `${op}: ${where} holds ${n} element${n === 1 ? '' : 's'}, and with correction ${correction} the divisor n - correction = ${n - correction} is not positive`,
    );
  }
  const deviation = t.sub(t.mean(ax, true));
  return deviation
    .mul(deviation)
    .sum(ax, keepDims)
    .div(n - correction);
}

/** √Σx², with gradient 0 where Σx² = 0 (PyTorch's convention) rather than 0·∞ = NaN. */
function twoNorm(t: Tensor, axis: number | null, keepDims: boolean): Tensor {
  return sqrtFlatAtZero(t.mul(t).sum(axis, keepDims));
}

/**
 * √s for s >= 0 with the gradient 0 where s is 0, not sqrt'(0)·0 = ∞·0: a constant 1 is added under
 * the root there and the result multiplied by 0; elsewhere it adds 0 and multiplies by 1, so the
 * value is bit for bit Math.sqrt(s) (x^0.5 is, the kernels' pow special-casing one half).
 */
function sqrtFlatAtZero(s: Tensor): Tensor {
  const atZero = applyElementwise('isExactZero', [s], NO_PARAMS);
  const away = applyElementwise('isNonZero', [s], NO_PARAMS);
  return s.add(atZero).pow(0.5).mul(away);
}

/**
 * log(e^a + e^b), elementwise, as log(e^(a-m) + e^(b-m)) + m with m the larger of a and b held
 * constant (a non-finite m replaced by 0, so -Infinity with -Infinity stays -Infinity): smooth in a and
 * b, with no kink at a = b, and exactly a when b is -Infinity (the scan's padding).
 */
function logAddExp(a: Tensor, b: Tensor): Tensor {
  const m = maxHeld(a, b);
  return expsShifted(a, b, m).log().add(m);
}

/**
 * `logAddExp` where a and b may both be -Infinity: there the result is a itself (-Infinity, with the
 * gradient 1 for a and 0 for b, as log(e^a + e^b) = a has when b is exactly -Infinity), and the log
 * is taken of the sum plus 1, so its derivative is finite and the gradient that reaches the
 * exponentials is 0 rather than log'(0)·0 = ∞·0 = NaN: a -Infinity after a finite element of
 * logcumsumexp gets the gradient 0, as in PyTorch, and one before every finite element 1 (PyTorch:
 * NaN). Elsewhere the same numbers as `logAddExp`.
 */
function logAddExpAtNegInf(a: Tensor, b: Tensor): Tensor {
  const m = maxHeld(a, b);
  const s = expsShifted(a, b, m);
  const bothNegInf = applyElementwise('isExactZero', [s], NO_PARAMS);
  return a.where(bothNegInf, s.add(bothNegInf).log().add(m));
}

/** The larger of a and b as a node without gradient, a non-finite one replaced by 0. */
function maxHeld(a: Tensor, b: Tensor): Tensor {
  return applyElementwise('finiteOrZero', [Tensor._apply('maximum', [a, b], NO_PARAMS, true)], NO_PARAMS);
}

/** e^(a-m) + e^(b-m). */
function expsShifted(a: Tensor, b: Tensor, m: Tensor): Tensor {
  return a.sub(m).exp().add(b.sub(m).exp());
}
