// jacobian, hessian and hvp: whole Jacobians row by row (reverse) or column by column (forward),
// Hessians forward-over-reverse, and Hessian-vector products without the Hessian.

import { describe } from '../errors.js';
import { withRecording } from '../graph/recording.js';
import { Tensor } from '../tensor.js';
import { Value } from '../value.js';
import { type GradOf, gradAs, type Loose } from './grad.js';
import { type Argnums, argnumList, asReturned, checkFunction, checkOptions } from './inputs.js';
import type { Leaf } from './tree.js';
import { jvpAs, pullBack, pushForward, type Traced, trace } from './vjp.js';

/** Options of `jacobian`. */
export interface JacobianOptions {
  /** Which arguments to differentiate: a position (default 0) or several, as in `grad`. */
  argnums?: Argnums;
  /**
   * 'reverse' (default) builds the Jacobian a row per output element, from reverse passes: best when
   * the output is smaller than the input. 'forward' builds it a column per input element, from
   * forward passes: best when the input is smaller (a tall Jacobian).
   */
  mode?: 'reverse' | 'forward';
}

/** A one-hot vector for each leaf of `like`: 1 at flat position `at` of leaf `which`, else zeros. */
function oneHot(like: readonly Leaf[], which: number, at: number): Leaf[] {
  return like.map((node, i) => {
    if (node instanceof Value) return new Value(i === which ? 1 : 0);
    const data = new Float64Array(node.data.length);
    if (i === which) data[at] = 1;
    return new Tensor(data, node.shape);
  });
}

function sizeOfLeaf(node: Leaf): number {
  return node instanceof Value ? 1 : node.data.length;
}

function shapeOfLeaf(node: Leaf): readonly number[] {
  return node instanceof Value ? [] : node.shape;
}

/**
 * The block ∂out/∂input as one node from its pieces in order: a Value when both are scalars, else a
 * Tensor of shape out.shape ++ input.shape. `pieces` run over the elements of `across` (rows of
 * outputs in reverse mode, columns of inputs in forward mode), each shaped like `each`.
 */
function assemble(pieces: readonly Leaf[], out: Leaf, input: Leaf, rows: boolean): Leaf {
  if (out instanceof Value && input instanceof Value) return pieces[0]!;
  const shape = [...shapeOfLeaf(out), ...shapeOfLeaf(input)];
  // an empty output has no rows, an empty input no columns: the block is empty, with nothing to stack
  if (pieces.length === 0) return new Tensor(new Float64Array(0), shape);
  const tensors = pieces.map((p) => (p instanceof Value ? toTensor(p) : p));
  const stacked = Tensor.stack(tensors, rows ? 0 : tensors[0]!.ndim);
  return stacked.reshape(shape);
}

/** A scalar Value as a 0-d Tensor (only its number: a Value graph cannot feed a Tensor graph). */
function toTensor(v: Value): Tensor {
  return new Tensor(new Float64Array([v.data]), []);
}

/** blocks[i][k]: output leaf i by input leaf k, built from reverse or forward passes. */
function blocks(t: Traced, mode: 'reverse' | 'forward', nested: boolean): Leaf[][] {
  const { outputs } = t;
  const inputs = t.inputs.nodes;
  const result: Leaf[][] = outputs.map(() => []);
  if (mode === 'reverse') {
    outputs.forEach((out, i) => {
      const rows: Leaf[][] = inputs.map(() => []);
      for (let e = 0; e < sizeOfLeaf(out); e++) {
        const row = pullBack(t, oneHot(outputs, i, e), nested);
        row.forEach((g, k) => {
          rows[k]!.push(g);
        });
      }
      inputs.forEach((input, k) => {
        result[i]![k] = assemble(rows[k]!, out, input, true);
      });
    });
    return result;
  }
  const columns: Leaf[][][] = outputs.map(() => inputs.map(() => []));
  inputs.forEach((input, k) => {
    for (let e = 0; e < sizeOfLeaf(input); e++) {
      const col = pushForward(outputs, inputs, oneHot(inputs, k, e));
      col.forEach((d, i) => {
        columns[i]![k]!.push(d ?? outputs[i]!._zerosLike());
      });
    }
  });
  outputs.forEach((out, i) => {
    inputs.forEach((input, k) => {
      result[i]![k] = assemble(columns[i]![k]!, out, input, false);
    });
  });
  return result;
}

/**
 * The Jacobian of `f` as a function (JAX's `jacrev`/`jacfwd`): for an output of shape `S` and an
 * input of shape `T` the block is a Tensor of shape `[...S, ...T]` (a Value, or a number for number
 * inputs, when both are scalars). Arguments and outputs may be arrays or plain objects of Values and
 * Tensors: the result nests as JAX nests it, the output's structure outside, the argument's inside
 * (an array over `argnums` when it is an array). The function's own graph is recorded once.
 *
 * @example
 * ```ts
 * const J = jacobian((x: Tensor) => x.mul(x))(tensor([1, 2]));
 * J.toArray(); // [[2, 0], [0, 4]]
 * const dxy = jacobian((x: Value, y: Value) => [x.mul(y), x.add(y)], { argnums: [0, 1] })(2, 3);
 * dxy; // [[3, 2], [1, 1]]
 * ```
 */
export function jacobian<R extends unknown[]>(
  f: (x: Value, ...rest: R) => Value,
  options?: JacobianOptions & { argnums?: 0 },
): { (x: number, ...rest: R): number; (x: Value, ...rest: R): Value };
export function jacobian<R extends unknown[]>(
  f: (x: Tensor, ...rest: R) => Tensor,
  options?: JacobianOptions & { argnums?: 0 },
): (x: Tensor, ...rest: R) => Tensor;
export function jacobian<A extends unknown[]>(
  f: (...args: A) => unknown,
  options?: JacobianOptions,
): (...args: Loose<A>) => unknown;
export function jacobian(
  f: (...args: never[]) => unknown,
  options: JacobianOptions = {},
): (...args: never[]) => unknown {
  return jacobianAs('jacobian', f, options);
}

/** `jacobian` under the name of a transformation built on it (hessian), for its errors. */
function jacobianAs(
  name: string,
  f: (...args: never[]) => unknown,
  options: JacobianOptions,
): (...args: never[]) => unknown {
  checkFunction(name, f);
  checkOptions(name, options, ['argnums', 'mode']);
  const argnums = options.argnums ?? 0;
  const list = argnumList(name, argnums);
  const mode = options.mode ?? 'reverse';
  if (mode !== 'reverse' && mode !== 'forward') {
    throw new TypeError(`${name}: mode must be 'reverse' or 'forward', got ${describe(mode)}`);
  }
  return (...args: never[]) => {
    const t = trace(name, f, args, list);
    const nested = t.inputs.nested;
    const table = withRecording(nested, () => blocks(t, mode, nested));
    // every block of the table is one call's result: handed back together
    const all = table.flat();
    const given = asReturned(
      t.inputs,
      all,
      all.map((b) => t.allNumbers && b instanceof Value),
    );
    const perOutput = table.map((row, i) => {
      const asGiven = given.slice(i * row.length, (i + 1) * row.length);
      const trees = t.inputs.parts.map(({ flat, from, to }) => flat.build(asGiven.slice(from, to)));
      return Array.isArray(argnums) ? trees : trees[0];
    });
    return t.outFlat.build(perOutput);
  };
}

/**
 * The Hessian of a scalar function as a function, forward-over-reverse: the forward-mode Jacobian of
 * `grad(f)`. For an input of shape `T` it is a Tensor of shape `[...T, ...T]`; with several `argnums`
 * an array of arrays of blocks, as JAX gives it.
 *
 * @example
 * ```ts
 * const H = hessian((x: Tensor) => x.pow(3).sum())(tensor([1, 2]));
 * H.toArray(); // [[6, 0], [0, 12]]
 * hessian((x: Value, y: Value) => x.mul(x).mul(y), { argnums: [0, 1] })(1, 2); // [[4, 2], [2, 0]]
 * ```
 */
export function hessian<R extends unknown[]>(
  f: (x: Value, ...rest: R) => Value,
  options?: { argnums?: 0 },
): { (x: number, ...rest: R): number; (x: Value, ...rest: R): Value };
export function hessian<R extends unknown[]>(
  f: (x: Tensor, ...rest: R) => Tensor,
  options?: { argnums?: 0 },
): (x: Tensor, ...rest: R) => Tensor;
export function hessian<A extends unknown[]>(
  f: (...args: A) => Leaf,
  options?: { argnums?: Argnums },
): (...args: Loose<A>) => unknown;
export function hessian(
  f: (...args: never[]) => unknown,
  options: { argnums?: Argnums } = {},
): (...args: never[]) => unknown {
  checkFunction('hessian', f);
  checkOptions('hessian', options, ['argnums']);
  const argnums = options.argnums ?? 0;
  argnumList('hessian', argnums);
  const df = gradAs('hessian', f, { argnums });
  return jacobianAs('hessian', df, { argnums, mode: 'forward' });
}

/**
 * The Hessian of a scalar function times a vector, H·v, without forming H: forward mode over the
 * gradient (JAX's `jvp(grad(f), primals, tangents)`), about the cost of two gradients. `primals` and
 * `tangents` hold one entry per argument; the result has one entry per argument too, each
 * Σⱼ ∂²f/∂xᵢ∂xⱼ·vⱼ in the structure of argument i.
 *
 * @example
 * ```ts
 * const [hv] = hvp((x: Tensor) => x.pow(3).sum(), [tensor([1, 2])], [tensor([1, 1])]);
 * hv.toArray(); // [6, 12]
 * ```
 */
export function hvp<A extends unknown[], const X extends readonly unknown[]>(
  f: (...args: A) => Leaf,
  primals: X & Loose<A>,
  tangents: { [K in keyof X]: Loose<X[K]> },
): { -readonly [K in keyof X]: GradOf<X[K]> };
export function hvp(f: (...args: never[]) => unknown, primals: unknown, tangents: unknown): unknown[] {
  checkFunction('hvp', f);
  if (!Array.isArray(primals))
    throw new TypeError(`hvp: primals must be an array of arguments, got ${describe(primals)}`);
  const argnums = (primals as unknown[]).map((_, i) => i);
  if (argnums.length === 0) throw new RangeError('hvp: primals is empty; give at least one argument');
  const df = gradAs('hvp', f, { argnums });
  return jvpAs('hvp', df, primals, tangents)[1] as unknown[];
}
