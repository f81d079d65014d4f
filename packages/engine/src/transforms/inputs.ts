// What every transformation does first: check the function and its options, and turn the arguments
// it differentiates into inputs of a fresh graph.

import { isCustomNode } from '../custom-op.js';
import { describe } from '../errors.js';
import { isRecording } from '../graph/recording.js';
import { Tensor } from '../tensor.js';
import { Value } from '../value.js';
import { type Flat, flatten, type Leaf } from './tree.js';

/** Which arguments a transformation differentiates: one position, or several. */
export type Argnums = number | readonly number[];

/** Refuses a `f` that is not a function, naming the transformation. */
export function checkFunction(name: string, f: unknown): void {
  if (typeof f !== 'function') throw new TypeError(`${name}: expected a function, got ${describe(f)}`);
}

/**
 * Refuses options that are not a plain object or that hold a key the transformation does not know
 * (`argnum` for `argnums` would otherwise differentiate the first argument without a word).
 */
export function checkOptions(name: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${name}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${name}: unknown option '${key}'; the options are ${known.join(', ')}`);
    }
  }
}

/** The positions in `argnums` as a list, checked: non-negative integers, none twice. */
export function argnumList(name: string, argnums: unknown): readonly number[] {
  const list = Array.isArray(argnums) ? (argnums as unknown[]) : [argnums];
  if (Array.isArray(argnums) && list.length === 0)
    throw new RangeError(`${name}: argnums is an empty array; name at least one argument`);
  for (const a of list) {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < 0) {
      throw new TypeError(`${name}: argnums must be non-negative integers, got ${describe(a)}`);
    }
  }
  if (new Set(list).size !== list.length)
    throw new RangeError(`${name}: argnums names an argument twice: [${list.join(', ')}]`);
  return list as number[];
}

/** An exact copy of `node` recorded on top of it (`reshape` to its own shape would return it). */
function copyOf(node: Leaf): Leaf {
  return node instanceof Value ? node.mul(1) : Tensor._apply('reshape', [node], { shape: node.shape });
}

/** A running transformation's graph inputs, and the same as a set, made on first need. */
interface Frame {
  readonly nodes: readonly Leaf[];
  set: Set<Leaf> | null;
}

/**
 * The transformations whose function is running, innermost last. A transformation called inside
 * another one's function must record what it computes when that depends on the outer one's inputs,
 * even when its own arguments are constants: its function may close over them, as in
 * `grad(a => grad(x => x.mul(x).mul(a).sum())(tensor([2])).sum())`, whose inner gradient 4a the
 * outer one differentiates. As in JAX, what does not depend on them is computed as at top level.
 */
const active: Frame[] = [];

/** Runs a transformation's function `f` on its prepared inputs, recording that it runs (`active`). */
export function callFunction(f: (...args: unknown[]) => unknown, inputs: Inputs): unknown {
  active.push({ nodes: inputs.nodes, set: null });
  try {
    return f(...inputs.args);
  } finally {
    active.pop();
  }
}

/**
 * Marks `inputs` nested when one of the function's `outputs` depends on the inputs of a running
 * transformation (and the caller records): its results must then carry a graph for that one. A
 * custom op's node between them may be such a dependence, since its backward may close over an outer
 * input (`defineOp({ …, backward: g => g.mul(a) })` inside a function of `a`) where no walk can see:
 * the gradients are then recorded too (`viaCustom`), and `settle` keeps the graph of those results
 * that turn out to reach an outer input and detaches the others, as they would be at top level.
 */
export function nestIfOuter(inputs: Inputs, outputs: readonly Leaf[]): void {
  if (inputs.nested || !inputs.recording || active.length === 0) return;
  let custom = false;
  const outer = walkBelow(outputs, inputs.nodes, new Set(), (node) => {
    if (inOuterFrame(node)) return true;
    custom ||= isCustomNode(node);
    return false;
  });
  if (outer || custom) inputs.nested = true;
  if (!outer && custom) inputs.viaCustom = true;
}

/** How `asReturned` hands results back. */
export interface ReturnOptions {
  /** Whether the caller records (the pullback of `vjp` asks when it runs). Default `inputs.recording`. */
  readonly recording?: boolean;
  /** The results carry a graph of their own (tracked tangents or cotangents), kept as at top level. */
  readonly ownGraph?: boolean;
}

/**
 * The results of one call as the caller gets them: result k as a number where `numbers[k]` (refused
 * by `asNumber` where that would drop an outer derivative), the others settled (`settle`) unless
 * they carry a graph of their own.
 */
export function asReturned(
  inputs: Inputs,
  results: readonly Leaf[],
  numbers: readonly boolean[],
  { recording = inputs.recording, ownGraph = false }: ReturnOptions = {},
): (Leaf | number)[] {
  const clear = new Set<Leaf>();
  const settled = ownGraph ? results : settle(inputs, results, clear, numbers);
  return settled.map((r, k) => (numbers[k] ? asNumber(inputs.name, r as Value, recording, clear) : r));
}

/**
 * The non-number results of a call nested only through a custom op (`viaCustom`): detached (as at
 * top level) when none of them depends on a running transformation's inputs, else all as they are,
 * as a call that depends on them through built-in ops keeps every result's graph; as they are, too,
 * once no transformation runs (a pullback called after the transformation that traced it returned).
 * `skip[k]` leaves result k out (a number result, which `asNumber` decides). `clear` is shared by the
 * results of one call, as in `asNumber`.
 */
function settle(
  inputs: Inputs,
  results: readonly Leaf[],
  clear: Set<Leaf>,
  skip: readonly boolean[],
): Leaf[] {
  if (!inputs.viaCustom || active.length === 0) return results.slice();
  const reaching = results.some((r, k) => skip[k] !== true && reachesOuter([r], [], clear));
  return results.map((r, k) => (reaching || skip[k] === true ? r : r.detach()));
}

/**
 * `v`'s number, for a result that the caller gets as a number because its arguments were numbers.
 * Where the caller records inside another transformation's function, a result that depends on that
 * transformation's inputs (through what the function closes over, or a tangent or cotangent it
 * passed) would lose its derivative as a number: that is refused, naming `name`, rather than
 * dropped without a word.
 */
function asNumber(name: string, v: Value, recording: boolean, seen = new Set<Leaf>()): number {
  if (recording && active.length > 0 && reachesOuter([v], [], seen)) {
    throw new TypeError(
      `${name}: a result depends on the inputs of an outer transformation, but it would come back as a number (its arguments were numbers) without that derivative; pass Values (value(x)) instead of numbers`,
    );
  }
  return v.data;
}

/**
 * A function's output `v` as a number, for a call whose arguments were all numbers: walked for a
 * dependence on an outer transformation only where `nestIfOuter` found one (and refused then).
 */
export function outputAsNumber(inputs: Inputs, v: Value, clear = new Set<Leaf>()): number {
  return inputs.nested ? asNumber(inputs.name, v, true, clear) : v.data;
}

/**
 * Whether the graph below `roots` (roots included, not below the nodes `own`) holds an input of a
 * running transformation. `clear` holds nodes an earlier walk over the same frames found clear: the
 * results of one call share it, so that many results over one graph cost about one walk.
 */
function reachesOuter(roots: readonly Leaf[], own: readonly Leaf[], clear: Set<Leaf>): boolean {
  return walkBelow(roots, own, clear, inOuterFrame);
}

/** Whether `node` is an input of a running transformation. */
function inOuterFrame(node: Leaf): boolean {
  for (const frame of active) {
    frame.set ??= new Set(frame.nodes);
    if (frame.set.has(node)) return true;
  }
  return false;
}

/**
 * Visits the graph below `roots` (roots included, not below the nodes `own`, each node once, none
 * in `clear`) until `found` says true, and says whether it did. A walk that finds nothing adds the
 * nodes it visited to `clear`, so later walks over the same graph skip them; one that stops early
 * adds none (a node it passed may lie above what it found).
 */
function walkBelow(
  roots: readonly Leaf[],
  own: readonly Leaf[],
  clear: Set<Leaf>,
  found: (node: Leaf) => boolean,
): boolean {
  const stop = new Set<Leaf>(own);
  const visited = new Set<Leaf>();
  const stack: Leaf[] = roots.slice();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (clear.has(node) || visited.has(node)) continue;
    visited.add(node);
    if (found(node)) return true;
    if (stop.has(node)) continue;
    for (const parent of node.parents as readonly Leaf[]) stack.push(parent);
  }
  for (const node of visited) clear.add(node);
  return false;
}

/** The differentiated arguments of one call, as inputs of a fresh graph. */
export interface Inputs {
  /** The transformation's name, for its errors. */
  readonly name: string;
  /** Whether the caller was recording (not inside `noGrad`). */
  readonly recording: boolean;
  /** The call's arguments, with each differentiated leaf replaced by its graph input. */
  readonly args: unknown[];
  /** The graph inputs, argument by argument, leaf by leaf. */
  readonly nodes: Leaf[];
  /** Whether each input came from a number (its results are numbers again). */
  readonly fromNumber: readonly boolean[];
  /** One per argnum: that argument taken apart, and which `nodes` its leaves are. */
  readonly parts: readonly { flat: Flat<number | Leaf>; from: number; to: number }[];
  /**
   * Whether results should carry a graph of their own: the caller is recording, and one of the
   * inputs takes gradients (as in `grad(grad(f))`, where the outer call hands the inner one its
   * input) or the function's result depends on a running transformation's inputs (`nestIfOuter`).
   */
  nested: boolean;
  /** Nested only because a custom op lies between the inputs and the outputs (`nestIfOuter`, `settle`). */
  viaCustom: boolean;
}

/**
 * Replaces the leaves of the arguments at `argnums` by graph inputs: a number becomes a new Value, an
 * untracked Tensor a tracked leaf sharing its data, and a Value or a tracked Tensor an exact copy
 * recorded on top of it. The copy is what the function sees and what is differentiated, so uses of
 * the same node that the function closes over stay constants, as in JAX (`grad(y => x.add(y))(x)` is
 * 1, not 2, which nested transformations rely on), while an outer transformation still
 * differentiates through the copy to the node. Call it with recording on.
 */
export function prepareInputs(
  name: string,
  args: readonly unknown[],
  argnums: readonly number[],
  recording = isRecording(),
): Inputs {
  const callArgs = args.slice();
  const nodes: Leaf[] = [];
  const fromNumber: boolean[] = [];
  const parts: { flat: Flat<number | Leaf>; from: number; to: number }[] = [];
  let nested = false;
  for (const i of argnums) {
    if (i >= args.length) {
      throw new RangeError(
        `${name}: argnums ${i} is out of range: the function was called with ${args.length} argument${args.length === 1 ? '' : 's'}`,
      );
    }
    const flat = flatten(args[i], name, `argument ${i}`);
    const from = nodes.length;
    for (const leaf of flat.leaves) {
      fromNumber.push(typeof leaf === 'number');
      if (typeof leaf === 'number') nodes.push(new Value(leaf));
      else {
        if (recording && leaf._tracked) nested = true;
        const input = leaf._asInput();
        // a fresh leaf is the function's alone; a node the caller holds gets a copy at each position
        nodes.push(input !== leaf ? input : copyOf(input));
      }
    }
    parts.push({ flat, from, to: nodes.length });
  }
  parts.forEach(({ flat, from, to }, j) => {
    callArgs[argnums[j]!] = flat.build(nodes.slice(from, to));
  });
  return { name, recording, args: callArgs, nodes, fromNumber, parts, nested, viaCustom: false };
}

/**
 * The results for each differentiated argument, rebuilt in its structure: `results[k]` belongs to
 * `inputs.nodes[k]`; a number input gets a number back. One argument's result alone when `single`.
 */
export function rebuild(
  inputs: Inputs,
  results: readonly Leaf[],
  single: boolean,
  options: ReturnOptions = {},
): unknown {
  const asGiven = asReturned(inputs, results, inputs.fromNumber, options);
  const trees = inputs.parts.map(({ flat, from, to }) => flat.build(asGiven.slice(from, to)));
  return single ? trees[0] : trees;
}

/** Checks that `out` is a Value or a Tensor, naming the transformation and what arrived. */
export function checkOutput(name: string, out: unknown, what = 'the function must return'): Leaf {
  if (out instanceof Value || out instanceof Tensor) return out;
  throw new TypeError(`${name}: ${what} a Value or a Tensor, got ${describe(out)}`);
}
