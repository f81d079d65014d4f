// Free-function forms of the ops, so that a number can stand on either side: sub(2, x), div(1, x).

import { describe } from './errors.js';
import { toValue, Value, type ValueLike } from './value.js';

function leftValue(a: ValueLike, b: ValueLike, op: string): Value {
  if (a instanceof Value) return a;
  if (typeof a === 'number' && b instanceof Value) return new Value(a);
  if (typeof a === 'number') throw new TypeError(`${op}: expected at least one Value, got two numbers`);
  throw new TypeError(`${op}: expected a Value or a number, got ${describe(a)}`);
}

/**
 * a + b, with a number allowed on either side.
 *
 * @example
 * ```ts
 * add(1, value(2)).data; // 3
 * ```
 */
export function add(a: ValueLike, b: ValueLike): Value {
  return leftValue(a, b, 'add').add(toValue(b, 'add'));
}

/**
 * a - b, with a number allowed on either side: `sub(2, x)` is 2 - x.
 *
 * @example
 * ```ts
 * sub(2, value(0.5)).data; // 1.5
 * ```
 */
export function sub(a: ValueLike, b: ValueLike): Value {
  return leftValue(a, b, 'sub').sub(toValue(b, 'sub'));
}

/**
 * a · b, with a number allowed on either side.
 *
 * @example
 * ```ts
 * mul(3, value(2)).data; // 6
 * ```
 */
export function mul(a: ValueLike, b: ValueLike): Value {
  return leftValue(a, b, 'mul').mul(toValue(b, 'mul'));
}

/**
 * a / b, with a number allowed on either side: `div(1, x)` is 1 / x.
 *
 * @example
 * ```ts
 * div(1, value(4)).data; // 0.25
 * ```
 */
export function div(a: ValueLike, b: ValueLike): Value {
  return leftValue(a, b, 'div').div(toValue(b, 'div'));
}
