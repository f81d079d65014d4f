// grad and valueAndGrad: gradients as functions of several arguments, in the manner of JAX.

import { describe } from '../errors.js';
import { gradientsOf } from '../graph/backward.js';
import { isRecording, withRecording } from '../graph/recording.js';
import type { Tensor } from '../tensor.js';
import type { Value } from '../value.js';
import {
  type Argnums,
  argnumList,
  callFunction,
  checkFunction,
  checkOptions,
  checkOutput,
  type Inputs,
  nestIfOuter,
  outputAsNumber,
  prepareInputs,
  rebuild,
} from './inputs.js';
import { type AllNumbers, kindOf, type Leaf } from './tree.js';

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions<N extends Argnums = Argnums, Aux extends boolean = boolean> {
  /**
   * Which arguments to differentiate: a position (default 0), or several as an array, which makes the
   * gradient an array with one entry per position.
   */
  argnums?: N;
  /** The function returns `[output, aux]`; `aux` is passed through beside the gradient. Default false. */
  hasAux?: Aux;
}

/** An argument type with each Value also accepted as a plain number. */
export type Loose<T> = T extends number
  ? number
  : T extends Value
    ? Value | number
    : T extends Tensor
      ? T
      : T extends readonly unknown[]
        ? { [K in keyof T]: Loose<T[K]> }
        : T extends object
          ? { [K in keyof T]: Loose<T[K]> }
          : T;

/** The gradient of an argument of type T: the same structure, a number for a number. */
export type GradOf<T> = T extends number
  ? number
  : T extends Value | Tensor
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: GradOf<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: GradOf<T[K]> }
        : never;

/** The gradients of the arguments of types `X` at positions `N`. */
export type GradsAt<X extends readonly unknown[], N> = N extends number
  ? GradOf<X[N]>
  : { -readonly [K in keyof N]: GradOf<X[N[K] & number]> };

/** The output as the caller gets it back: a number when every differentiated input was one. */
type OutputOf<R, G> = [AllNumbers<G>] extends [true] ? number : R;

interface Run {
  out: Leaf;
  aux: unknown;
  grads: unknown;
  allNumbers: boolean;
  /** The call's prepared inputs (whether the output depends on an outer transformation's among them). */
  inputs: Inputs;
}

function run(name: string, f: (...args: unknown[]) => unknown, options: GradOptions, args: unknown[]): Run {
  const argnums = options.argnums ?? 0;
  const list = argnumList(name, argnums);
  const recording = isRecording();
  return withRecording(true, () => {
    const inputs = prepareInputs(name, args, list, recording);
    const returned = callFunction(f, inputs);
    let out: Leaf;
    let aux: unknown;
    if (options.hasAux === true) {
      if (!Array.isArray(returned) || returned.length !== 2) {
        throw new TypeError(
          `${name}: with hasAux the function must return [output, aux], got ${describe(returned)}`,
        );
      }
      out = checkOutput(name, returned[0], 'with hasAux the output (the first of [output, aux]) must be');
      aux = returned[1];
    } else {
      out = checkOutput(name, returned);
    }
    nestIfOuter(inputs, [out]);
    if (inputs.nodes.length > 0 && !inputs.nodes.some((n) => kindOf(n) === kindOf(out))) {
      const kind = kindOf(out);
      throw new TypeError(
        `${name}: the function returns a ${kind}, but the arguments it differentiates hold no ${kind}`,
      );
    }
    const seed = out._seed(name);
    const found = withRecording(inputs.nested, () =>
      (gradientsOf as (root: Leaf, seed: Leaf, inputs: Leaf[], createGraph: boolean) => (Leaf | null)[])(
        out,
        seed,
        inputs.nodes,
        inputs.nested,
      ),
    );
    const grads = found.map((g, k) => g ?? inputs.nodes[k]!._zerosLike());
    return {
      out,
      aux,
      grads: rebuild(inputs, grads, !Array.isArray(argnums)),
      allNumbers: inputs.fromNumber.length > 0 && inputs.fromNumber.every(Boolean),
      inputs,
    };
  });
}

/**
 * The gradient of a scalar function, as a function: JAX's `grad`. By default it differentiates the
 * first argument and passes the others through; `argnums` picks others (an array of positions gives
 * an array of gradients). An argument can be a number (its gradient is a number), a Value, a Tensor,
 * or an array or plain object of them (the gradient has the same structure). Given Values or tracked
 * Tensors the gradient can be differentiated again, so `grad(grad(f))` is the second derivative. With
 * `hasAux` the function returns `[output, aux]` and the gradient comes back as `[gradient, aux]`.
 * Accumulated `.grad` fields are never touched.
 *
 * @example
 * ```ts
 * const f = (x: Value) => x.pow(3);
 * grad(f)(2);        // 12
 * grad(grad(f))(2);  // 12 (6x)
 * const g = grad((x: Value, y: Value) => x.mul(y).add(y), { argnums: [0, 1] });
 * g(2, 3);           // [3, 3]
 * ```
 */
export function grad<R extends unknown[]>(
  f: (x: Value, ...rest: R) => Value,
  options?: GradOptions<0, false>,
): { (x: number, ...rest: R): number; (x: Value, ...rest: R): Value };
export function grad<R extends unknown[]>(
  f: (x: Tensor, ...rest: R) => Tensor,
  options?: GradOptions<0, false>,
): (x: Tensor, ...rest: R) => Tensor;
export function grad<A extends unknown[], const N extends Argnums = 0>(
  f: (...args: A) => Leaf,
  options?: GradOptions<N, false>,
): <X extends Loose<A>>(...args: X) => GradsAt<X, N>;
export function grad<A extends unknown[], Aux, const N extends Argnums = 0>(
  f: (...args: A) => readonly [Leaf, Aux],
  options: GradOptions<N, true>,
): <X extends Loose<A>>(...args: X) => [GradsAt<X, N>, Aux];
export function grad(
  f: (...args: never[]) => unknown,
  options: GradOptions = {},
): (...args: never[]) => unknown {
  return gradAs('grad', f, options);
}

/** `grad` for a transformation built on it (hessian), whose errors carry that transformation's name. */
export function gradAs(
  name: string,
  f: (...args: never[]) => unknown,
  options: GradOptions = {},
): (...args: never[]) => unknown {
  checkFunction(name, f);
  checkOptions(name, options, ['argnums', 'hasAux']);
  argnumList(name, options.argnums ?? 0);
  return (...args) => {
    const r = run(name, f as (...args: unknown[]) => unknown, options, args);
    return options.hasAux === true ? [r.grads, r.aux] : r.grads;
  };
}

/**
 * Like `grad`, but returns `[value, gradient]`: the function's output (a number when every
 * differentiated argument was a number, else the output Value or Tensor) beside its gradient, from
 * one forward and one backward pass. With `hasAux`: `[[value, aux], gradient]`, as in JAX.
 *
 * @example
 * ```ts
 * const [y, dy] = valueAndGrad((x: Value) => x.mul(x))(3); // 9, 6
 * ```
 */
export function valueAndGrad<R extends unknown[]>(
  f: (x: Value, ...rest: R) => Value,
  options?: GradOptions<0, false>,
): { (x: number, ...rest: R): [number, number]; (x: Value, ...rest: R): [Value, Value] };
export function valueAndGrad<R extends unknown[]>(
  f: (x: Tensor, ...rest: R) => Tensor,
  options?: GradOptions<0, false>,
): (x: Tensor, ...rest: R) => [Tensor, Tensor];
export function valueAndGrad<A extends unknown[], R extends Leaf, const N extends Argnums = 0>(
  f: (...args: A) => R,
  options?: GradOptions<N, false>,
): <X extends Loose<A>>(...args: X) => [OutputOf<R, GradsAt<X, N>>, GradsAt<X, N>];
export function valueAndGrad<A extends unknown[], R extends Leaf, Aux, const N extends Argnums = 0>(
  f: (...args: A) => readonly [R, Aux],
  options: GradOptions<N, true>,
): <X extends Loose<A>>(...args: X) => [[OutputOf<R, GradsAt<X, N>>, Aux], GradsAt<X, N>];
export function valueAndGrad(
  f: (...args: never[]) => unknown,
  options: GradOptions = {},
): (...args: never[]) => unknown {
  checkFunction('valueAndGrad', f);
  checkOptions('valueAndGrad', options, ['argnums', 'hasAux']);
  argnumList('valueAndGrad', options.argnums ?? 0);
  return (...args) => {
    const r = run('valueAndGrad', f as (...args: unknown[]) => unknown, options, args);
    const value = r.allNumbers ? outputAsNumber(r.inputs, r.out as Value) : r.out;
    return [options.hasAux === true ? [value, r.aux] : value, r.grads];
  };
}
