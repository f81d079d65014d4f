// Scalar networks over Value, micrograd's shape: Neuron, Layer, ScalarMLP.

import { Value, type ValueLike } from '@chainrule/engine';
import { checkInteger, kindOf } from './errors.js';
import { type RandomOptions, rngOf } from './random-option.js';
import { loadState, readState, type StateDict, type StateSlot } from './state-dict.js';

/** The nonlinearity a scalar neuron applies to w·x + b. */
export type ScalarActivation = 'relu' | 'tanh' | 'sigmoid' | 'linear';

const activations: Record<ScalarActivation, (v: Value) => Value> = {
  relu: (v) => v.relu(),
  tanh: (v) => v.tanh(),
  sigmoid: (v) => v.sigmoid(),
  linear: (v) => v,
};

function checkActivation(op: string, a: unknown, what = 'activation'): ScalarActivation {
  if (typeof a === 'string' && Object.hasOwn(activations, a)) return a as ScalarActivation;
  throw new TypeError(`${op}: ${what} must be one of relu, tanh, sigmoid, linear, got ${kindOf(a)}`);
}

/**
 * The base of the scalar networks, micrograd's `Module`: its parameters, and resetting their gradients.
 * A subclass lists its parameter Values; `zeroGrad` comes with it.
 *
 * @example
 * ```ts
 * class Affine extends ScalarModule {
 *   w = new Value(2);
 *   b = new Value(1);
 *   parameters(): Value[] { return [this.w, this.b]; }
 * }
 * const m = new Affine();
 * m.w.mul(3).add(m.b).backward();
 * m.w.grad;     // 3
 * m.zeroGrad();
 * m.w.grad;     // 0
 * ```
 */
export abstract class ScalarModule {
  /**
   * Every parameter Value, in a fixed order: what an optimizer is built over.
   *
   * @example
   * ```ts
   * const opt = new SGD(new ScalarMLP(2, [4, 1]).parameters(), { lr: 0.05 });
   * ```
   */
  abstract parameters(): Value[];

  /**
   * Resets every parameter's gradient to 0.
   *
   * @example
   * ```ts
   * const model = new ScalarMLP(2, [4, 1], { seed: 1 });
   * model.forward([1, 2])[0]!.backward();
   * model.zeroGrad(); // before the next backward pass
   * model.parameters()[0]!.grad; // 0
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }
}

/** Options of `Neuron` and `Layer`. */
export interface NeuronOptions extends RandomOptions {
  /** The nonlinearity. Default 'relu', as micrograd's `nonlin=True`. */
  activation?: ScalarActivation;
}

/**
 * One neuron: act(w·x + b) over scalar Values, weights drawn uniformly from [-1, 1) and bias 0, as
 * in micrograd.
 *
 * @example
 * ```ts
 * const n = new Neuron(3, { activation: 'tanh', seed: 1 });
 * const out = n.forward([1, 0, -2]); // a Value
 * out.backward();
 * n.weights[0]!.grad; // d out / d w0
 * ```
 */
export class Neuron extends ScalarModule {
  /** One weight per input. */
  readonly weights: Value[];
  /** The bias. */
  readonly bias: Value;
  /** The nonlinearity applied to w·x + b. */
  readonly activation: ScalarActivation;

  constructor(inputs: number, options: NeuronOptions = {}) {
    super();
    checkInteger('Neuron', 'the number of inputs', inputs, 1);
    const rng = rngOf('Neuron', options);
    this.activation = checkActivation('Neuron', options.activation ?? 'relu');
    this.weights = Array.from({ length: inputs }, () => new Value(rng.uniform(-1, 1)));
    this.bias = new Value(0);
  }

  /**
   * act(w·x + b) for one input row of numbers or Values.
   *
   * @example
   * ```ts
   * new Neuron(2, { activation: 'linear' }).forward([1, 2]).data;
   * ```
   */
  forward(x: readonly ValueLike[]): Value {
    if (!Array.isArray(x) || x.length !== this.weights.length) {
      const got = Array.isArray(x) ? `${x.length} inputs` : kindOf(x);
      throw new RangeError(`Neuron.forward: expected ${this.weights.length} inputs, got ${got}`);
    }
    let act = this.bias;
    this.weights.forEach((w, i) => {
      act = act.add(w.mul(x[i]!));
    });
    return activations[this.activation](act);
  }

  /**
   * The weights, then the bias.
   *
   * @example
   * ```ts
   * new Neuron(3).parameters().length; // 4
   * ```
   */
  parameters(): Value[] {
    return [...this.weights, this.bias];
  }

  /**
   * `ReLUNeuron(3)`, as micrograd prints it.
   *
   * @example
   * ```ts
   * String(new Neuron(3)); // 'ReLUNeuron(3)'
   * ```
   */
  override toString(): string {
    const name =
      this.activation === 'linear' ? 'Linear' : this.activation === 'relu' ? 'ReLU' : this.activation;
    return `${name}Neuron(${this.weights.length})`;
  }
}

/**
 * A layer of independent neurons over the same inputs.
 *
 * @example
 * ```ts
 * const layer = new Layer(2, 3, { seed: 0 });
 * layer.forward([0.5, -1]).length; // 3
 * ```
 */
export class Layer extends ScalarModule {
  readonly neurons: Neuron[];

  constructor(inputs: number, outputs: number, options: NeuronOptions = {}) {
    super();
    // checked here, not left to Neuron, so that the error names the class the user built
    checkInteger('Layer', 'the number of inputs', inputs, 1);
    checkInteger('Layer', 'the number of outputs', outputs, 1);
    checkActivation('Layer', options.activation ?? 'relu');
    const rng = rngOf('Layer', options);
    this.neurons = Array.from({ length: outputs }, () => new Neuron(inputs, { ...options, rng }));
  }

  /**
   * One output Value per neuron.
   *
   * @example
   * ```ts
   * new Layer(2, 3).forward([1, -1]).length; // 3
   * ```
   */
  forward(x: readonly ValueLike[]): Value[] {
    return this.neurons.map((n) => n.forward(x));
  }

  /**
   * Every neuron's parameters, in order.
   *
   * @example
   * ```ts
   * new Layer(2, 3).parameters().length; // 9
   * ```
   */
  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  /**
   * `Layer of [ReLUNeuron(2), ...]`, as micrograd prints it.
   *
   * @example
   * ```ts
   * String(new Layer(2, 2)); // 'Layer of [ReLUNeuron(2), ReLUNeuron(2)]'
   * ```
   */
  override toString(): string {
    return `Layer of [${this.neurons.join(', ')}]`;
  }
}

/** Options of `ScalarMLP`. */
export interface ScalarMLPOptions extends RandomOptions {
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation?: ScalarActivation;
  /** Nonlinearity of the last layer. Default 'linear', as in micrograd. */
  outputActivation?: ScalarActivation;
}

/**
 * A multi-layer perceptron of scalar Values, micrograd's `MLP(nin, nouts)`: every Value is a node of
 * the graph, so it is slow and perfectly inspectable. Weights uniform in [-1, 1), biases 0, seeded.
 *
 * @example
 * ```ts
 * const model = new ScalarMLP(2, [16, 16, 1], { seed: 1 }); // 337 parameters
 * const [score] = model.forward([0.5, -0.2]);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * ```
 */
export class ScalarMLP extends ScalarModule {
  readonly layers: Layer[];

  constructor(inputs: number, outputs: readonly number[], options: ScalarMLPOptions = {}) {
    super();
    checkInteger('ScalarMLP', 'the number of inputs', inputs, 1);
    if (!Array.isArray(outputs) || outputs.length === 0) {
      throw new TypeError(`ScalarMLP: expected a non-empty array of layer sizes, got ${kindOf(outputs)}`);
    }
    // every argument checked here, before any Layer or Neuron could report it under its own name
    for (const [i, n] of outputs.entries()) checkInteger('ScalarMLP', `outputs[${i}]`, n, 1);
    const hidden = checkActivation('ScalarMLP', options.activation ?? 'relu');
    const last = checkActivation('ScalarMLP', options.outputActivation ?? 'linear', 'outputActivation');
    const rng = rngOf('ScalarMLP', options);
    const sizes = [inputs, ...outputs];
    this.layers = outputs.map(
      (n, i) => new Layer(sizes[i]!, n, { rng, activation: i === outputs.length - 1 ? last : hidden }),
    );
  }

  /**
   * The network's outputs for one input row.
   *
   * @example
   * ```ts
   * const model = new ScalarMLP(2, [4, 1], { seed: 1 });
   * const [score] = model.forward([1, 2]);
   * ```
   */
  forward(x: readonly ValueLike[]): Value[] {
    let h: readonly ValueLike[] = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h as Value[];
  }

  /**
   * Every parameter: layer by layer, neuron by neuron, weights then bias.
   *
   * @example
   * ```ts
   * new ScalarMLP(2, [16, 16, 1]).parameters().length; // 337
   * ```
   */
  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  private slots(): StateSlot[] {
    return this.layers.flatMap((layer, i) =>
      layer.neurons.flatMap((n, j): StateSlot[] => {
        const prefix = `layers.${i}.neurons.${j}`;
        return [
          {
            name: `${prefix}.weight`,
            shape: [n.weights.length],
            read: () => n.weights.map((w) => w.data),
            write: (d) => {
              for (const [k, w] of n.weights.entries()) w.data = d[k]!;
            },
          },
          {
            name: `${prefix}.bias`,
            shape: [],
            read: () => [n.bias.data],
            write: (d) => (n.bias.data = d[0]!),
          },
        ];
      }),
    );
  }

  /**
   * The parameters as plain JSON-safe data, `layers.0.neurons.3.weight` and so on.
   *
   * @example
   * ```ts
   * const model = new ScalarMLP(2, [4, 1], { seed: 1 });
   * const saved = JSON.stringify(model.stateDict());
   * ```
   */
  stateDict(): StateDict {
    return readState(this.slots());
  }

  /**
   * Loads parameters saved by `stateDict()`, checking every name, shape and number first; throws a
   * StateDictError naming what does not fit and changes nothing when it refuses.
   *
   * @example
   * ```ts
   * const model = new ScalarMLP(2, [4, 1], { seed: 1 });
   * const saved = JSON.stringify(model.stateDict());
   * model.loadStateDict(JSON.parse(saved));
   * ```
   */
  loadStateDict(state: unknown): void {
    loadState('ScalarMLP.loadStateDict', this.slots(), state);
  }

  /**
   * `MLP of [Layer of [...], ...]`, as micrograd prints it.
   *
   * @example
   * ```ts
   * String(new ScalarMLP(1, [1])); // 'MLP of [Layer of [LinearNeuron(1)]]'
   * ```
   */
  override toString(): string {
    return `MLP of [${this.layers.join(', ')}]`;
  }
}
