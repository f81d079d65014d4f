// Free-function forms of the arithmetic ops, so that a number can stand on either side: sub(2, x), div(1, x).

import { describe } from './errors.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';
import { toValue, Value, type ValueLike } from './value.js';

type Arithmetic = 'add' | 'sub' | 'mul' | 'div';

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
