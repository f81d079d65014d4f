// grad and valueAndGrad: gradients as functions, in the manner of JAX.

import { describe } from './errors.js';
import { gradientsOf } from './graph/backward.js';
import { GraphNode } from './graph/node.js';
import { isRecording, withRecording } from './graph/recording.js';
import { Value } from './value.js';

/** What `grad` can differentiate with respect to: a number (lifted to a Value) or a Value. */
export type GradInput = number | Value;
/** The node a function receives for an input: a number arrives as a Value. */
export type Lifted<X extends GradInput> = X extends number ? Value : X;
/** The gradient returned for an input: a number for a number, a Value for a Value. */
export type GradOf<X extends GradInput> = X extends number ? number : X;

function run<X extends GradInput, R extends unknown[]>(
  name: string,
  f: (x: Lifted<X>, ...rest: R) => Value,
  x: X,
  rest: R,
): [Value, GradOf<X>] {
  let input: Value;
  if (typeof x === 'number') input = new Value(x);
  else if (x instanceof GraphNode) input = (x as Value)._asInput();
  else throw new TypeError(`${name}: expected a number or a Value to differentiate at, got ${describe(x)}`);
  // f records a graph even inside noGrad; the gradient keeps a graph only where the caller records
  // one, which is what lets grad(grad(f)) differentiate the inner gradient.
  const createGraph = isRecording();
  const out = withRecording(true, () => f(input as Lifted<X>, ...rest));
  if (!(out instanceof GraphNode)) {
    throw new TypeError(`${name}: the function must return a Value, got ${describe(out)}`);
  }
  const [g] = gradientsOf(out, out._seed(name), [input], createGraph);
  const gradient = g ?? input._zerosLike();
  const result = (typeof x === 'number' ? gradient.data : gradient) as GradOf<X>;
  return [out, result];
}

/**
 * The gradient of a scalar function with respect to its first argument, as a function: JAX's `grad`.
 * Other arguments are passed through. Given a number it returns a number; given a Value it returns a
 * Value that can be differentiated again, so `grad(grad(f))` is the second derivative.
 *
 * @example
 * ```ts
 * const f = (x: Value) => x.pow(3);
 * grad(f)(2);        // 12
 * grad(grad(f))(2);  // 12 (6x)
 * ```
 */
export function grad<X extends GradInput, R extends unknown[]>(
  f: (x: Lifted<X>, ...rest: R) => Value,
): (x: X, ...rest: R) => GradOf<X> {
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
export function valueAndGrad<X extends GradInput, R extends unknown[]>(
  f: (x: Lifted<X>, ...rest: R) => Value,
): (x: X, ...rest: R) => [X extends number ? number : Value, GradOf<X>] {
  return (x, ...rest) => {
    const [out, g] = run('valueAndGrad', f, x, rest);
    return [(typeof x === 'number' ? out.data : out) as X extends number ? number : Value, g];
  };
}
