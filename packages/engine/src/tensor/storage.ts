// Where a tensor's elements are and whose array it is: its own array, an array it shares with the
// tensor that owns it (an alias: detach, a transformation's input), or a plan that computes them when
// first read (ops/tensor/fusion.ts); and which gradients a leaf may keep as they are. The fields are on
// the class (core.ts); these are the methods over them.

import { currentPass } from '../graph/backward.js';
import { isRecording } from '../graph/recording.js';
import { runPlan } from '../ops/tensor/fusion.js';
import { Tensor } from './core.js';
import type { TensorOptions } from './creation.js';

declare module './core.js' {
  interface Tensor {
    /** @internal A leaf over this tensor's array: it shares the array's owner (see `_owner`). */
    _alias(options?: Omit<TensorOptions, 'shape'>): Tensor;
    /** @internal Computes the elements a plan waits for (once; later reads find them). */
    _settle(): Float64Array;
    /** @internal Gives a waiting plan its elements, computed elsewhere (a fused backward's bias sums). */
    _settleWith(data: Float64Array): Float64Array;
    /** @internal This tensor as a transformation's input: itself when it requires grad, else an alias that does. */
    _asInput(): Tensor;
    /**
     * @internal A leaf's gradient is its own array: never the caller's seed or another leaf's. A
     * gradient a rule made for this leaf alone (`_gradientFor`) is kept as it is; any other is copied.
     */
    _keepGrad(g: Tensor, createGraph: boolean): Tensor;
    /**
     * @internal `g`, a gradient that a backward rule has just made for this input in an array of its
     * own and returns for it alone, marked so that a leaf keeps it without the copy `_keepGrad` makes
     * of a gradient that may be shared. The reverse pass gives a leaf's gradient to nothing but the
     * leaf, and the mark counts only in the pass that set it. Not set while recording: a createGraph
     * pass keeps every gradient as it is, and its gradients are nodes that later code can reach.
     */
    _gradientFor(g: Tensor): Tensor;
  }
}

/**
 * @internal The storage methods, as core.ts puts them on the class when it loads: each one that the
 * class declares above, with the declared signature (`satisfies` checks both).
 */
export function storageMethods() {
  return {
    _alias(options?: Omit<TensorOptions, 'shape'>): Tensor {
      const t = Tensor._of(this._data, this.shape, options);
      t._owner = this._owner;
      return t;
    },
    _settle(): Float64Array {
      const plan = this._plan;
      if (plan === null) return this._store!;
      return this._settleWith(runPlan(plan));
    },
    _settleWith(data: Float64Array): Float64Array {
      this._store = data;
      this._plan = null;
      return data;
    },
    _asInput(): Tensor {
      return this._requiresGrad ? this : this._alias({ requiresGrad: true });
    },
    _keepGrad(g: Tensor, createGraph: boolean): Tensor {
      const own = g._madeFor === this && g._madeIn === currentPass();
      return createGraph || this.op !== '' || own ? g : Tensor._of(g._data.slice(), g.shape);
    },
    _gradientFor(g: Tensor): Tensor {
      if (this.op === '' && g !== this && !isRecording() && currentPass() !== 0) {
        g._madeFor = this;
        g._madeIn = currentPass();
      }
      return g;
    },
  } satisfies Partial<Tensor> & ThisType<Tensor>;
}
