// Functions that make or join tensors: tensor(), concat, stack, and linear (a layer's x·Wᵀ + b).

import { describe, formatShape, ShapeError } from './errors.js';
import { checkShape, sameShape, sizeOf } from './shape.js';
import { fromNested, Tensor, type TensorOptions } from './tensor.js';
import { fromTypedArray, type NestedArray, type NumericArray } from './tensor-create.js';
import { checkLeafOptions, checkOptionKeys } from './tensor-options.js';

/**
 * A new tensor from a number, nested arrays of numbers, or a typed array (the values are copied).
 * `shape` reads flat data with another shape.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).shape;                       // [2, 2]
 * tensor(new Float64Array(6), { shape: [2, 3] }).shape; // [2, 3]
 * tensor([1, 2], { requiresGrad: true }).requiresGrad;  // true
 * ```
 */
export function tensor(data: NestedArray | NumericArray | Tensor, options: TensorOptions = {}): Tensor {
  const leaf = checkLeafOptions(options, 'tensor');
  let values: Float64Array;
  let shape: number[];
  if (data instanceof Tensor) {
    values = data._data.slice();
    shape = data.shape.slice();
  } else if (ArrayBuffer.isView(data)) {
    values = fromTypedArray(data, 'tensor');
    shape = [values.length];
  } else if (typeof data === 'number' || Array.isArray(data)) {
    const parsed = fromNested(data as NestedArray, 'tensor');
    values = parsed._data;
    shape = parsed.shape.slice();
  } else {
    throw new TypeError(
      `tensor: expected a number, nested arrays of numbers or a typed array, got ${describe(data)}`,
    );
  }
  if (options.shape !== undefined) {
    const target = checkShape(options.shape, 'tensor');
    if (sizeOf(target) !== values.length) {
      throw new ShapeError(
        `tensor: ${values.length} values do not fill shape ${formatShape(target)} (${sizeOf(target)} elements)`,
      );
    }
    shape = target;
  }
  return new Tensor(values, shape, leaf);
}

/** Options of `linear`. */
export interface LinearFunctionOptions {
  /**
   * Applied to the affine map's output in the same fused step: `'relu'` gives relu(x·Wᵀ + b), as
   * TensorFlow.js's `fused.matMul` and Keras's `Dense(activation=...)` do. Default `'none'`.
   */
  activation?: 'none' | 'relu';
}

/**
 * The affine map of a linear layer, x·Wᵀ + b, with the weight stored as PyTorch stores it: `[out, in]`.
 * The product reads W transposed in place (the kernel's transpose flag), so nothing is copied; `x` may
 * be 1-D (`[in]`) or carry any leading batch axes (`[..., in]`). It is one fused operation: the bias
 * (and, with `activation: 'relu'`, the relu) is applied to the product's output where the kernel
 * computed it, and the backward computes the input, weight and bias gradients together. Values and
 * gradients are exactly those of `x.matmul(W.T).add(b).relu()`, in fewer passes over memory.
 *
 * @example
 * ```ts
 * const w = tensor([[1, 0], [0, 2], [1, 1]]); // 2 inputs, 3 outputs
 * linear(tensor([[3, 4]]), w, tensor([0, 0, 1])).toArray(); // [[3, 8, 8]]
 * linear(tensor([[3, -4]]), w, null, { activation: 'relu' }).toArray(); // [[3, 0, 0]]
 * ```
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: LinearFunctionOptions = {},
): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`linear: expected an input Tensor, got ${describe(x)}`);
  if (!(weight instanceof Tensor))
    throw new TypeError(`linear: expected a weight Tensor, got ${describe(weight)}`);
  if (bias !== null && !(bias instanceof Tensor)) {
    throw new TypeError(`linear: expected a bias Tensor or null, got ${describe(bias)}`);
  }
  checkOptionKeys('linear', options, ['activation']);
  const activation = options.activation ?? 'none';
  if (activation !== 'none' && activation !== 'relu') {
    throw new RangeError(`linear: activation must be 'none' or 'relu', got ${describe(activation)}`);
  }
  if (weight.ndim !== 2)
    throw new ShapeError(`linear: the weight must be 2-D [out, in], got ${formatShape(weight.shape)}`);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError(
      `linear: cannot apply a weight ${formatShape(weight.shape)} to an input ${formatShape(x.shape)}: its last axis must have ${inFeatures} elements`,
    );
  }
  if (bias !== null && !sameShape(bias.shape, [outFeatures])) {
    throw new ShapeError(`linear: the bias must have shape [${outFeatures}], got ${formatShape(bias.shape)}`);
  }
  // the fused op takes a matrix: any leading axes are rows, folded in and restored after
  const lead = x.shape.slice(0, -1);
  const rows = x.ndim === 2 ? x : x.reshape([sizeOf(lead), inFeatures]);
  const inputs = bias === null ? [rows, weight] : [rows, weight, bias];
  const y = Tensor._apply('linear', inputs, { relu: activation === 'relu' });
  return x.ndim === 2 ? y : y.reshape([...lead, outFeatures]);
}

/**
 * Joins tensors along an existing axis; all other axes must agree. The same as `Tensor.concat`.
 *
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  return Tensor.concat(tensors, axis);
}

/**
 * Joins tensors of one shape along a new axis. The same as `Tensor.stack`.
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  return Tensor.stack(tensors, axis);
}
