// The numbers under scalar Values: node data and gradients in typed-array chunks, so that a Value holds
// no boxed double, with a Value a handle (chunk, index) on one entry.

/** Op code of a leaf. */
export const LEAF = 0;
/** Op code of a node made by a custom op (`defineOp`): its name and inputs live on its handle. */
export const CUSTOM = 1;
/** Op code of `where`, the one op of three inputs. */
export const WHERE = 2;

/**
 * Nodes per chunk. A chunk is referenced only by the Values whose numbers it holds (never by another
 * chunk, nor by a global list), so it is collected once none of them is reachable: a finished training
 * step's graph, or the graphs of a forward-only loop outside `noGrad`, go with their chunks. A kept
 * Value keeps its whole chunk (this many nodes' numbers, 120 KiB), so chunks stay small.
 */
export const CHUNK = 1 << 12;

/** Bytes per node in a chunk's one buffer: data, gradient, pass gradient, mark, op code, gradient state. */
const BYTES = 8 + 8 + 8 + 4 + 1 + 1;

/**
 * One block of nodes' numbers, filled in the order the nodes are made and never reused. All of it lives
 * in one buffer, so that a node costs its handle and 30 bytes here; a chunk holds numbers only, never a
 * Value, so it keeps no other chunk alive.
 */
export class Chunk {
  /** The entries handed out so far. */
  length = 0;
  /** Each node's number. */
  readonly data: Float64Array;
  /** The accumulated gradient, where `gradState` is 1. */
  readonly grad: Float64Array;
  /** The gradient collected by the numeric pass in progress, for the nodes the pass has reached. */
  readonly g: Float64Array;
  /** The stamp of the walk under way that reached the node, else 0. */
  readonly mark: Int32Array;
  /** The op code of each node (`LEAF`, `CUSTOM`, `WHERE`, or a declared op's). */
  readonly op: Uint8Array;
  /** 0: no gradient; 1: the number in `grad`; 2: a Value held by the node's side record (createGraph). */
  readonly gradState: Uint8Array;

  constructor() {
    const buffer = new ArrayBuffer(CHUNK * BYTES);
    this.data = new Float64Array(buffer, 0, CHUNK);
    this.grad = new Float64Array(buffer, 8 * CHUNK, CHUNK);
    this.g = new Float64Array(buffer, 16 * CHUNK, CHUNK);
    this.mark = new Int32Array(buffer, 24 * CHUNK, CHUNK);
    this.op = new Uint8Array(buffer, 28 * CHUNK, CHUNK);
    this.gradState = new Uint8Array(buffer, 29 * CHUNK, CHUNK);
  }
}

let current = new Chunk();
/** The chunks of detached Values, kept apart: a detached Value is often kept (a loss per step). */
let detached = new Chunk();
let nextDetached = false;

/**
 * The chunk of a new node holding `data`: the current one while it has room, else a fresh one. The
 * node's index is the chunk's `length`, which the caller takes and counts in.
 */
export function chunkFor(data: number): Chunk {
  let t = nextDetached ? detached : current;
  if (t.length === CHUNK) {
    t = new Chunk();
    if (nextDetached) detached = t;
    else current = t;
  }
  nextDetached = false;
  t.data[t.length] = data;
  return t;
}

/**
 * Puts the next node in the chunks of detached Values, so that keeping one (say a loss per step, as
 * `losses.push(loss.detach())`) keeps a few bytes of a chunk of such Values, not the chunk of a
 * step's whole graph.
 */
export function detachNext(): void {
  nextDetached = true;
}

let passes = 0;

/**
 * Fresh stamps for the walk starting now: `s` marks the nodes it visits, `s + 1` those the numeric
 * pass then reaches with a gradient. Every walk sets its nodes' marks back to 0 when it ends, so a
 * stamp only has to differ from those of walks still under way, and the counter can wrap (the marks
 * stay small integers, which keeps a Value free of boxed numbers).
 */
export function nextStamp(): number {
  passes = passes >= 0x3ffffff0 ? 2 : passes + 2;
  return passes;
}
