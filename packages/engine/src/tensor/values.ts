// Tensor's ways out of the graph: item, toArray, detach, and backward.

import { formatShape, ShapeError } from '../errors.js';
import { backpropagate } from '../graph/backward.js';
import { sameShape } from '../shape.js';
import { type NestedArray, unflatten } from '../tensor-create.js';
import { type BackwardOptions, createGraphOf } from '../value.js';
import { Tensor } from './core.js';
import { fromNested } from './creation.js';

declare module './core.js' {
  interface Tensor {
    /**
     * The single element of a one-element tensor, as a number.
     *
     * @example
     * ```ts
     * tensor([[3]]).item(); // 3
     * ```
     */
    item(): number;

    /**
     * The elements as nested arrays (a number for a 0-D tensor).
     *
     * @example
     * ```ts
     * Tensor.eye(2).toArray(); // [[1, 0], [0, 1]]
     * ```
     */
    toArray(): NestedArray;

    /**
     * A leaf sharing this tensor's storage that takes no gradient: the graph stops here.
     *
     * @example
     * ```ts
     * const prediction = tensor([1, 2], { requiresGrad: true }).mul(3);
     * const target = prediction.detach();
     * target.requiresGrad; // false
     * ```
     */
    detach(): Tensor;

    /**
     * Backpropagates from this tensor: adds d(this)/d(t) to `grad` of every tensor below it that requires
     * grad. Without `gradient` this must hold a single element; otherwise `gradient` (of this tensor's
     * shape) is the vector in the vector-Jacobian product. Gradients accumulate over calls.
     *
     * @example
     * ```ts
     * const x = tensor([1, 2, 3], { requiresGrad: true });
     * x.mul(x).sum().backward();
     * x.grad!.toArray(); // [2, 4, 6]
     * ```
     */
    backward(gradient?: Tensor | NestedArray | BackwardOptions, options?: BackwardOptions): void;

    /**
     * Resets this tensor's accumulated gradient to null.
     *
     * @example
     * ```ts
     * const w = tensor([1, 2], { requiresGrad: true });
     * w.sum().backward();
     * w.zeroGrad(); w.grad; // null
     * ```
     */
    zeroGrad(): void;
  }
}

/**
 * @internal The value methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function valueMethods() {
  return {
    item(): number {
      if (this.size !== 1) {
        throw new ShapeError(
          `item: a tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not one`,
        );
      }
      return this._data[0]!;
    },
    toArray(): NestedArray {
      return unflatten(this._data, this.shape);
    },
    detach(): Tensor {
      return this._alias();
    },
    backward(gradient?: Tensor | NestedArray | BackwardOptions, options: BackwardOptions = {}): void {
      // backward({ createGraph: true }) reads as Value's backward(options): a plain object is options
      if (isOptions(gradient)) {
        this.backward(undefined, gradient);
        return;
      }
      createGraphOf(options);
      if (!this._requiresGrad) {
        throw new Error(
          this.op === ''
            ? 'backward: this tensor does not require grad: no tensor it was computed from has requiresGrad: true'
            : `backward: this tensor (made by '${this.op}') does not require grad: it comes from a comparison, a mask or a detached maximum, which carry no gradient`,
        );
      }
      let seed: Tensor;
      if (gradient === undefined) seed = this._seed('backward');
      else {
        seed = gradient instanceof Tensor ? gradient : fromNested(gradient, 'backward');
        if (!sameShape(seed.shape, this.shape)) {
          throw new ShapeError(
            `backward: the gradient has shape ${formatShape(seed.shape)} but the tensor has shape ${formatShape(this.shape)}`,
          );
        }
        // a gradient the caller owns is copied: every array the pass reads as a gradient is then one
        // it made itself, which a kernel may have kept a copy of (kernels/wasm/resident.ts)
        if (seed === gradient && !options.createGraph) seed = Tensor._of(seed._data.slice(), seed.shape);
      }
      backpropagate(this, seed, options.createGraph ?? false);
    },
    zeroGrad(): void {
      this._grad = null;
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}

function isOptions(x: unknown): x is BackwardOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor);
}
