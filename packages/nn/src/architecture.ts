// Networks from a list of sizes (MLP) or seed 002's list of layer descriptions (fromArchitecture).

import { ELU, GELU, LeakyReLU, SiLU, Softplus } from './activations.js';
import { checkInteger, checkOptions, kindOf, RANDOM_KEYS } from './errors.js';
import { checkInit, type Init } from './init.js';
import { Linear, Sequential, Sigmoid, Tanh } from './layers.js';
import type { Module } from './module.js';
import { type RandomOptions, rngOf } from './random-option.js';

/**
 * The activations a layer of `MLP` or `fromArchitecture` can end with, each the module of the same
 * name with PyTorch's defaults (`leakyRelu` is `LeakyReLU(0.01)`, `gelu` the exact `GELU()`).
 */
export type Activation =
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'linear'
  | 'leakyRelu'
  | 'elu'
  | 'softplus'
  | 'gelu'
  | 'silu';

/** The module after a layer's `Linear`; none for relu, which the `Linear` applies itself (fused). */
const activationModules: Record<Activation, (() => Module) | null> = {
  relu: null,
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  linear: null,
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  softplus: () => new Softplus(),
  gelu: () => new GELU(),
  silu: () => new SiLU(),
};

function checkActivation(op: string, where: string, a: unknown): Activation {
  if (typeof a === 'string' && Object.hasOwn(activationModules, a)) return a as Activation;
  throw new TypeError(
    `${op}: ${where}activation must be one of ${Object.keys(activationModules).join(', ')}, got ${kindOf(a)}`,
  );
}

/**
 * The initialiser that trains well before `act`: Xavier (uniform) for sigmoid, tanh and linear
 * layers, Kaiming (uniform) for ReLU and its relatives (leakyRelu, elu, softplus, gelu, silu); `MLP`
 * and `fromArchitecture` use it unless given `init`.
 *
 * @example
 * ```ts
 * defaultInit('relu');    // 'kaimingUniform'
 * defaultInit('sigmoid'); // 'xavierUniform'
 * ```
 */
export function defaultInit(act: Activation): Init {
  return act === 'sigmoid' || act === 'tanh' || act === 'linear' ? 'xavierUniform' : 'kaimingUniform';
}

interface LayerSpec {
  inputDim: number;
  outputDim: number;
  activation: Activation;
}

function build(
  specs: readonly LayerSpec[],
  init: Init | undefined,
  options: RandomOptions,
  op: string,
): Module[] {
  const rng = rngOf(op, options);
  const modules: Module[] = [];
  for (const s of specs) {
    const activation = s.activation === 'relu' ? 'relu' : 'none';
    modules.push(
      new Linear(s.inputDim, s.outputDim, { rng, init: init ?? defaultInit(s.activation), activation }),
    );
    const after = activationModules[s.activation];
    if (after !== null) modules.push(after());
  }
  return modules;
}

/** Options of `MLP`. */
export interface MLPOptions extends RandomOptions {
  /** Activation after each hidden layer. Default 'relu'. */
  activation?: Activation;
  /** Activation after the last layer. Default 'linear' (none: logits or raw scores). */
  outputActivation?: Activation;
  /** Initialiser for every layer; by default Kaiming for ReLU layers and Xavier for the others. */
  init?: Init;
}

function mlpLayers(sizes: readonly number[], options: MLPOptions): Module[] {
  const op = 'MLP';
  checkOptions(op, options, [...RANDOM_KEYS, 'activation', 'outputActivation', 'init']);
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new TypeError(
      `${op}: expected at least two layer sizes [inputs, ..., outputs], got ${kindOf(sizes)}`,
    );
  }
  for (const [i, n] of sizes.entries()) checkInteger(op, `sizes[${i}]`, n, 1);
  const hidden = checkActivation(op, '', options.activation ?? 'relu');
  const last = checkActivation(op, 'output', options.outputActivation ?? 'linear');
  const init = options.init === undefined ? undefined : checkInit(op, options.init);
  const specs = sizes.slice(1).map((outputDim, i) => ({
    inputDim: sizes[i]!,
    outputDim,
    activation: i === sizes.length - 2 ? last : hidden,
  }));
  return build(specs, init, options, op);
}

/**
 * A multi-layer perceptron from layer sizes: `new MLP([2, 16, 16, 1])` is Linear(2,16) and
 * Linear(16,16), each with `activation: 'relu'` (relu fused into the layer's `linear` node), then
 * Linear(16,1). A sigmoid or tanh activation follows its `Linear` as a module of its own. A
 * Sequential: parameters are named as in PyTorch's `nn.Sequential(Linear, ReLU, Linear, ReLU,
 * Linear)`, `0.weight`, `2.weight`, `4.weight`. Seeded, with initialisers that train by default.
 *
 * @example
 * ```ts
 * const model = new MLP([3, 4, 1], { activation: 'sigmoid', outputActivation: 'sigmoid', seed: 1 });
 * model.forward(tensor([[0, 0, 1]])).shape; // [1, 1]
 * ```
 */
export class MLP extends Sequential {
  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    super(...mlpLayers(sizes, options));
  }
}

/** One layer of seed 002's architecture list. */
export interface LayerDescription {
  inputDim: number;
  outputDim: number;
  activation: Activation;
}

/** Options of `fromArchitecture`. */
export interface ArchitectureOptions extends RandomOptions {
  /** Initialiser for every layer; by default Kaiming for ReLU layers and Xavier for sigmoid/tanh layers. */
  init?: Init;
}

/**
 * A network from seed 002's list form: one `{ inputDim, outputDim, activation }` per layer, each
 * layer's inputDim equal to the previous layer's outputDim. Returns a Sequential of Linear layers and
 * activations, built as `MLP` builds them: a relu layer is one `Linear` with `activation: 'relu'`.
 *
 * @example
 * ```ts
 * const model = fromArchitecture([
 *   { inputDim: 2, outputDim: 4, activation: 'relu' },
 *   { inputDim: 4, outputDim: 6, activation: 'relu' },
 *   { inputDim: 6, outputDim: 6, activation: 'relu' },
 *   { inputDim: 6, outputDim: 4, activation: 'relu' },
 *   { inputDim: 4, outputDim: 1, activation: 'sigmoid' },
 * ], { seed: 1 });
 * ```
 */
export function fromArchitecture(
  list: readonly LayerDescription[],
  options: ArchitectureOptions = {},
): Sequential {
  const op = 'fromArchitecture';
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `${op}: expected a non-empty array of { inputDim, outputDim, activation }, got ${kindOf(list)}`,
    );
  }
  const specs = list.map((layer: unknown, i): LayerSpec => {
    const where = `layer ${i}`;
    if (typeof layer !== 'object' || layer === null) {
      throw new TypeError(
        `${op}: ${where} must be { inputDim, outputDim, activation }, got ${kindOf(layer)}`,
      );
    }
    const l = layer as Record<string, unknown>;
    if (l['inputDim'] === undefined && l['input_dim'] !== undefined) {
      throw new TypeError(`${op}: ${where} has input_dim; chainrule spells it inputDim (and outputDim)`);
    }
    return {
      inputDim: checkInteger(op, `${where} inputDim`, l['inputDim'], 1),
      outputDim: checkInteger(op, `${where} outputDim`, l['outputDim'], 1),
      activation: checkActivation(op, `${where} `, l['activation']),
    };
  });
  specs.forEach((s, i) => {
    const prev = specs[i - 1];
    if (prev !== undefined && s.inputDim !== prev.outputDim) {
      throw new RangeError(
        `${op}: layer ${i} takes inputDim ${s.inputDim} but layer ${i - 1} gives outputDim ${prev.outputDim}`,
      );
    }
  });
  const init = options.init === undefined ? undefined : checkInit(op, options.init);
  return new Sequential(...build(specs, init, options, op));
}
