// Module: the base of tensor networks: parameters found by walking fields, train/eval, state dicts.

import { Tensor } from '@chainrule/engine';
import { loadState, readState, type StateDict, type StateSlot } from './state-dict.js';

/** Each own field of `owner` with its name, an array field's elements as `field.i`. */
function fieldsOf(owner: object): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, v] of Object.entries(owner)) {
    if (Array.isArray(v)) for (const [i, item] of v.entries()) out.push([`${key}.${i}`, item]);
    else out.push([key, v]);
  }
  return out;
}

/**
 * The base class of tensor networks, as PyTorch's `nn.Module`. A subclass implements `forward` and
 * keeps its parameters and sub-modules in fields; `parameters()`, `zeroGrad()`, `train()`/`eval()`
 * and the state dict find them by walking those fields (arrays of them included) in declaration order.
 *
 * A parameter is any leaf Tensor in a field (`op === ''`), whether or not it requires grad: freezing
 * one (`layer.weight.requiresGrad = false`) keeps it in `parameters()` and in the state dict, as in
 * PyTorch, and optimizers skip it because its `grad` stays null. A computed (non-leaf) Tensor cached
 * in a field is not a parameter. Keep other tensors in `#private` fields, which are not walked.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   hidden = new Linear(2, 8, { seed: 1 });
 *   out = new Linear(8, 1, { seed: 2 });
 *   forward(x: Tensor): Tensor {
 *     return this.out.forward(this.hidden.forward(x).relu());
 *   }
 * }
 * const net = new TwoLayer();
 * net.parameters().length;            // 4
 * Object.keys(net.stateDict());       // ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
 * ```
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`; Dropout reads it. */
  training = true;

  /**
   * The module's computation: the output for a batch `x`. Subclasses implement it; call it directly.
   *
   * @example
   * ```ts
   * const y = new Linear(2, 1, { seed: 1 }).forward(tensor([[1, 2]])); // shape [1, 1]
   * ```
   */
  abstract forward(x: Tensor): Tensor;

  /**
   * @internal The places this module takes in a `Sequential`'s numbering: how many PyTorch modules
   * it stands for. 1; a `Linear` with its relu fused in stands for PyTorch's Linear and ReLU, 2.
   */
  _places(): number {
    return 1;
  }

  /**
   * The direct sub-modules with their names: every Module field, and each Module in an array field
   * (named `field.i`). Override to name them otherwise (Sequential names them 0, 1, 2, ...).
   *
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).namedChildren().map(([name]) => name); // ['0', '1']
   * ```
   */
  namedChildren(): [string, Module][] {
    return fieldsOf(this).filter((entry): entry is [string, Module] => entry[1] instanceof Module);
  }

  /**
   * The module's own parameters (not its children's): every leaf Tensor field (`op === ''`), frozen
   * ones (`requiresGrad` false) included, as PyTorch's `parameters()` includes them. A tensor computed
   * by an op and cached in a field is not a parameter.
   *
   * @example
   * ```ts
   * const layer = new Linear(2, 3);
   * layer.weight.requiresGrad = false;               // frozen: still a parameter
   * layer.namedOwnParameters().map(([name]) => name); // ['weight', 'bias']
   * ```
   */
  namedOwnParameters(): [string, Tensor][] {
    return fieldsOf(this).filter(
      (entry): entry is [string, Tensor] => entry[1] instanceof Tensor && entry[1].op === '',
    );
  }

  /**
   * Every parameter below this module with its dotted name (`0.weight`, `encoder.layers.1.bias`),
   * each parameter once even when shared, under the first name it is found by.
   *
   * @example
   * ```ts
   * new Linear(2, 3).namedParameters().map(([name, p]) => `${name} ${p.shape}`); // ['weight 3,2', 'bias 3']
   * ```
   */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const visited = new Set<Module>();
    const out: [string, Tensor][] = [];
    // an explicit stack, children in order: deep or shared module trees need no recursion
    const stack: [string, Module][] = [['', this]];
    while (stack.length > 0) {
      const [prefix, module] = stack.pop()!;
      if (visited.has(module)) continue;
      visited.add(module);
      for (const [name, p] of module.namedOwnParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix + name, p]);
      }
      const children = module.namedChildren();
      for (let i = children.length - 1; i >= 0; i--)
        stack.push([`${prefix}${children[i]![0]}.`, children[i]![1]]);
    }
    return out;
  }

  /**
   * Every parameter below this module, each once, for an optimizer.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * const opt = new Adam(model.parameters(), { lr: 0.01 });
   * model.parameters().length; // 4
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Every module below and including this one, each once.
   *
   * @example
   * ```ts
   * new MLP([2, 4, 1], { outputActivation: 'sigmoid' }).modules().length; // 4: the MLP, Linear, Linear, Sigmoid
   * ```
   */
  modules(): Module[] {
    const out: Module[] = [];
    const seen = new Set<Module>();
    const stack: Module[] = [this];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push(m);
      const children = m.namedChildren();
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]![1]);
    }
    return out;
  }

  /**
   * Resets the gradient of every parameter.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * model.forward(tensor([[1, 2]])).sum().backward();
   * model.zeroGrad();
   * model.parameters()[0]!.grad; // null
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * Sets training mode on this module and every one below it (Dropout drops only in training mode).
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new Dropout(0.5), new Linear(4, 1));
   * model.train(); // before fitting
   * model.training; // true
   * ```
   */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode (`train(false)`): Dropout passes its input through.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * const xTest = tensor([[0, 1], [1, 0]]);
   * const prediction = model.eval().forward(xTest);
   * prediction.shape; // [2, 1]
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  private slots(): StateSlot[] {
    return this.namedParameters().map(([name, p]) => ({
      name,
      shape: p.shape,
      read: () => Array.from(p.data),
      write: (data) => p.data.set(data),
    }));
  }

  /**
   * The parameters as plain JSON-safe data: `{ [name]: { shape, data } }`, numbers in row-major order.
   * `JSON.stringify` writes it and `JSON.parse` reads it back bit for bit, but for -0, which
   * `JSON.stringify` writes as 0 (`saveStateDict` keeps it).
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * const saved = JSON.stringify(model.stateDict());
   * Object.keys(JSON.parse(saved)); // ["0.weight", "0.bias", "2.weight", "2.bias"]
   * ```
   */
  stateDict(): StateDict {
    return readState(this.slots());
  }

  /**
   * Loads parameters saved by `stateDict()` into this module, in place. Everything is checked first:
   * every name (unknown and missing keys are refused), every shape, every number (finite only), and
   * that the input is plain data (no `__proto__` key, no accessors, no class instances). On any
   * problem it throws a StateDictError listing them all, and the module is unchanged.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * const saved = JSON.stringify(model.stateDict());
   * const copy = new Sequential(new Linear(2, 4, { seed: 9 }), new ReLU(), new Linear(4, 1, { seed: 9 }));
   * copy.loadStateDict(JSON.parse(saved));
   * copy.parameters()[0]!.toArray()[0]; // the same numbers as model.parameters()[0]
   * ```
   */
  loadStateDict(state: unknown): void {
    loadState(`${this.constructor.name}.loadStateDict`, this.slots(), state);
  }

  /**
   * The number of parameter elements.
   *
   * @example
   * ```ts
   * new Linear(2, 3).numParameters(); // 9
   * ```
   */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }
}
