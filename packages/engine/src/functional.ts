// grad and valueAndGrad: gradients as functions, in the manner of JAX.

import { describe } from './errors.js';
import { gradientsOf } from './graph/backward.js';
import { isRecording, withRecording } from './graph/recording.js';
import { Tensor } from './tensor.js';
import { Value } from './value.js';

type Node = Value | Tensor;
/** What the implementations accept: either overload's function (each takes one kind of input). */
type AnyFn<R extends unknown[]> = (x: Value & Tensor, ...rest: R) => Node;

function run<R extends unknown[]>(name: string, f: AnyFn<R>, x: unknown, rest: R): [Node, number | Node] {
  let input: Node;
  if (typeof x === 'number') input = new Value(x);
  else if (x instanceof Value || x instanceof Tensor) input = x._asInput();
  else
    throw new TypeError(
      `${name}: expected a number, a Value or a Tensor to differentiate at, got ${describe(x)}`,
    );
  // f records a graph even inside noGrad. The gradient keeps a graph of its own only where someone
  // can use it: when the caller records and the input is itself tracked (as in grad(grad(f)), where
  // the outer call hands the inner one its tracked input).
  const createGraph = isRecording() && typeof x !== 'number' && (x as Node)._tracked;
  const out = withRecording(true, () => f(input as Value & Tensor, ...rest));
  if (!(out instanceof Value || out instanceof Tensor)) {
    throw new TypeError(`${name}: the function must return a Value or a Tensor, got ${describe(out)}`);
  }
  if (out instanceof Value !== input instanceof Value) {
    throw new TypeError(
      `${name}: the function must return a ${input instanceof Value ? 'Value' : 'Tensor'} for a ${input instanceof Value ? 'Value' : 'Tensor'} input`,
    );
  }
  const g = (
    gradientsOf as (root: Node, seed: Node, inputs: Node[], createGraph: boolean) => (Node | null)[]
  )(out, out._seed(name), [input], createGraph)[0];
  const gradient = g ?? input._zerosLike();
  return [out, typeof x === 'number' ? (gradient as Value).data : gradient];
}

/**
 * The gradient of a scalar function with respect to its first argument, as a function: JAX's `grad`.
 * Other arguments are passed through. Given a number it returns a number; given a Value or a Tensor
 * it returns one that can be differentiated again, so `grad(grad(f))` is the second derivative. A
 * tensor function must return a single element.
 *
 * @example
 * ```ts
 * const f = (x: Value) => x.pow(3);
 * grad(f)(2);        // 12
 * grad(grad(f))(2);  // 12 (6x)
 * ```
 */
export function grad<R extends unknown[]>(
  f: (x: Value, ...rest: R) => Value,
): { (x: number, ...rest: R): number; (x: Value, ...rest: R): Value };
export function grad<R extends unknown[]>(
  f: (x: Tensor, ...rest: R) => Tensor,
): (x: Tensor, ...rest: R) => Tensor;
export function grad<R extends unknown[]>(
  f: AnyFn<R>,
): (x: number & Value & Tensor, ...rest: R) => number | Node {
  return (x, ...rest) => run('grad', f, x, rest)[1];
}

/**
 * Like `grad`, but returns `[value, gradient]`: the function's output (a number for a number input,
 * else the output Value) beside its gradient, from one forward and one backward pass.
 *
 * @example
 * ```ts
 * const [y, dy] = valueAndGrad((x: Value) => x.mul(x))(3); // 9, 6
 * ```
 */
export function valueAndGrad<R extends unknown[]>(
  f: (x: Value, ...rest: R) => Value,
): { (x: number, ...rest: R): [number, number]; (x: Value, ...rest: R): [Value, Value] };
export function valueAndGrad<R extends unknown[]>(
  f: (x: Tensor, ...rest: R) => Tensor,
): (x: Tensor, ...rest: R) => [Tensor, Tensor];
export function valueAndGrad<R extends unknown[]>(
  f: AnyFn<R>,
): (x: number & Value & Tensor, ...rest: R) => [number | Node, number | Node] {
  return (x, ...rest) => {
    const [out, g] = run('valueAndGrad', f, x, rest);
    return [typeof (x as unknown) === 'number' ? (out as Value).data : out, g];
  };
}
