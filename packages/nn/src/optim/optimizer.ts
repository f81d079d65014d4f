// The optimizer base: parameters of either kind, per-parameter state, learning rate, save and restore.

import { checkNumber, kindOf, StateDictError } from '../errors.js';
import type { Schedule } from '../schedules.js';
import { isPlainObject, plainItems, plainKeys, readNumbers } from '../state-dict.js';

/** A scalar parameter such as a `Value`: its number is updated in place. */
export interface ScalarParameter {
  data: number;
  readonly grad: number;
  zeroGrad(): void;
}

/** A tensor parameter such as a `Tensor`: its `data` array is updated in place; a null `grad` is skipped. */
export interface TensorParameter {
  readonly data: Float64Array;
  readonly grad: { readonly data: Float64Array } | null;
  zeroGrad(): void;
}

/** What optimizers update: `Value`s and `Tensor`s, mixed freely. */
export type Parameter = ScalarParameter | TensorParameter;

/** A constant learning rate or a schedule of the step count. */
export type LearningRate = number | Schedule;

/**
 * An optimizer's saved state, plain JSON-safe data: its step count and each parameter's step and
 * buffers (null for a parameter that has not been updated yet). Hyperparameters are not saved: they
 * come from the constructor, as the learning-rate schedule cannot be written as data.
 */
export interface OptimizerState {
  optimizer: string;
  stepCount: number;
  params: (Record<string, number | number[]> | null)[];
}

/** @internal One parameter's state: how many updates it has had and its named buffers. */
export interface ParamState {
  step: number;
  readonly buffers: Record<string, Float64Array>;
}

const scratchData = new Float64Array(1);
const scratchGrad = new Float64Array(1);

function isTensorParameter(p: Parameter): p is TensorParameter {
  return p.data instanceof Float64Array;
}

/**
 * The shared machinery of `SGD`, `Adam`, `AdamW` and `RMSprop`: holds the parameters, evaluates the
 * learning rate, keeps per-parameter state, and saves and restores it. A subclass supplies only the
 * update rule for one parameter. A Tensor parameter whose `grad` is null (a frozen one, or one the
 * loss did not reach) is skipped by `step()`.
 *
 * @example
 * ```ts
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt: Optimizer = new SGD([w], { lr: 0.1 });
 * opt.zeroGrad();
 * w.pow(2).sum().backward(); // grad 2w = [2, -4]
 * opt.step();
 * w.toArray();               // [0.8, -1.6]
 * ```
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates, in the order given. */
  readonly params: readonly Parameter[];
  /** How many times `step()` has run. A schedule is evaluated at this count. */
  stepCount = 0;
  /** @internal */
  protected readonly state: (ParamState | null)[];
  private readonly lrOption: LearningRate;
  private readonly opName: string;

  protected constructor(name: string, params: Iterable<Parameter>, lr: LearningRate) {
    this.opName = name;
    if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
      throw new TypeError(`${name}: expected an array of parameters, got ${kindOf(params)}`);
    }
    const list = [...params];
    if (list.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    const seen = new Map<Parameter, number>();
    list.forEach((p, i) => {
      const ok =
        typeof p === 'object' &&
        p !== null &&
        typeof p.zeroGrad === 'function' &&
        (typeof p.data === 'number' || p.data instanceof Float64Array);
      if (!ok) throw new TypeError(`${name}: parameter ${i} must be a Value or a Tensor, got ${kindOf(p)}`);
      const first = seen.get(p);
      if (first !== undefined)
        throw new RangeError(`${name}: parameters ${first} and ${i} are the same object`);
      seen.set(p, i);
    });
    if (typeof lr !== 'function') checkNumber(name, 'lr', lr, 0);
    this.params = list;
    this.lrOption = lr;
    this.state = list.map(() => null);
  }

  /**
   * The optimizer's name as it appears in errors and saved state: 'SGD', 'Adam', ...
   *
   * @example
   * ```ts
   * const w = tensor([1, 2], { requiresGrad: true });
   * new Adam([w]).name;                 // "Adam"
   * new Adam([w]).stateDict().optimizer; // "Adam"
   * ```
   */
  get name(): string {
    return this.opName;
  }

  /**
   * The learning rate the next `step()` will use: the constant, or the schedule at `stepCount`.
   *
   * @example
   * ```ts
   * const w = tensor([1, 2], { requiresGrad: true });
   * new SGD([w], { lr: stepLR(0.1, { stepSize: 10 }) }).lr; // 0.1
   * ```
   */
  get lr(): number {
    if (typeof this.lrOption === 'number') return this.lrOption;
    const lr = this.lrOption(this.stepCount);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new RangeError(
        `${this.opName}: the learning-rate schedule gave ${kindOf(lr)} at step ${this.stepCount}; expected a finite number >= 0`,
      );
    }
    return lr;
  }

  /** @internal The names of the buffers each parameter's state holds, in saved order. */
  protected abstract bufferNames(): readonly string[];

  /**
   * @internal The buffers that hold averages of squared gradients: never negative (a negative one
   * puts a NaN square root in the next step). The others are averages of gradients.
   */
  protected secondMoments(): readonly string[] {
    return [];
  }

  /**
   * @internal Checks that one parameter's restored buffers, each already finite and within range,
   * agree with each other; adds a problem naming `where` otherwise.
   */
  protected checkState(
    _buffers: Readonly<Record<string, Float64Array>>,
    _where: string,
    _problems: string[],
  ): void {}

  /**
   * @internal Updates `data` in place from `grad`, with `state.step` already counting this update.
   * Buffers start as zeros.
   */
  protected abstract update(data: Float64Array, grad: Float64Array, state: ParamState, lr: number): void;

  private stateFor(k: number, size: number): ParamState {
    let s = this.state[k];
    if (s === null || s === undefined) {
      const buffers: Record<string, Float64Array> = {};
      for (const name of this.bufferNames()) buffers[name] = new Float64Array(size);
      s = { step: 0, buffers };
      this.state[k] = s;
    }
    s.step++;
    return s;
  }

  /**
   * Updates every parameter once from its current gradient. A Tensor whose `grad` is null is
   * skipped (its state does not advance), as in PyTorch; a Value's gradient is a number, 0 by default.
   *
   * @example
   * ```ts
   * const w = tensor([1, -1], { requiresGrad: true });
   * const optimizer = new SGD([w], { lr: 0.25 });
   * const loss = w.mul(w).sum();
   * loss.backward();
   * optimizer.step();
   * optimizer.zeroGrad();
   * w.toArray(); // [0.5, -0.5]
   * ```
   */
  step(): void {
    const lr = this.lr;
    this.params.forEach((p, k) => {
      if (isTensorParameter(p)) {
        const g = p.grad;
        if (g === null) return;
        if (g.data.length !== p.data.length) {
          throw new Error(
            `internal: ${this.opName}: parameter ${k} has ${p.data.length} elements but its gradient ${g.data.length}`,
          );
        }
        this.update(p.data, g.data, this.stateFor(k, p.data.length), lr);
      } else {
        scratchData[0] = p.data;
        scratchGrad[0] = p.grad;
        this.update(scratchData, scratchGrad, this.stateFor(k, 1), lr);
        p.data = scratchData[0]!;
      }
    });
    this.stepCount++;
  }

  /**
   * Resets the gradient of every parameter.
   *
   * @example
   * ```ts
   * const w = tensor([1, -1], { requiresGrad: true });
   * const optimizer = new SGD([w], { lr: 0.1 });
   * w.mul(w).sum().backward();
   * optimizer.step();
   * optimizer.zeroGrad(); // before the next backward pass
   * w.grad; // null
   * ```
   */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /**
   * The optimizer's state as plain JSON-safe data: restore it into an optimizer built the same way
   * over the same parameters, and training continues bit for bit as if never interrupted.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * const optimizer = new Adam(model.parameters(), { lr: 0.01 });
   * const saved = JSON.stringify({ model: model.stateDict(), optimizer: optimizer.stateDict() });
   * ```
   */
  stateDict(): OptimizerState {
    return {
      optimizer: this.opName,
      stepCount: this.stepCount,
      params: this.state.map((s) => {
        if (s === null) return null;
        const out: Record<string, number | number[]> = { step: s.step };
        for (const name of this.bufferNames()) out[name] = Array.from(s.buffers[name]!);
        return out;
      }),
    };
  }

  /**
   * Restores state saved by `stateDict()`. Everything is checked first (the optimizer's kind, the
   * number of parameters, each buffer's length, every number finite, squared-gradient averages
   * never negative, gradient averages whose square is finite, an AMSGrad maximum not below its
   * second moment, a centred RMSprop's gradient average squared not above its squared-gradient
   * average, each parameter's step an integer from 1 to `stepCount`, plain data only); on any
   * mismatch it throws a StateDictError naming the field, and nothing changes.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
   * const optimizer = new Adam(model.parameters(), { lr: 0.01 });
   * const saved = JSON.stringify({ model: model.stateDict(), optimizer: optimizer.stateDict() });
   * const { model: m, optimizer: o } = JSON.parse(saved);
   * model.loadStateDict(m);
   * optimizer.loadStateDict(o);
   * ```
   */
  loadStateDict(input: unknown): void {
    const op = `${this.opName}.loadStateDict`;
    const problems: string[] = [];
    if (!isPlainObject(input)) {
      throw new StateDictError(op, [
        `expected a plain object { optimizer, stepCount, params }, got ${kindOf(input)}`,
      ]);
    }
    const keys = plainKeys(input, '', problems);
    for (const k of keys) {
      if (k !== 'optimizer' && k !== 'stepCount' && k !== 'params') problems.push(`unknown key '${k}'`);
    }
    const field = (k: string): unknown => (keys.includes(k) ? input[k] : undefined);
    const kind = field('optimizer');
    if (kind !== this.opName)
      problems.push(`'optimizer' is ${kindOf(kind)}, expected the string '${this.opName}'`);
    const stepCount = field('stepCount');
    if (!isCount(stepCount)) problems.push(`'stepCount' must be an integer >= 0, got ${kindOf(stepCount)}`);
    const params = field('params');
    const restored: (ParamState | null)[] = [];
    if (!Array.isArray(params) || Object.getPrototypeOf(params) !== Array.prototype) {
      problems.push(`'params' must be an array, got ${kindOf(params)}`);
    } else if (params.length !== this.params.length) {
      problems.push(
        `'params' has ${params.length} entries, but this optimizer has ${this.params.length} parameters`,
      );
    } else {
      const names = this.bufferNames();
      // each entry read once, accessors refused: what is checked is what is restored
      (plainItems(params, 'params', problems) ?? []).forEach((entry: unknown, k) => {
        const where = `params[${k}]`;
        if (entry === null) {
          restored.push(null);
          return;
        }
        if (!isPlainObject(entry)) {
          problems.push(`${where} must be null or an object, got ${kindOf(entry)}`);
          return;
        }
        const entryKeys = plainKeys(entry, `${where} `, problems);
        for (const key of entryKeys) {
          if (key !== 'step' && !names.includes(key)) problems.push(`${where} has an unknown key '${key}'`);
        }
        const step = entryKeys.includes('step') ? entry['step'] : undefined;
        if (!isCount(step) || step === 0)
          problems.push(`${where}.step must be an integer >= 1, got ${kindOf(step)}`);
        else if (isCount(stepCount) && step > stepCount)
          problems.push(`${where}.step is ${step}, more than the optimizer's stepCount ${stepCount}`);
        const p = this.params[k]!;
        const size = isTensorParameter(p) ? p.data.length : 1;
        const buffers: Record<string, Float64Array> = {};
        for (const name of names) {
          const data = entryKeys.includes(name) ? entry[name] : undefined;
          // the copy read during the check is what gets restored: the input is never read twice
          const copy = readNumbers(data, size, `${where}.${name}`, problems);
          if (copy === null) continue;
          buffers[name] = copy;
          const problem = checkBuffer(copy, this.secondMoments().includes(name));
          if (problem !== null) problems.push(`${where}.${name}${problem}`);
        }
        if (Object.keys(buffers).length === names.length) this.checkState(buffers, where, problems);
        restored.push({ step: step as number, buffers });
      });
    }
    if (problems.length > 0) throw new StateDictError(op, problems);
    this.stepCount = stepCount as number;
    restored.forEach((s, k) => {
      this.state[k] = s;
    });
  }
}

/** The largest magnitude whose square is finite: a gradient average beyond it overflows the next step. */
const MAX_MOMENT = Math.sqrt(Number.MAX_VALUE);

/**
 * What is wrong with a restored buffer, as the end of a sentence, or null. A gradient average must
 * have a finite square (the update squares gradients of its size); a squared-gradient average must
 * be >= 0.
 */
function checkBuffer(data: Float64Array, secondMoment: boolean): string | null {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (secondMoment && v < 0) return `[${i}] is ${v}, but an average of squares is never negative`;
    if (!secondMoment && Math.abs(v) > MAX_MOMENT) {
      return `[${i}] is ${v}, too large for an average of gradients (its square overflows; at most ${MAX_MOMENT})`;
    }
  }
  return null;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** @internal Reads a hyperparameter, checked, naming the optimizer. */
export function hyper(
  op: string,
  what: string,
  x: unknown,
  fallback: number,
  max = Infinity,
  openMax = false,
): number {
  return checkNumber(op, what, x ?? fallback, 0, max, openMax);
}
