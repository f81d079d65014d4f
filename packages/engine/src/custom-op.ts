// defineOp: a user's own op, with its forward on numbers or arrays and its backward written with engine
// ops, recorded as one node under its own name (PyTorch's autograd.Function, JAX's custom_vjp).

import { describe, formatShape, ShapeError } from './errors.js';
import { isRecording } from './graph/recording.js';
import { CUSTOM } from './graph/tape.js';
import { kernels } from './kernels/index.js';
import { declarationOf } from './ops/elementwise/index.js';
import { tensorOps } from './ops/tensor/index.js';
import { broadcastShapes, checkShape, sameShape } from './shape.js';
import { Tensor } from './tensor.js';
import { Value } from './value.js';

/** A Tensor's elements and shape, as a tensor forward receives them (read them, never write them). */
export interface TensorData {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

/** What a custom op's backward sees besides the output's gradient. */
export interface CustomOpContext<T extends Value | Tensor> {
  /** The op's inputs, in argument order (numbers given to the op are constant nodes here). */
  readonly inputs: readonly T[];
  /** The op's output. */
  readonly output: T;
}

/** The definition of a custom op: `defineOp`'s argument. */
export interface CustomOpDefinition<T extends Value | Tensor = Value | Tensor> {
  /** The op's name, shown by `toDot`, `explain` and in every error about it. */
  readonly name: string;
  /**
   * The op on numbers: what a Value holds, and, element by element over inputs broadcast to one shape,
   * what a Tensor holds (unless `forwardTensor` is given).
   */
  readonly forward?: (...inputs: number[]) => number;
  /**
   * The op on whole tensors, for ops that are not elementwise: the inputs' data and shapes in, the
   * output's data out (a Float64Array of the first input's shape, or `{ data, shape }`).
   */
  readonly forwardTensor?: (...inputs: TensorData[]) => Float64Array | TensorData;
  /**
   * The gradients of the inputs given the output's gradient `g`: one per input in order (null for an
   * input that takes none), or the gradient alone for a one-input op, each shaped like its input.
   * Written with engine ops it is recorded under `createGraph`, so the op has higher derivatives too.
   */
  readonly backward: (g: T, context: CustomOpContext<T>) => T | null | readonly (T | null)[];
}

/** A custom op: call it with Values or Tensors (and numbers as constants), as a built-in op. */
export type CustomOp<T extends Value | Tensor = Value | Tensor> = {
  (...inputs: (Value | number)[]): T extends Value ? Value : never;
  (...inputs: (Tensor | number)[]): T extends Tensor ? Tensor : never;
} & { readonly opName: string };

type Rule = CustomOpDefinition<Value | Tensor>;

/** The gradients a custom backward returned, checked: count, kind and shape. */
function checkedGradients<T extends Value | Tensor>(rule: Rule, out: T, g: T): (T | null)[] {
  const parents = out.parents as readonly T[];
  const returned = rule.backward(g, { inputs: parents, output: out });
  const list = (Array.isArray(returned) ? returned : [returned]) as unknown[];
  if (list.length !== parents.length) {
    throw new TypeError(
      `${rule.name}: backward returned ${list.length} gradient${list.length === 1 ? '' : 's'} for ${parents.length} input${parents.length === 1 ? '' : 's'}`,
    );
  }
  return list.map((grad, i) => {
    if (grad === null || grad === undefined) return null;
    const input = parents[i]!;
    if (input instanceof Value) {
      if (grad instanceof Value) return grad as T;
      if (typeof grad === 'number') return new Value(grad) as T;
      throw new TypeError(`${rule.name}: backward returned ${describe(grad)} for input ${i}, a Value`);
    }
    if (!(grad instanceof Tensor)) {
      throw new TypeError(`${rule.name}: backward returned ${describe(grad)} for input ${i}, a Tensor`);
    }
    if (!sameShape(grad.shape, input.shape)) {
      throw new ShapeError(
        `${rule.name}: backward returned a gradient of shape ${formatShape(grad.shape)} for input ${i} of shape ${formatShape(input.shape)}`,
      );
    }
    return grad as T;
  });
}

/**
 * A Value node of a custom op: its backward is the user's; it keeps its name and inputs itself (op code
 * CUSTOM), and the numeric backward runs its rule on Values, recorded nowhere, read as numbers.
 */
class CustomValue extends Value {
  private readonly rule: Rule;
  private readonly inputs: readonly Value[];

  constructor(data: number, rule: Rule, inputs: readonly Value[]) {
    super(data);
    this.rule = rule;
    this.inputs = inputs;
    this._op = CUSTOM;
  }

  override _customName(): string {
    return this.rule.name;
  }

  override _customInputs(): readonly Value[] {
    return this.inputs;
  }

  override _vjp(g: Value): readonly (Value | null)[] {
    return checkedGradients(this.rule, this as Value, g);
  }
}

/** A Tensor node of a custom op: its backward is the user's. */
class CustomTensor extends Tensor {
  constructor(
    data: Float64Array,
    shape: readonly number[],
    private readonly rule: Rule,
  ) {
    super(data, shape);
  }

  override _vjp(g: Tensor): readonly (Tensor | null)[] {
    return checkedGradients(this.rule, this as Tensor, g);
  }
}

/**
 * @internal Whether `node` is a custom op's recorded node: its backward is the user's code, which may
 * close over anything (an outer transformation's input among them), so no walk of its inputs can
 * tell what its gradients depend on.
 */
export function isCustomNode(node: Value | Tensor): boolean {
  return node instanceof CustomValue || node instanceof CustomTensor;
}

function recordAs(out: Tensor, name: string, parents: readonly Tensor[], requires: boolean): void {
  const writable = out as unknown as { op: string; parents: readonly Tensor[] };
  writable.op = name;
  writable.parents = parents;
  out._requiresGrad = requires;
}

function applyToValues(rule: Rule, inputs: Value[]): Value {
  if (rule.forward === undefined) {
    throw new TypeError(
      `${rule.name}: defined for Tensors only (it has forwardTensor but no forward on numbers)`,
    );
  }
  const data = rule.forward(...inputs.map((v) => v.data));
  if (typeof data !== 'number')
    throw new TypeError(`${rule.name}: forward returned ${describe(data)}, not a number`);
  if (!isRecording()) return new Value(data);
  return new CustomValue(data, rule, inputs);
}

function applyToTensors(rule: Rule, given: Tensor[]): Tensor {
  let inputs = given;
  let result: Float64Array | TensorData;
  if (rule.forwardTensor !== undefined) {
    result = rule.forwardTensor(...inputs.map((t) => ({ data: t.data, shape: t.shape })));
  } else if (rule.forward !== undefined) {
    // elementwise: every input broadcast to one shape (recorded, so gradients sum back), then mapped
    const shape = inputs.reduce<readonly number[]>((s, t) => broadcastShapes(s, t.shape, rule.name), []);
    inputs = inputs.map((t) => (sameShape(t.shape, shape) ? t : t.broadcastTo(shape)));
    const data = new Float64Array(inputs[0]!.size);
    kernels().map(
      inputs.map((t) => t._data),
      rule.forward,
      data,
    );
    result = data;
  } else {
    throw new TypeError(`${rule.name}: needs forward (on numbers) or forwardTensor (on arrays)`);
  }
  if (
    !(result instanceof Float64Array) &&
    (typeof result !== 'object' || result === null || Array.isArray(result))
  ) {
    throw new TypeError(
      `${rule.name}: forwardTensor returned ${describe(result)}; return a new Float64Array, or { data, shape }`,
    );
  }
  const { data, shape } = result instanceof Float64Array ? { data: result, shape: inputs[0]!.shape } : result;
  if (!(data instanceof Float64Array)) {
    throw new TypeError(`${rule.name}: forwardTensor returned ${describe(data)}, not a Float64Array`);
  }
  checkShape(shape, `${rule.name}: forwardTensor`);
  if (data.length !== shape.reduce((n, d) => n * d, 1)) {
    throw new ShapeError(
      `${rule.name}: forwardTensor returned ${data.length} values for the shape ${formatShape(shape)}`,
    );
  }
  if (inputs.some((t) => t.data === data)) {
    throw new Error(`${rule.name}: forwardTensor returned an input's own array; return a new one`);
  }
  const requires = inputs.some((t) => t.requiresGrad);
  if (!Tensor._records(inputs, requires)) return new Tensor(data, shape);
  const out = new CustomTensor(data, shape, rule);
  recordAs(out, rule.name, inputs, requires);
  return out;
}

/**
 * Defines an op of your own: its forward on numbers (or on whole arrays, `forwardTensor`) and its
 * backward written with engine ops, the local derivative that backpropagation needs. Applied to Values
 * or Tensors it records one node named `name` (so `toDot` and `explain` show it), checks what the
 * backward returns (how many gradients, their shapes), and supports `createGraph` and `gradcheck`
 * like any built-in op. Numbers among the inputs are constants.
 *
 * @example
 * ```ts
 * // log(eᵃ + eᵇ) without overflow, and its derivatives σ(a − b) and σ(b − a)
 * const logaddexp = defineOp({
 *   name: 'logaddexp',
 *   forward: (a, b) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))),
 *   backward: (g: Value, { inputs: [a, b] }) => [g.mul(a!.sub(b!).sigmoid()), g.mul(b!.sub(a!).sigmoid())],
 * });
 * const [a, b] = [value(1000), value(1000)];
 * const y = logaddexp(a, b);
 * y.backward();
 * [y.data, a.grad, b.grad]; // [1000.6931471805599, 0.5, 0.5]
 * ```
 */
export function defineOp<T extends Value | Tensor = Value | Tensor>(
  definition: CustomOpDefinition<T>,
): CustomOp<T> {
  const rule = definition as unknown as Rule;
  if (typeof rule !== 'object' || rule === null)
    throw new TypeError(`defineOp: expected a definition object, got ${describe(rule)}`);
  if (typeof rule.name !== 'string' || !/^[A-Za-z_][\w.-]*$/.test(rule.name)) {
    throw new TypeError(`defineOp: name must be an identifier-like string, got ${describe(rule.name)}`);
  }
  if (Object.hasOwn(tensorOps, rule.name) || declarationOf(rule.name) !== undefined) {
    throw new TypeError(`defineOp: '${rule.name}' is the name of a built-in op; choose another`);
  }
  // tables keyed by op name (explain's, for one) would find Object's own method under such a name
  if (rule.name in Object.prototype) {
    throw new TypeError(
      `defineOp: '${rule.name}' is the name of a property every object has; choose another`,
    );
  }
  if (typeof rule.backward !== 'function')
    throw new TypeError(`defineOp: ${rule.name} needs a backward function`);
  for (const key of ['forward', 'forwardTensor'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'function') {
      throw new TypeError(`defineOp: ${rule.name}'s ${key} must be a function, got ${describe(rule[key])}`);
    }
  }
  if (rule.forward === undefined && rule.forwardTensor === undefined) {
    throw new TypeError(`defineOp: ${rule.name} needs forward (on numbers) or forwardTensor (on arrays)`);
  }
  const op = (...args: unknown[]): Value | Tensor => {
    if (args.length === 0) throw new TypeError(`${rule.name}: expected at least one input`);
    const tensors = args.some((a) => a instanceof Tensor);
    const values = args.some((a) => a instanceof Value);
    if (tensors && values) throw new TypeError(`${rule.name}: cannot mix Values and Tensors in one call`);
    args.forEach((a, i) => {
      if (!(a instanceof Value || a instanceof Tensor || typeof a === 'number')) {
        throw new TypeError(
          `${rule.name}: input ${i} must be a Value, a Tensor or a number, got ${describe(a)}`,
        );
      }
    });
    if (tensors) {
      return applyToTensors(
        rule,
        args.map((a) => (a instanceof Tensor ? a : new Tensor(new Float64Array([a as number]), []))),
      );
    }
    return applyToValues(
      rule,
      args.map((a) => (a instanceof Value ? a : new Value(a as number))),
    );
  };
  return Object.assign(op, { opName: rule.name }) as unknown as CustomOp<T>;
}
