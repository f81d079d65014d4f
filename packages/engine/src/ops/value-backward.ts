// Value's reverse passes: the numeric backward (no graph recorded, no Value made per node, gradients in
// the chunks' typed arrays) and the order the recorded passes walk, both from one depth-first walk.

import { withRecording } from '../graph/recording.js';
import { CUSTOM, LEAF, nextStamp, WHERE } from '../graph/tape.js';
import { Value } from '../value.js';
import { numberAlgebra, VALUE_OP_DECLARATIONS } from './value-ops.js';

let next = new Int32Array(1024);
/** The walk's stack, reused; emptied (set to null) after every walk so it keeps no graph alive. */
let stack: (Value | null)[] = new Array<Value | null>(1024).fill(null);

/**
 * The nodes below `root`, root included, each after its parents: a depth-first post-order with an
 * explicit stack (a chain of a million nodes costs memory, not call-stack depth), parents in argument
 * order, the order graph/backward.ts's `topoOrder` gives, so Value and Tensor sum gradients alike. The
 * nodes are left marked with `stamp`, and their pass gradient set to -0; the caller sets the marks back
 * to 0. Inside a numeric pass, the mark and pass gradient each node had go to `saved` first.
 */
function walk(root: Value, stamp: number, order: (Value | null)[], saved: Overwritten | null): number {
  let n = 0;
  // a walk inside a walk (a custom op's backward that differentiates) takes a stack of its own
  const s = stack;
  stack = [];
  let sp = 1;
  let depth = 1;
  s[0] = root;
  next[0] = 0;
  if (saved !== null) keep(saved, root);
  root._t.mark[root._i] = stamp;
  while (sp > 0) {
    const node = s[sp - 1]!;
    const k = next[sp - 1]!;
    const op = node._t.op[node._i];
    let parent: Value | null;
    if (op === LEAF) parent = null;
    else if (op === CUSTOM) parent = node._customInputs()[k] ?? null;
    else parent = k === 0 ? node._a : k === 1 ? node._b : k === 2 && op === WHERE ? node._c : null;
    if (parent === null) {
      sp--;
      // -0 is the identity of +: a first contribution lands unchanged, as the recorded pass assigns it
      node._t.g[node._i] = -0;
      if (n === order.length) order.push(node);
      else order[n] = node;
      n++;
      continue;
    }
    next[sp - 1] = k + 1;
    const pt = parent._t;
    if (pt.mark[parent._i] === stamp) continue;
    if (saved !== null) keep(saved, parent);
    pt.mark[parent._i] = stamp;
    if (sp === next.length) {
      const grown = new Int32Array(next.length * 2);
      grown.set(next);
      next = grown;
    }
    if (sp === s.length) s.push(parent);
    else s[sp] = parent;
    sp++;
    if (sp > depth) depth = sp;
    next[sp - 1] = 0;
  }
  s.fill(null, 0, depth);
  stack = s;
  return n;
}

/** Numeric passes under way: a custom op's backward can start one (or a walk) inside another. */
let active = 0;

/**
 * What a walk inside a numeric pass overwrote, to put back when it is done: the outer pass keeps its
 * state in the same places (a node's mark and pass gradient), and the two graphs can share nodes.
 */
interface Overwritten {
  nodes: Value[];
  marks: number[];
  gs: number[];
}

/** A record of overwritten state when a numeric pass is under way, else null (nothing to keep). */
function overwritten(): Overwritten | null {
  return active === 0 ? null : { nodes: [], marks: [], gs: [] };
}

/** Notes `node`'s mark and pass gradient before a walk changes them. */
function keep(saved: Overwritten, node: Value): void {
  saved.nodes.push(node);
  saved.marks.push(node._t.mark[node._i]!);
  saved.gs.push(node._t.g[node._i]!);
}

/** Puts back what a walk inside a numeric pass overwrote. */
function restore(saved: Overwritten): void {
  for (let k = 0; k < saved.nodes.length; k++) {
    const node = saved.nodes[k]!;
    node._t.mark[node._i] = saved.marks[k]!;
    node._t.g[node._i] = saved.gs[k]!;
  }
}

/**
 * The nodes below `root`, root included, each after its parents, in `topoOrder`'s order: what the
 * recorded reverse passes (createGraph, explain, grad, gradcheck) and `toDot` walk.
 */
export function valueOrder(root: Value): Value[] {
  const order: Value[] = [];
  const saved = overwritten();
  const n = walk(root, nextStamp(), order, saved);
  for (let k = 0; k < n; k++) order[k]!._t.mark[order[k]!._i] = 0;
  if (saved !== null) restore(saved);
  return order;
}

/**
 * The numeric pass's order, reused from pass to pass (allocating it each time was a fifth of a training
 * step's allocation); the pass sets each entry back to null as it goes, so it keeps no graph alive.
 */
let spareOrder: (Value | null)[] = [];

/** The stamp of the nodes the numeric pass in progress has given a gradient. */
let reached = 0;

/** Adds `v` to the pass's gradient of `node`. */
function give(node: Value, v: number): void {
  const t = node._t;
  const i = node._i;
  t.g[i]! += v;
  t.mark[i] = reached;
}

/** Adds the pass's gradient `g` of `node` to its accumulated gradient. */
function accumulate(node: Value, g: number): void {
  const t = node._t;
  const i = node._i;
  const state = t.gradState[i];
  if (state === 1) t.grad[i]! += g;
  else {
    // none yet, or held as a Value (createGraph, or read through gradValue): a number again, as the
    // recorded pass would make a new leaf of the sum
    t.grad[i] = state === 0 ? g : node._gv!.data + g;
    t.gradState[i] = 1;
    node._gv = null;
  }
}

/** The inputs of the derivative in progress: one object reused, so the pass allocates nothing. */
const io = { a: 0, b: 0, out: 0, g: 0 };

/**
 * The reverse pass without createGraph, on plain numbers: each node's declared derivative over
 * numbers, in the order and with the arithmetic of the recorded pass, so both give the same bits. Every
 * node the pass reaches adds its gradient to its accumulated one; a node it never reaches (a `where`
 * condition, an input a custom op's backward returns null for) keeps its gradient untouched.
 */
export function numericBackward(root: Value): void {
  const stamp = nextStamp();
  // a pass inside a pass (a custom op's backward that differentiates) takes an order of its own
  const order = spareOrder;
  spareOrder = [];
  const saved = overwritten();
  const n = walk(root, stamp, order, saved);
  active++;
  const outer = reached;
  reached = stamp + 1;
  let k = n - 1;
  try {
    give(root, 1);
    for (; k >= 0; k--) {
      const node = order[k]!;
      const t = node._t;
      if (t.mark[node._i] === reached) step(node);
      // nothing gives to a node after its own step (its users come later in the order, so earlier here)
      t.mark[node._i] = 0;
      order[k] = null;
    }
  } finally {
    active--;
    reached = outer;
    for (; k >= 0; k--) {
      const node = order[k]!;
      node._t.mark[node._i] = 0;
      order[k] = null;
    }
    if (saved !== null) restore(saved);
    // kept for the next pass unless a huge graph grew it (its length stays)
    spareOrder = order.length > 1 << 18 ? [] : order;
  }
}

/** One node of the numeric pass: its gradient into its accumulated one, then into its parents'. */
function step(node: Value): void {
  const g = node._t.g[node._i]!;
  accumulate(node, g);
  const code = node._t.op[node._i]!;
  if (code === LEAF) return;
  if (code === CUSTOM) {
    customStep(node, g);
    return;
  }
  const a = node._a!;
  const b = node._b;
  if (code === WHERE) {
    // as where's recorded rule, in the same order: a's share first, then b's; the condition gets none
    const taken = a.data !== 0;
    give(b!, taken ? g : 0);
    give(node._c!, taken ? 0 : g);
    return;
  }
  const d = VALUE_OP_DECLARATIONS[code]!;
  const p = node._params;
  io.a = a.data;
  io.b = b === null ? (p.b as number) : b.data;
  io.out = node.data;
  io.g = g;
  if (d.derivative === null) throw new Error(`internal: ${node.op} has no derivative but was recorded`);
  if (d.arity === 1) {
    give(a, d.derivative(numberAlgebra, io, p));
    return;
  }
  // both partials before either sum, and a's first, as the recorded pass adds them (x.mul(x))
  const da = d.derivative[0](numberAlgebra, io, p);
  if (b === null) {
    give(a, da);
    return;
  }
  const db = d.derivative[1](numberAlgebra, io, p);
  give(a, da);
  give(b, db);
}

/** A custom op's step: the user's rule on Values, recorded nowhere, read as numbers. */
function customStep(node: Value, g: number): void {
  const grads = withRecording(false, () => node._vjp(new Value(g)));
  const inputs = node._customInputs();
  for (let k = 0; k < inputs.length; k++) {
    const d = grads[k];
    if (d !== null && d !== undefined) give(inputs[k]!, d.data);
  }
}
