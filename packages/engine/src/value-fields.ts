// The fields of a Value handle that live elsewhere: the side record of the few nodes that need one, and
// GraphNode's op, parents and gradients as accessors over the handle and its chunk.

import { CUSTOM } from './graph/tape.js';
import { NO_PARAMS, type Params } from './ops/elementwise/declaration.js';
import { VALUE_OP_NAMES } from './ops/value-ops.js';
import type { Value } from './value.js';

/** @internal The fields of a Value that few nodes use, kept off the handle so that it stays small. */
export interface ValueExtra {
  label: string;
  /** where's second branch, its third parent. */
  c: Value | null;
  params: Params;
  gv: Value | null;
  pending: Value | null;
}

/** @internal A side record holding `label` and nothing else. */
export function extra(label: string): ValueExtra {
  return { label, c: null, params: NO_PARAMS, gv: null, pending: null };
}

/**
 * @internal Defines GraphNode's fields on Value's prototype, read from the handle and its chunk (the
 * class cannot redeclare a field as an accessor). `make` makes a leaf (a gradient held as a Value).
 */
export function installValueFields(proto: Value, make: (x: number) => Value): void {
  Object.defineProperties(proto, {
    /** The operation that produced this node, `''` for a leaf. */
    op: {
      get(this: Value): string {
        return this._op === CUSTOM ? this._customName() : VALUE_OP_NAMES[this._op]!;
      },
    },
    /** The inputs of the operation, in argument order, as the op was given them. */
    parents: {
      get(this: Value): readonly Value[] {
        if (this._op === CUSTOM) return this._customInputs();
        const { _a: a, _b: b, _c: c } = this;
        if (a === null) return [];
        if (b === null) return [a];
        return c === null ? [a, b] : [a, b, c];
      },
    },
    _op: {
      get(this: Value): number {
        return this._t.op[this._i]!;
      },
      set(this: Value, code: number): void {
        this._t.op[this._i] = code;
      },
    },
    _mark: {
      get(this: Value): number {
        return this._t.mark[this._i]!;
      },
      set(this: Value, stamp: number): void {
        this._t.mark[this._i] = stamp;
      },
    },
    _c: {
      get(this: Value): Value | null {
        return this._x === null ? null : this._x.c;
      },
    },
    /** A gradient held as a number becomes a Value on the first read, kept, so every read gives the same one. */
    /** A recorded pass's gradient in progress (createGraph, explain, grad). */
    _pending: {
      get(this: Value): Value | null {
        return this._x === null ? null : this._x.pending;
      },
      set(this: Value, g: Value | null): void {
        if (g !== null || this._x !== null) this._extra().pending = g;
      },
    },
    _grad: {
      get(this: Value): Value | null {
        const state = this._t.gradState[this._i];
        if (state === 0) return null;
        if (state === 1) {
          this._gv = make(this._t.grad[this._i]!);
          this._t.gradState[this._i] = 2;
        }
        return this._gv;
      },
      set(this: Value, g: Value | null): void {
        this._gv = g;
        this._t.gradState[this._i] = g === null ? 0 : 2;
      },
    },
  });
}
