// Tensor's matrix product with NumPy's rules for 1-D and batched operands.

import { describe, formatShape, ShapeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from './core.js';

declare module './core.js' {
  interface Tensor {
    /**
     * The matrix product with NumPy's rules: 1-D·1-D is the inner product, a 1-D operand is a row (left)
     * or column (right) vector that is removed from the result, and leading (batch) axes broadcast.
     *
     * @example
     * ```ts
     * tensor([[1, 2], [3, 4]]).matmul(tensor([1, 1])).toArray(); // [3, 7]
     * tensor([1, 2, 3]).matmul(tensor([4, 5, 6])).item();       // 32
     * ```
     */
    matmul(other: Tensor): Tensor;

    /** @internal op(this)·op(b) on operands of rank ≥ 2 whose shapes are already checked. */
    _matmul(b: Tensor, transA: boolean, transB: boolean): Tensor;
  }
}

/**
 * @internal The matmul methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function matmulMethods() {
  return {
    matmul(other: Tensor): Tensor {
      if (!(other instanceof Tensor))
        throw new TypeError(`matmul: expected a Tensor, got ${describe(other)}`);
      if (this.ndim === 0 || other.ndim === 0) {
        throw new ShapeError(
          `matmul: cannot multiply ${formatShape(this.shape)} by ${formatShape(other.shape)}: scalars have no matrix product (use mul)`,
        );
      }
      const k = this.shape[this.ndim - 1]!;
      const kb = other.ndim === 1 ? other.shape[0]! : other.shape[other.ndim - 2]!;
      if (k !== kb) {
        throw new ShapeError(
          `matmul: cannot multiply ${formatShape(this.shape)} by ${formatShape(other.shape)}: inner dimensions ${k} and ${kb} differ`,
        );
      }
      const a = this.ndim === 1 ? this.reshape([1, k]) : this;
      const b = other.ndim === 1 ? other.reshape([kb, 1]) : other;
      try {
        broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
      } catch {
        throw new ShapeError(
          `matmul: cannot multiply ${formatShape(this.shape)} by ${formatShape(other.shape)}: batch dimensions do not broadcast`,
        );
      }
      let out = a._matmul(b, false, false);
      if (this.ndim === 1 || other.ndim === 1) {
        const shape = out.shape.slice(0, -2);
        if (this.ndim !== 1) shape.push(out.shape[out.ndim - 2]!);
        if (other.ndim !== 1) shape.push(out.shape[out.ndim - 1]!);
        out = out.reshape(shape);
      }
      return out;
    },
    _matmul(b: Tensor, transA: boolean, transB: boolean): Tensor {
      return Tensor._apply('matmul', [this, b], { transA, transB });
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}
