// Free-function forms of the binary ops, so that a number can stand on either side: sub(2, x), pow(2, x).

import { describe } from './errors.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';
import { toValue, Value, type ValueLike } from './value.js';

type Arithmetic = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'atan2';

/** Lifts the left operand to the kind of the right one when it is a number, then calls the method. */
function apply(op: Arithmetic, a: unknown, b: unknown): Value | Tensor {
  if (a instanceof Tensor || (typeof a === 'number' && b instanceof Tensor)) {
    return toTensor(a, op)[op](toTensor(b, op));
  }
  if (a instanceof Value || (typeof a === 'number' && b instanceof Value)) {
    return toValue(a, op)[op](toValue(b, op));
  }
  if (typeof a === 'number' && typeof b === 'number') {
    throw new TypeError(`${op}: expected a Value or a Tensor on at least one side, got two numbers`);
  }
  throw new TypeError(
    `${op}: expected a Value, a Tensor or a number, got ${describe(typeof a === 'number' ? b : a)}`,
  );
}

/**
 * a + b, with a number allowed on either side.
 *
 * @example
 * ```ts
 * add(1, value(2)).data;           // 3
 * add(1, tensor([1, 2])).toArray(); // [2, 3]
 * ```
 */
export function add(a: ValueLike, b: ValueLike): Value;
export function add(a: TensorLike, b: TensorLike): Tensor;
export function add(a: ValueLike | TensorLike, b: ValueLike | TensorLike): Value | Tensor {
  return apply('add', a, b);
}

/**
 * a - b, with a number allowed on either side: `sub(2, x)` is 2 - x.
 *
 * @example
 * ```ts
 * sub(2, value(0.5)).data; // 1.5
 * ```
 */
export function sub(a: ValueLike, b: ValueLike): Value;
export function sub(a: TensorLike, b: TensorLike): Tensor;
export function sub(a: ValueLike | TensorLike, b: ValueLike | TensorLike): Value | Tensor {
  return apply('sub', a, b);
}

/**
 * a · b, with a number allowed on either side.
 *
 * @example
 * ```ts
 * mul(3, value(2)).data; // 6
 * ```
 */
export function mul(a: ValueLike, b: ValueLike): Value;
export function mul(a: TensorLike, b: TensorLike): Tensor;
export function mul(a: ValueLike | TensorLike, b: ValueLike | TensorLike): Value | Tensor {
  return apply('mul', a, b);
}

/**
 * a / b, with a number allowed on either side: `div(1, x)` is 1 / x.
 *
 * @example
 * ```ts
 * div(1, value(4)).data; // 0.25
 * ```
 */
export function div(a: ValueLike, b: ValueLike): Value;
export function div(a: TensorLike, b: TensorLike): Tensor;
export function div(a: ValueLike | TensorLike, b: ValueLike | TensorLike): Value | Tensor {
  return apply('div', a, b);
}

/**
 * a raised to the power b, with a number allowed on either side: `pow(2, x)` is 2^x, and the
 * exponent gets its gradient 2^x·ln 2.
 *
 * @example
 * ```ts
 * const x = value(3); const y = pow(2, x); y.backward();
 * y.data; // 8
 * x.grad; // 5.545177444479562
 * pow(2, tensor([1, 2])).toArray(); // [2, 4]
 * ```
 */
export function pow(a: ValueLike, b: ValueLike): Value;
export function pow(a: TensorLike, b: TensorLike): Tensor;
export function pow(a: ValueLike | TensorLike, b: ValueLike | TensorLike): Value | Tensor {
  return apply('pow', a, b);
}

/**
 * The angle of the point (x, y), in (-π, π], as Math.atan2(y, x), with a number allowed on either side.
 *
 * @example
 * ```ts
 * atan2(value(1), 1).data; // 0.7853981633974483
 * atan2(1, tensor([0])).toArray(); // [1.5707963267948966]
 * ```
 */
export function atan2(y: ValueLike, x: ValueLike): Value;
export function atan2(y: TensorLike, x: TensorLike): Tensor;
export function atan2(y: ValueLike | TensorLike, x: ValueLike | TensorLike): Value | Tensor {
  return apply('atan2', y, x);
}
