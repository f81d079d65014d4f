// vjp and jvp: the reverse and forward products of a function's Jacobian with a vector.

import { describe, formatShape, ShapeError } from '../errors.js';
import { gradientsOf } from '../graph/backward.js';
import { isRecording, withRecording } from '../graph/recording.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Value } from '../value.js';
import type { GradOf, Loose } from './grad.js';
import {
  asReturned,
  callFunction,
  checkFunction,
  checkOutput,
  type Inputs,
  nestIfOuter,
  outputAsNumber,
  prepareInputs,
  rebuild,
} from './inputs.js';
import { tensorTangent, valueTangent } from './tangents.js';
import { type Flat, flatten, type Leaf, type ResultFor } from './tree.js';

/** A function traced once at its primals: its inputs, its outputs taken apart, and how to rebuild them. */
export interface Traced {
  readonly inputs: Inputs;
  readonly outputs: Leaf[];
  readonly outFlat: Flat<number | Leaf>;
  /** Whether every primal was a number: Value outputs then come back as numbers. */
  readonly allNumbers: boolean;
}

/** Runs `f` on graph inputs made from `primals` (every argument differentiated), recording. */
export function trace(name: string, f: unknown, primals: unknown, argnums?: readonly number[]): Traced {
  checkFunction(name, f);
  if (!Array.isArray(primals))
    throw new TypeError(`${name}: primals must be an array of arguments, got ${describe(primals)}`);
  const recording = isRecording();
  return withRecording(true, () => {
    const inputs = prepareInputs(name, primals, argnums ?? primals.map((_, i) => i), recording);
    const returned = callFunction(f as (...args: unknown[]) => unknown, inputs);
    const outFlat = flatten(returned, name, 'the function’s result');
    const outputs = outFlat.leaves.map((leaf) => checkOutput(name, leaf, 'the function must return'));
    nestIfOuter(inputs, outputs);
    const allNumbers = inputs.fromNumber.length > 0 && inputs.fromNumber.every(Boolean);
    return { inputs, outputs, outFlat, allNumbers };
  });
}

/**
 * The outputs as the caller gets them: numbers for Values when every primal was a number. Those are
 * walked for a dependence on an outer transformation only when `trace` found one (`nested`).
 */
export function outputsAsGiven(t: Traced): unknown {
  const clear = new Set<Leaf>();
  return t.outFlat.build(
    t.outputs.map((o) => (t.allNumbers && o instanceof Value ? outputAsNumber(t.inputs, o, clear) : o)),
  );
}

/**
 * Checks a vector given for each leaf of `like` (tangents for the inputs, cotangents for the outputs),
 * matched by its place in the tree (`likePaths`, so objects whose keys come in another order still
 * match, as in JAX), and turns numbers into Values: a Value leaf takes a number or a Value, a Tensor
 * leaf a Tensor of its shape.
 */
export function vectorsFor(
  name: string,
  what: string,
  like: readonly Leaf[],
  likePaths: readonly string[],
  given: unknown,
): Leaf[] {
  const flat = flatten(given, name, what);
  if (flat.leaves.length !== like.length) {
    throw new ShapeError(`${name}: ${what} has ${flat.leaves.length} leaves where ${like.length} are needed`);
  }
  // a tangent goes with a primal, a cotangent with an output
  const partner = name === 'vjp' ? 'output' : 'primal';
  const at = new Map(flat.paths.map((path, i) => [path, flat.leaves[i]!]));
  const missing = likePaths.find((path) => !at.has(path));
  if (missing !== undefined) {
    const extra = flat.paths.find((path) => !likePaths.includes(path));
    throw new TypeError(
      `${name}: ${what} does not have the structure it should: nothing at ${missing}${extra === undefined ? '' : `, and a leaf at ${extra} that has no counterpart`}`,
    );
  }
  return likePaths.map((path, i) => {
    const v = at.get(path)!;
    const node = like[i]!;
    if (node instanceof Value) {
      if (typeof v === 'number') return new Value(v);
      if (v instanceof Value) return v;
      throw new TypeError(
        `${name}: ${what} ${i} must be a number or a Value (its ${partner} is a Value), got ${describe(v)}`,
      );
    }
    if (!(v instanceof Tensor)) {
      throw new TypeError(
        `${name}: ${what} ${i} must be a Tensor (its ${partner} is a Tensor), got ${describe(v)}`,
      );
    }
    if (!sameShape(v.shape, node.shape)) {
      throw new ShapeError(
        `${name}: ${what} ${i} has shape ${formatShape(v.shape)} but its ${partner} has shape ${formatShape(node.shape)}`,
      );
    }
    return v;
  });
}

/** Whether results should carry a graph: the caller records and a given vector takes gradients. */
function anyTracked(given: unknown): boolean {
  return flatten(given, '', '').leaves.some((v) => typeof v !== 'number' && v._tracked);
}

/**
 * Pushes tangents forward from `inputs` to `outputs` through the traced graph, one rule per node in
 * topological order (an explicit stack: no recursion). Null stands for a zero tangent.
 */
export function pushForward(
  outputs: readonly Leaf[],
  inputs: readonly Leaf[],
  tangents: readonly Leaf[],
): (Leaf | null)[] {
  const tangent = new Map<Leaf, Leaf | null>();
  inputs.forEach((node, i) => {
    const t = tangents[i]!;
    tangent.set(node, tangent.has(node) ? null : t);
  });
  const done = new Set<Leaf>(inputs);
  const order: Leaf[] = [];
  for (const root of outputs) {
    if (done.has(root)) continue;
    done.add(root);
    const stack: Leaf[] = [root];
    const next: number[] = [0];
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top]!;
      const i = next[top]!;
      if (i < node.parents.length) {
        next[top] = i + 1;
        const parent = node.parents[i] as Leaf;
        if (!done.has(parent) && parent._tracked) {
          done.add(parent);
          stack.push(parent);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        order.push(node);
      }
    }
  }
  for (const node of order) {
    if (node.parents.length === 0) continue;
    const ts = (node.parents as readonly Leaf[]).map((p) => tangent.get(p) ?? null);
    if (ts.every((t) => t === null)) continue;
    tangent.set(
      node,
      node instanceof Value
        ? valueTangent(node, ts as (Value | null)[])
        : tensorTangent(node as Tensor, ts as (Tensor | null)[]),
    );
  }
  return outputs.map((o) => tangent.get(o) ?? null);
}

/**
 * The function's output and its Jacobian-vector product in forward mode (JAX's `jvp`): `primals` and
 * `tangents` are arrays with one entry per argument (numbers, Values, Tensors, or arrays and plain
 * objects of them; a tangent has its primal's structure and shapes). Returns `[output, tangent of the
 * output]`, each in the structure the function returns. One forward pass records the graph, a second
 * pushes the tangents through it, so the cost is about two forward passes.
 *
 * @example
 * ```ts
 * const [y, dy] = jvp((x: Value, w: Value) => x.mul(w).tanh(), [0.5, 2], [1, 0]);
 * y;  // 0.7615941559557649
 * dy; // 0.8399486832280523: ∂y/∂x·1 = w·(1 - tanh²)
 * ```
 */
export function jvp<A extends unknown[], R, const X extends readonly unknown[]>(
  f: (...args: A) => R,
  primals: X & Loose<A>,
  tangents: { [K in keyof X]: Loose<X[K]> },
): [ResultFor<R, X>, ResultFor<R, X>];
export function jvp(
  f: (...args: never[]) => unknown,
  primals: unknown,
  tangents: unknown,
): [unknown, unknown] {
  return jvpAs('jvp', f, primals, tangents);
}

/** `jvp` for a transformation built on it (hvp), whose errors carry that transformation's name. */
export function jvpAs(name: string, f: unknown, primals: unknown, tangents: unknown): [unknown, unknown] {
  const t = trace(name, f, primals);
  if (!Array.isArray(tangents))
    throw new TypeError(`${name}: tangents must be an array like primals, got ${describe(tangents)}`);
  const paths = t.inputs.parts.flatMap(({ flat }, j) => flat.paths.map((path) => `[${j}]${path}`));
  const given = vectorsFor(name, 'the tangents', t.inputs.nodes, paths, tangents);
  const tracked = isRecording() && anyTracked(tangents);
  const nested = t.inputs.nested || tracked;
  const out = withRecording(nested, () => pushForward(t.outputs, t.inputs.nodes, given));
  const filled = out.map((d, i) => d ?? t.outputs[i]!._zerosLike());
  // tracked tangents give the results a graph of their own, as at top level
  const numbers = filled.map((d) => t.allNumbers && d instanceof Value);
  const asGiven = asReturned(t.inputs, filled, numbers, { ownGraph: tracked });
  return [outputsAsGiven(t), t.outFlat.build(asGiven)];
}

/**
 * The function's output and a function that maps a cotangent of the output to the cotangents of the
 * inputs, vᵀ·J (JAX's `vjp`). The graph is recorded once and can be pulled back through many times.
 * The cotangents come back as an array with one entry per primal, each in its primal's structure.
 *
 * @example
 * ```ts
 * const [y, pullback] = vjp((x: Tensor) => x.mul(x), tensor([1, 2, 3]));
 * y.toArray();                                  // [1, 4, 9]
 * pullback(tensor([1, 0, 1]))[0].toArray();     // [2, 0, 6]
 * ```
 */
export function vjp<A extends unknown[], R, X extends Loose<A>>(
  f: (...args: A) => R,
  ...primals: X
): [ResultFor<R, X>, (cotangent: Loose<R>) => { -readonly [K in keyof X]: GradOf<X[K]> }];
export function vjp(
  f: (...args: never[]) => unknown,
  ...primals: unknown[]
): [unknown, (cotangent: unknown) => unknown[]] {
  const t = trace('vjp', f, primals);
  const pullback = (cotangent: unknown): unknown[] => {
    const cts = vectorsFor('vjp', 'the cotangent', t.outputs, t.outFlat.paths, cotangent);
    const tracked = isRecording() && anyTracked(cotangent);
    const nested = t.inputs.nested || tracked;
    const grads = withRecording(nested, () => pullBack(t, cts, nested));
    // the pullback may run later than the trace, inside a transformation or noGrad of its own;
    // tracked cotangents give the results a graph of their own, as at top level
    return rebuild(t.inputs, grads, false, { recording: isRecording(), ownGraph: tracked }) as unknown[];
  };
  return [outputsAsGiven(t), pullback];
}

/** vᵀ·J for every input: each output's cotangent seeds one reverse pass, and the passes add up. */
export function pullBack(t: Traced, cotangents: readonly Leaf[], nested: boolean): Leaf[] {
  let total: (Leaf | null)[] = t.inputs.nodes.map(() => null);
  t.outputs.forEach((out, i) => {
    const found = (
      gradientsOf as (
        root: Leaf,
        seed: Leaf,
        inputs: readonly Leaf[],
        createGraph: boolean,
      ) => (Leaf | null)[]
    )(out, cotangents[i]!, t.inputs.nodes, nested);
    total = total.map((sum, k) => {
      const g = found[k] ?? null;
      if (g === null) return sum;
      return sum === null ? g : sum instanceof Value ? sum.add(g as Value) : sum.add(g as Tensor);
    });
  });
  return total.map((g, k) => g ?? t.inputs.nodes[k]!._zerosLike());
}
