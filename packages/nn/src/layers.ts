// Layers: Linear, Sequential, the activation modules and Dropout.

import { checkSize, formatShape, linear, type Rng, ShapeError, Tensor } from '@chainrule/engine';
import { checkBoolean, checkInteger, checkNumber, checkOptions, kindOf, RANDOM_KEYS } from './errors.js';
import { checkInit, type Init, initialize } from './init.js';
import { Module } from './module.js';
import { type RandomOptions, rngOf } from './random-option.js';

/** @internal Throws a TypeError naming `op` unless `x` is a Tensor. */
export function checkTensor(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${kindOf(x)}`);
  return x;
}

/** Options of `Linear`. */
export interface LinearOptions extends RandomOptions {
  /** Whether the layer adds a bias. Default true. */
  bias?: boolean;
  /** How weights and bias are drawn. Default 'pytorch' (uniform ±1/√inFeatures). */
  init?: Init;
  /**
   * Applied to the output inside the layer's one fused `linear`: `'relu'` gives relu(x·Wᵀ + b), as
   * Keras's `Dense(activation='relu')` does. Default `'none'`.
   */
  activation?: LinearActivation;
}

/** What a `Linear` can apply to its output in the same fused step. */
export type LinearActivation = 'none' | 'relu';

function checkLinearActivation(a: unknown): LinearActivation {
  if (a === 'none' || a === 'relu') return a;
  throw new TypeError(`Linear: activation must be 'none' or 'relu', got ${kindOf(a)}`);
}

/**
 * A fully connected layer, y = x·Wᵀ + b, as PyTorch's `nn.Linear`: `weight` has shape
 * [outFeatures, inFeatures], `bias` [outFeatures]. The input's last axis must have `inFeatures`
 * elements; leading axes are batch axes. With `activation: 'relu'` the layer computes
 * relu(x·Wᵀ + b) as one fused `linear` node (one pass over the output, one backward for the mask,
 * both gradients and the bias sums); that is how `MLP` and `fromArchitecture` build relu layers.
 *
 * @example
 * ```ts
 * const layer = new Linear(2, 3, { init: 'kaimingNormal', seed: 1 });
 * layer.forward(tensor([[1, 2], [3, 4]])).shape; // [2, 3]
 * const hidden = new Linear(2, 3, { activation: 'relu', seed: 1 });
 * hidden.forward(tensor([[1, 2]])).op; // 'linear': relu included, one node
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** [outFeatures, inFeatures], requires grad. */
  readonly weight: Tensor;
  /** [outFeatures], requires grad; null without bias. */
  readonly bias: Tensor | null;
  /** What the layer applies to x·Wᵀ + b in the same fused step: 'none' or 'relu'. */
  readonly activation: LinearActivation;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkInteger('Linear', 'inFeatures', inFeatures, 1);
    this.outFeatures = checkInteger('Linear', 'outFeatures', outFeatures, 1);
    checkSize([outFeatures, inFeatures], 'Linear'); // the weight's size, before anything is allocated
    checkOptions('Linear', options, [...RANDOM_KEYS, 'bias', 'init', 'activation']);
    const init = checkInit('Linear', options.init ?? 'pytorch');
    this.activation = checkLinearActivation(options.activation ?? 'none');
    const rng = rngOf('Linear', options);
    this.weight = Tensor.zeros([outFeatures, inFeatures], { requiresGrad: true });
    this.bias = checkBoolean('Linear', 'bias', options.bias, true)
      ? Tensor.zeros([outFeatures], { requiresGrad: true })
      : null;
    initialize(init, this.weight.data, this.bias?.data ?? null, inFeatures, outFeatures, rng);
  }

  /**
   * x·Wᵀ + b (relu of it with `activation: 'relu'`) for a batch `x` whose last axis has
   * `inFeatures` elements.
   *
   * @example
   * ```ts
   * const layer = new Linear(2, 1, { bias: false });
   * layer.weight.data.set([1, 2]);
   * layer.forward(tensor([[3, 4]])).toArray(); // [[11]]
   * ```
   */
  forward(x: Tensor): Tensor {
    checkTensor('Linear.forward', x);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear.forward: a Linear(${this.inFeatures}, ${this.outFeatures}) needs inputs whose last axis has ${this.inFeatures} elements, got shape ${formatShape(x.shape)}`,
      );
    }
    return linear(x, this.weight, this.bias, { activation: this.activation });
  }

  /** @internal With relu fused in, the layer stands for PyTorch's Linear and ReLU: two places. */
  override _places(): number {
    return this.activation === 'none' ? 1 : 2;
  }

  /**
   * `Linear(2, 3)`, or `Linear(2, 3, bias=false)`, or `Linear(2, 3, activation=relu)`.
   *
   * @example
   * ```ts
   * String(new Linear(2, 3)); // 'Linear(2, 3)'
   * String(new Linear(2, 3, { activation: 'relu' })); // 'Linear(2, 3, activation=relu)'
   * ```
   */
  override toString(): string {
    const bias = this.bias === null ? ', bias=false' : '';
    const activation = this.activation === 'none' ? '' : `, activation=${this.activation}`;
    return `Linear(${this.inFeatures}, ${this.outFeatures}${bias}${activation})`;
  }
}

/**
 * Modules applied one after another. Parameters are named by position (`0.weight`, `2.bias`), as in
 * PyTorch; a `Linear` with `activation: 'relu'` takes the places of the Linear and the ReLU that
 * PyTorch's `nn.Sequential` would hold, so the names are those of the same network in PyTorch.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1), new Sigmoid());
 * model.forward(tensor([[0.5, -1], [2, 0], [1, 1]])).shape; // [3, 1]: one probability a row
 * ```
 */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module))
        throw new TypeError(`Sequential: layer ${i} must be a Module, got ${kindOf(m)}`);
    });
    this.layers = layers;
  }

  /**
   * Each layer's `forward` in turn, the output of one the input of the next, and nothing else: a
   * `Linear` followed by a `ReLU` runs as the two layers it is (a `linear` node, then a `relu` node).
   * For the fused step, give the `Linear` `activation: 'relu'` instead (as `MLP` does).
   *
   * @example
   * ```ts
   * new Sequential(new Identity(), new ReLU()).forward(tensor([-1, 2])).toArray(); // [0, 2]
   * const layer = new Linear(2, 2, { seed: 1 });
   * new Sequential(layer, new ReLU()).forward(tensor([[1, 1]])).op; // 'relu'
   * ```
   */
  forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.forward(x);
    return x;
  }

  /**
   * The layers named by position, so parameters are `0.weight`, `2.bias`, ... as in PyTorch. A
   * `Linear` with its relu fused in counts as the two modules PyTorch would hold (Linear, ReLU).
   *
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).namedChildren().map(([name]) => name); // ['0', '1']
   * const fused = new Sequential(new Linear(2, 2, { activation: 'relu' }), new Linear(2, 1));
   * fused.namedChildren().map(([name]) => name); // ['0', '2']: as nn.Sequential(Linear, ReLU, Linear)
   * ```
   */
  override namedChildren(): [string, Module][] {
    let place = 0;
    return this.layers.map((m) => {
      const name = String(place);
      place += m._places();
      return [name, m];
    });
  }

  /**
   * `Sequential(Linear(2, 8), ReLU())`.
   *
   * @example
   * ```ts
   * String(new Sequential(new Linear(2, 8), new ReLU())); // 'Sequential(Linear(2, 8), ReLU())'
   * ```
   */
  override toString(): string {
    return `Sequential(${this.layers.join(', ')})`;
  }
}

/**
 * max(x, 0) elementwise.
 *
 * @example
 * ```ts
 * new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  /**
   * max(x, 0) elementwise (gradient 0 at x = 0).
   *
   * @example
   * ```ts
   * new ReLU().forward(tensor([-1, 0, 2])).toArray(); // [0, 0, 2]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('ReLU.forward', x).relu();
  }

  /**
   * `ReLU()`.
   *
   * @example
   * ```ts
   * String(new ReLU()); // 'ReLU()'
   * ```
   */
  override toString(): string {
    return 'ReLU()';
  }
}

/**
 * The logistic function 1 / (1 + e^-x) elementwise.
 *
 * @example
 * ```ts
 * new Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  /**
   * 1 / (1 + e^-x) elementwise, finite at ±1000.
   *
   * @example
   * ```ts
   * new Sigmoid().forward(tensor([0, 1000])).toArray(); // [0.5, 1]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('Sigmoid.forward', x).sigmoid();
  }

  /**
   * `Sigmoid()`.
   *
   * @example
   * ```ts
   * String(new Sigmoid()); // 'Sigmoid()'
   * ```
   */
  override toString(): string {
    return 'Sigmoid()';
  }
}

/**
 * The hyperbolic tangent elementwise.
 *
 * @example
 * ```ts
 * new Tanh().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class Tanh extends Module {
  /**
   * tanh(x) elementwise.
   *
   * @example
   * ```ts
   * new Tanh().forward(tensor([0])).toArray(); // [0]
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('Tanh.forward', x).tanh();
  }

  /**
   * `Tanh()`.
   *
   * @example
   * ```ts
   * String(new Tanh()); // 'Tanh()'
   * ```
   */
  override toString(): string {
    return 'Tanh()';
  }
}

/**
 * Passes its input through: a placeholder for "no activation".
 *
 * @example
 * ```ts
 * const x = tensor([1, 2]);
 * new Identity().forward(x) === x; // true
 * ```
 */
export class Identity extends Module {
  /**
   * `x` itself, the same Tensor object (checked to be a Tensor).
   *
   * @example
   * ```ts
   * const x = tensor([1, 2]);
   * new Identity().forward(x) === x; // true
   * ```
   */
  forward(x: Tensor): Tensor {
    return checkTensor('Identity.forward', x);
  }

  /**
   * `Identity()`.
   *
   * @example
   * ```ts
   * String(new Identity()); // 'Identity()'
   * ```
   */
  override toString(): string {
    return 'Identity()';
  }
}

/**
 * Inverted dropout, seeded: in training mode each element is zeroed with probability `p` and the
 * rest are scaled by 1/(1 - p), so the expected output equals the input; in eval mode it passes the
 * input through. Its generator advances with every forward pass.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { seed: 3 });
 * drop.forward(Tensor.ones([4])).toArray(); // e.g. [2, 0, 2, 2]
 * drop.eval().forward(Tensor.ones([4])).toArray(); // [1, 1, 1, 1]
 * ```
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly rng: Rng;

  constructor(p = 0.5, options: RandomOptions = {}) {
    super();
    this.p = checkNumber('Dropout', 'p', p, 0, 1);
    this.rng = rngOf('Dropout', checkOptions('Dropout', options, RANDOM_KEYS));
  }

  /**
   * In training mode, `x` with each element zeroed with probability `p` and the rest scaled by
   * 1/(1 - p), drawing from the layer's generator; in eval mode (or with p = 0), `x` itself.
   *
   * @example
   * ```ts
   * const drop = new Dropout(0.5, { seed: 3 });
   * drop.forward(Tensor.ones([4])).toArray();        // each element 0 or 2
   * drop.eval().forward(Tensor.ones([4])).toArray(); // [1, 1, 1, 1]
   * ```
   */
  forward(x: Tensor): Tensor {
    checkTensor('Dropout.forward', x);
    if (!this.training || this.p === 0) return x;
    const mask = new Float64Array(x.size);
    if (this.p < 1) {
      const scale = 1 / (1 - this.p);
      for (let i = 0; i < mask.length; i++) mask[i] = this.rng.next() < this.p ? 0 : scale;
    }
    return x.mul(new Tensor(mask, x.shape));
  }

  /**
   * `Dropout(p=0.5)`.
   *
   * @example
   * ```ts
   * String(new Dropout(0.25)); // 'Dropout(p=0.25)'
   * ```
   */
  override toString(): string {
    return `Dropout(p=${this.p})`;
  }
}
