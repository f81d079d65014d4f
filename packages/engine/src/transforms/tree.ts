// Arguments and results as trees: arrays and plain objects whose leaves are numbers, Values or Tensors.

import { describe } from '../errors.js';
import { Tensor } from '../tensor.js';
import { Value } from '../value.js';

/** A node the transformations differentiate: a scalar Value or a Tensor. */
export type Leaf = Value | Tensor;

/**
 * What the transformations take and give back: a number (differentiated as a Value), a `Value`, a
 * `Tensor`, or arrays and plain objects of these, nested as deep as you like (a module's parameters
 * as an object, a list of state variables).
 */
export type Tree = number | Value | Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/** Whether every leaf of T is a number (looking 10 levels deep; `D` counts the levels). */
export type AllNumbers<T, D extends unknown[] = []> = D['length'] extends 10
  ? false
  : T extends number
    ? true
    : T extends Value | Tensor
      ? false
      : T extends readonly unknown[]
        ? AllNumbers<T[number], [...D, 0]>
        : T extends object
          ? AllNumbers<T[keyof T], [...D, 0]>
          : false;

/** T with each Value replaced by a number: what a transformation gives back for number inputs. */
export type AsNumbers<T> = T extends Value
  ? number
  : T extends Tensor
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: AsNumbers<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: AsNumbers<T[K]> }
        : T;

/**
 * A function's result R as a transformation returns it for the arguments X: numbers if every leaf of X
 * is a number (in arrays and plain objects too, as the transformations decide at run time).
 */
export type ResultFor<R, X> = [AllNumbers<X>] extends [true] ? AsNumbers<R> : R;

/** Deeper than this is a cycle or a mistake, refused before the stack runs out. */
const MAX_DEPTH = 100;

/** A tree taken apart: its leaves in order, and a function that puts other leaves in their places. */
export interface Flat<L> {
  readonly leaves: L[];
  /** Where each leaf sits in the tree, as `[0].w` (array positions and object keys from the root). */
  readonly paths: string[];
  /** The same structure with `leaves[i]` replaced by `replacements[i]`. */
  build(replacements: readonly unknown[]): unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Takes `tree` apart into its leaves (numbers, Values, Tensors), refusing anything else with an
 * error that names `name` (the transformation), `what` (which argument) and the path inside it.
 */
export function flatten(tree: unknown, name: string, what: string): Flat<number | Leaf> {
  const leaves: (number | Leaf)[] = [];
  const paths: string[] = [];
  type Builder = (next: () => unknown) => unknown;
  const walk = (x: unknown, path: string, depth: number): Builder => {
    if (typeof x === 'number' || x instanceof Value || x instanceof Tensor) {
      leaves.push(x);
      paths.push(path);
      return (next) => next();
    }
    if (depth >= MAX_DEPTH) {
      throw new RangeError(`${name}: ${what} is nested more than ${MAX_DEPTH} levels deep at ${path}`);
    }
    if (Array.isArray(x)) {
      const parts = x.map((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return (next) => parts.map((part) => part(next));
    }
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      const parts = keys.map((key) => walk(x[key], `${path}.${key}`, depth + 1));
      return (next) => Object.fromEntries(keys.map((key, i) => [key, parts[i]!(next)]));
    }
    const at = path === '' ? '' : ` at ${path}`;
    throw new TypeError(
      `${name}: ${what}${at} is ${describe(x)}; expected a number, a Value, a Tensor, or an array or plain object of them`,
    );
  };
  const builder = walk(tree, '', 0);
  return {
    leaves,
    paths,
    build: (replacements) => {
      let i = 0;
      return builder(() => replacements[i++]);
    },
  };
}

/** Whether `x` is a Value or a Tensor. */
export function isLeafNode(x: unknown): x is Leaf {
  return x instanceof Value || x instanceof Tensor;
}

/** The kind of a leaf, for messages: 'Value' or 'Tensor'. */
export function kindOf(x: Leaf): 'Value' | 'Tensor' {
  return x instanceof Value ? 'Value' : 'Tensor';
}
