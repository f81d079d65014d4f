// Tensor's elementwise methods: one per op declaration (ops/elementwise), pow's checks, sigmoid and where.

import { kernels } from '../kernels/index.js';
import { type AnyDeclaration, NO_PARAMS, type Params } from '../ops/elementwise/declaration.js';
import { type ElementwiseMethods, type ElementwiseOpName, elementwiseOps } from '../ops/elementwise/index.js';
import { applyElementwise } from '../ops/tensor/elementwise.js';
import { applyWhere, whereShape } from '../ops/tensor/select.js';
import type { Tensor, TensorLike } from './core.js';
import { toTensor } from './creation.js';

declare module './core.js' {
  // One method per elementwise op declaration (ops/elementwise), typed and documented there; pow and
  // sigmoid are written below.
  interface Tensor extends ElementwiseMethods<Tensor> {
    /**
     * The logistic function per element, recorded as the walkthrough's four nodes A = -x, B = exp(A),
     * C = B + 1, D = 1 / C when every element is ≥ 0, and as B = exp(x), C = B + 1, R = 1 / C,
     * D = B·R when every element is < 0: in each form the exponential is at most 1, so value and gradient
     * stay finite and exact for every finite input. A tensor with both signs takes
     * e^min(x, 0) / (1 + e^-|x|), which is each of the two forms on its own elements (derivatives of every
     * order included).
     *
     * @example
     * ```ts
     * tensor([0, 1000, -1000]).sigmoid().toArray(); // [0.5, 1, 0]
     * ```
     */
    sigmoid(): Tensor;

    /**
     * This tensor where `cond` is nonzero (NaN included), else `other`, the three broadcast to one
     * shape: PyTorch's `x.where(cond, y)`, the method form of `where(cond, x, y)`. One node, `where`;
     * the gradient goes to the branch each element took.
     *
     * @example
     * ```ts
     * const x = tensor([-1, 2]);
     * x.where(x.gt(0), 0).toArray(); // [0, 2]
     * ```
     */
    where(cond: TensorLike, other: TensorLike): Tensor;
  }
}

/**
 * @internal The elementwise methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function elementwiseMethods() {
  return {
    ...(declaredMethods() as Partial<Tensor>),
    pow(exponent: TensorLike): Tensor {
      if (typeof exponent === 'number') {
        // a negative finite base to a finite non-integer power has no real value; an infinite
        // exponent has its limit and a NaN one propagates, as with a tensor of exponents
        if (Number.isFinite(exponent) && !Number.isInteger(exponent)) {
          const i = firstNegativeFinite(this._data);
          if (i >= 0)
            throw new RangeError(
              `pow: a negative base ${this._data[i]} (element ${i}) has no real power ${exponent}`,
            );
        }
        return applyElementwise('pow', [this], { b: exponent });
      }
      const b = toTensor(exponent, 'pow');
      const out = applyElementwise('pow', [this, b], NO_PARAMS);
      const k = kernels();
      if (k.findNaN(this._data) < 0 && k.findNaN(b._data) < 0) {
        const i = k.findNaN(out._data);
        if (i >= 0) throw new RangeError(`pow: element ${i} raises a negative base to a non-integer power`);
      }
      return out;
    },
    where(cond: TensorLike, other: TensorLike): Tensor {
      const c = toTensor(cond, 'where');
      const b = toTensor(other, 'where');
      whereShape(c.shape, this.shape, b.shape);
      return applyWhere(c, this, b);
    },
    sigmoid(): Tensor {
      const k = kernels();
      // no element < 0, or none >= 0 (-MIN_VALUE is the largest double below 0, so x > -MIN_VALUE is
      // x >= 0); a NaN is neither: it leaves both forms open
      const nonNegative = k.findOutside(this._data, 0, Number.POSITIVE_INFINITY) < 0;
      const negative = k.findOutside(this._data, Number.NEGATIVE_INFINITY, -Number.MIN_VALUE) < 0;
      if (nonNegative) return this.neg().exp().add(1).reciprocal();
      if (negative) {
        const b = this.exp();
        return b.mul(b.add(1).reciprocal());
      }
      // Constant per-element masks pick the form, so every derivative is that form's: x·[x < 0] is
      // min(x, 0) and x·(±1) is |x| without a kink (min and abs would split or drop gradients at 0 and
      // make the second derivative wrong there). With a +Infinity element x·0 would be NaN: there
      // where(x < 0, x, 0) stands in for x·[x < 0], the same numbers and derivatives to every order,
      // but slower (x·(±1) is ∞ at either infinity).
      // (the masks are nodes of this without gradient: the graph shows what they were computed from)
      const negMask = applyElementwise('isNegative', [this], NO_PARAMS);
      const sign = applyElementwise('negativeSign', [this], NO_PARAMS);
      const infinite = k.findOutside(this._data, Number.NEGATIVE_INFINITY, Number.MAX_VALUE) >= 0;
      const shifted = (infinite ? this.where(negMask, 0) : this.mul(negMask)).exp(); // e^min(x, 0)
      const tail = this.mul(sign).neg().exp(); // e^-|x|
      return shifted.mul(tail.add(1).reciprocal());
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}

/** The first element of `x` below 0 but not -Infinity (whose non-integer powers are limits), or -1. */
function firstNegativeFinite(x: Float64Array): number {
  const k = kernels();
  for (let from = 0; ; ) {
    const j = k.findOutside(from === 0 ? x : x.subarray(from), 0, Number.POSITIVE_INFINITY);
    if (j < 0) return -1;
    if (x[from + j] !== Number.NEGATIVE_INFINITY) return from + j;
    from += j + 1;
  }
}

/** Builds the method of each declaration: argument checks, then the op. */
function declaredMethods(): Record<string, (this: Tensor, ...args: unknown[]) => Tensor> {
  const methods: Record<string, (this: Tensor, ...args: unknown[]) => Tensor> = {};
  for (const [name, d] of Object.entries(elementwiseOps) as [ElementwiseOpName, AnyDeclaration][]) {
    const read = d.params as ((...args: unknown[]) => Params) | undefined;
    methods[name] =
      d.arity === 1
        ? function (this: Tensor, ...args: unknown[]): Tensor {
            const p = read === undefined ? NO_PARAMS : read(...args);
            if (d.domain !== undefined) {
              const i = kernels().findOutside(this._data, d.domain.min, d.domain.max);
              if (i >= 0) {
                throw new RangeError(
                  `${name}: element ${i} is ${this._data[i]}, outside the domain of ${name} (${d.domain.text})`,
                );
              }
            }
            return applyElementwise(name, [this], p);
          }
        : function (this: Tensor, other: unknown, ...args: unknown[]): Tensor {
            const p = read === undefined ? NO_PARAMS : read(...args);
            if (typeof other === 'number' && d.numberOperandAsParam === true) {
              return applyElementwise(name, [this], { ...p, b: other });
            }
            return applyElementwise(name, [this, toTensor(other, name)], p);
          };
  }
  return methods;
}
