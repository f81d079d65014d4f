// Tensor's elementwise methods: arithmetic with broadcasting, the unary functions, and sigmoid.

import { Tensor, type TensorLike } from './core.js';
import { toTensor } from './creation.js';

declare module './core.js' {
  interface Tensor {
    /**
     * this + other, broadcasting as NumPy does.
     *
     * @example
     * ```ts
     * tensor([[1], [2]]).add(tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
     * ```
     */
    add(other: TensorLike): Tensor;

    /**
     * this - other, broadcasting. For `2 - t` write `sub(2, t)`.
     *
     * @example
     * ```ts
     * tensor([3, 4]).sub(1).toArray(); // [2, 3]
     * ```
     */
    sub(other: TensorLike): Tensor;

    /**
     * this · other elementwise, broadcasting.
     *
     * @example
     * ```ts
     * tensor([1, 2]).mul(3).toArray(); // [3, 6]
     * ```
     */
    mul(other: TensorLike): Tensor;

    /**
     * this / other elementwise, broadcasting.
     *
     * @example
     * ```ts
     * tensor([1, 2]).div(2).toArray(); // [0.5, 1]
     * ```
     */
    div(other: TensorLike): Tensor;

    /**
     * this raised to a power, elementwise: a number or a tensor of exponents (broadcasting). A negative
     * base needs an integer exponent.
     *
     * @example
     * ```ts
     * tensor([2, 3]).pow(2).toArray(); // [4, 9]
     * ```
     */
    pow(exponent: TensorLike): Tensor;

    /**
     * The larger of this and other, elementwise; at a tie each gets half the gradient.
     *
     * @example
     * ```ts
     * tensor([1, 5]).maximum(3).toArray(); // [3, 5]
     * ```
     */
    maximum(other: TensorLike): Tensor;

    /**
     * The smaller of this and other, elementwise; at a tie each gets half the gradient.
     *
     * @example
     * ```ts
     * tensor([1, 5]).minimum(3).toArray(); // [1, 3]
     * ```
     */
    minimum(other: TensorLike): Tensor;

    /**
     * -this.
     *
     * @example
     * ```ts
     * tensor([1, -2]).neg().toArray(); // [-1, 2]
     * ```
     */
    neg(): Tensor;

    /**
     * e to the power of each element.
     *
     * @example
     * ```ts
     * tensor([0]).exp().toArray(); // [1]
     * ```
     */
    exp(): Tensor;

    /**
     * The natural logarithm of each element; log(0) = -Infinity, a negative element is a RangeError.
     *
     * @example
     * ```ts
     * tensor([1, Math.E]).log().toArray(); // [0, 1]
     * ```
     */
    log(): Tensor;

    /**
     * The hyperbolic tangent of each element.
     *
     * @example
     * ```ts
     * tensor([0]).tanh().toArray(); // [0]
     * ```
     */
    tanh(): Tensor;

    /**
     * max(x, 0) per element; the gradient at 0 is 0.
     *
     * @example
     * ```ts
     * tensor([-1, 2]).relu().toArray(); // [0, 2]
     * ```
     */
    relu(): Tensor;

    /**
     * 1 / x per element.
     *
     * @example
     * ```ts
     * tensor([2, 4]).reciprocal().toArray(); // [0.5, 0.25]
     * ```
     */
    reciprocal(): Tensor;

    /**
     * |x| per element; the gradient at 0 is 0.
     *
     * @example
     * ```ts
     * tensor([-1, 2]).abs().toArray(); // [1, 2]
     * ```
     */
    abs(): Tensor;

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
  }
}

/**
 * @internal The elementwise methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function elementwiseMethods() {
  return {
    add(other: TensorLike): Tensor {
      return binary(this, 'add', other);
    },
    sub(other: TensorLike): Tensor {
      return binary(this, 'sub', other);
    },
    mul(other: TensorLike): Tensor {
      return binary(this, 'mul', other);
    },
    div(other: TensorLike): Tensor {
      return binary(this, 'div', other);
    },
    pow(exponent: TensorLike): Tensor {
      if (typeof exponent === 'number') {
        if (!Number.isFinite(exponent))
          throw new TypeError(`pow: the exponent must be a finite number, got ${exponent}`);
        if (!Number.isInteger(exponent)) {
          const i = this.data.findIndex((v) => v < 0);
          if (i >= 0)
            throw new RangeError(
              `pow: a negative base ${this.data[i]} (element ${i}) has no real power ${exponent}`,
            );
        }
        return Tensor._apply('pow', [this], { exponent });
      }
      const b = toTensor(exponent, 'pow');
      const out = Tensor._apply('pow', [this, b], { exponent: null });
      if (!this.data.some(Number.isNaN) && !b.data.some(Number.isNaN)) {
        const i = out.data.findIndex(Number.isNaN);
        if (i >= 0) throw new RangeError(`pow: element ${i} raises a negative base to a non-integer power`);
      }
      return out;
    },
    maximum(other: TensorLike): Tensor {
      return binary(this, 'maximum', other);
    },
    minimum(other: TensorLike): Tensor {
      return binary(this, 'minimum', other);
    },
    neg(): Tensor {
      return Tensor._apply('neg', [this], null);
    },
    exp(): Tensor {
      return Tensor._apply('exp', [this], null);
    },
    log(): Tensor {
      const i = this.data.findIndex((v) => v < 0);
      if (i >= 0)
        throw new RangeError(`log: element ${i} is ${this.data[i]}, outside the domain of log (x >= 0)`);
      return Tensor._apply('log', [this], null);
    },
    tanh(): Tensor {
      return Tensor._apply('tanh', [this], null);
    },
    relu(): Tensor {
      return Tensor._apply('relu', [this], null);
    },
    reciprocal(): Tensor {
      return Tensor._apply('reciprocal', [this], null);
    },
    abs(): Tensor {
      return Tensor._apply('abs', [this], null);
    },
    sigmoid(): Tensor {
      let nonNegative = true;
      let negative = true;
      for (let i = 0; i < this.data.length; i++) {
        const v = this.data[i]!;
        if (v >= 0) negative = false;
        else if (v < 0) nonNegative = false;
      }
      if (nonNegative) return this.neg().exp().add(1).reciprocal();
      if (negative) {
        const b = this.exp();
        return b.mul(b.add(1).reciprocal());
      }
      // Constant per-element masks pick the form, so every derivative is that form's: x·[x < 0] is
      // min(x, 0) and x·(±1) is |x| without a kink (min and abs would split or drop gradients at 0 and
      // make the second derivative wrong there).
      // (With an infinite element, x·0 would be NaN: there min and abs stand in, exact to first order.)
      if (!this.data.every((v) => Number.isFinite(v) || Number.isNaN(v))) {
        return this.minimum(0).exp().mul(this.abs().neg().exp().add(1).reciprocal());
      }
      const negMask = new Float64Array(this.data.length);
      const sign = new Float64Array(this.data.length);
      for (let i = 0; i < sign.length; i++) {
        const isNeg = this.data[i]! < 0;
        negMask[i] = isNeg ? 1 : 0;
        sign[i] = isNeg ? -1 : 1;
      }
      const shifted = this.mul(this._constant(negMask, this.shape)).exp(); // e^min(x, 0)
      const tail = this.mul(this._constant(sign, this.shape)).neg().exp(); // e^-|x|
      return shifted.mul(tail.add(1).reciprocal());
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}

function binary(
  a: Tensor,
  op: 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum',
  other: TensorLike,
): Tensor {
  return Tensor._apply(op, [a, toTensor(other, op)], null);
}
