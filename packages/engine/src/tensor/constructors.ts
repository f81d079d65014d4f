// Tensor's static constructors (Tensor.zeros, Tensor.concat, ...): declared on the class's namespace
// here and put on the class by core.ts when it loads, as the method files beside it do for methods.

import type { Tensor } from './core.js';
import {
  arangeTensor,
  concatTensor,
  eyeTensor,
  fullTensor,
  onesTensor,
  type RandomOptions,
  randnTensor,
  randTensor,
  stackTensor,
  type TensorOptions,
  zerosTensor,
} from './creation.js';

declare module './core.js' {
  namespace Tensor {
    /**
     * Joins tensors along an existing axis; all other axes must agree.
     *
     * @example
     * ```ts
     * Tensor.concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
     * ```
     */
    function concat(tensors: readonly Tensor[], axis?: number): Tensor;

    /**
     * Joins tensors of one shape along a new axis.
     *
     * @example
     * ```ts
     * Tensor.stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
     * ```
     */
    function stack(tensors: readonly Tensor[], axis?: number): Tensor;

    /**
     * A tensor of zeros.
     *
     * @example
     * ```ts
     * Tensor.zeros([2, 3]).shape; // [2, 3]
     * ```
     */
    function zeros(shape: readonly number[], options?: Omit<TensorOptions, 'shape'>): Tensor;

    /**
     * A tensor of ones.
     *
     * @example
     * ```ts
     * Tensor.ones([2]).toArray(); // [1, 1]
     * ```
     */
    function ones(shape: readonly number[], options?: Omit<TensorOptions, 'shape'>): Tensor;

    /**
     * A tensor filled with one number.
     *
     * @example
     * ```ts
     * Tensor.full([2], 7).toArray(); // [7, 7]
     * ```
     */
    function full(shape: readonly number[], fill: number, options?: Omit<TensorOptions, 'shape'>): Tensor;

    /**
     * Standard normal draws (Box–Muller from the given generator).
     *
     * @example
     * ```ts
     * const w = Tensor.randn([3, 2], { rng: createRng(1), requiresGrad: true });
     * ```
     */
    function randn(shape: readonly number[], options?: RandomOptions): Tensor;

    /**
     * Uniform draws from [0, 1).
     *
     * @example
     * ```ts
     * Tensor.rand([4], { rng: createRng(1) });
     * ```
     */
    function rand(shape: readonly number[], options?: RandomOptions): Tensor;

    /**
     * Evenly spaced numbers in [start, stop): `arange(n)` is 0, 1, …, n-1.
     *
     * @example
     * ```ts
     * Tensor.arange(4).toArray();       // [0, 1, 2, 3]
     * Tensor.arange(1, 2, 0.5).toArray(); // [1, 1.5]
     * ```
     */
    function arange(start: number, stop?: number, step?: number): Tensor;

    /**
     * The n×m identity matrix (m defaults to n).
     *
     * @example
     * ```ts
     * Tensor.eye(2).toArray(); // [[1, 0], [0, 1]]
     * ```
     */
    function eye(n: number, m?: number, options?: Omit<TensorOptions, 'shape'>): Tensor;
  }
}

/** The names of the static constructors, in the order the class documents them. */
type ConstructorName = 'concat' | 'stack' | 'zeros' | 'ones' | 'full' | 'randn' | 'rand' | 'arange' | 'eye';

/**
 * @internal The static constructors, as core.ts puts them on the class when it loads: each one the
 * namespace declares above, with the declared signature (`satisfies` checks both). Each reads its
 * implementation only when called, since this runs inside the import cycle of core.ts and creation.ts
 * (and as methods, not arrow functions: a bundler's naming helper for those is not defined yet then).
 */
export function staticConstructors() {
  return {
    concat(...args: Parameters<typeof concatTensor>): Tensor {
      return concatTensor(...args);
    },
    stack(...args: Parameters<typeof stackTensor>): Tensor {
      return stackTensor(...args);
    },
    zeros(...args: Parameters<typeof zerosTensor>): Tensor {
      return zerosTensor(...args);
    },
    ones(...args: Parameters<typeof onesTensor>): Tensor {
      return onesTensor(...args);
    },
    full(...args: Parameters<typeof fullTensor>): Tensor {
      return fullTensor(...args);
    },
    randn(...args: Parameters<typeof randnTensor>): Tensor {
      return randnTensor(...args);
    },
    rand(...args: Parameters<typeof randTensor>): Tensor {
      return randTensor(...args);
    },
    arange(...args: Parameters<typeof arangeTensor>): Tensor {
      return arangeTensor(...args);
    },
    eye(...args: Parameters<typeof eyeTensor>): Tensor {
      return eyeTensor(...args);
    },
  } satisfies Pick<typeof Tensor, ConstructorName>;
}
