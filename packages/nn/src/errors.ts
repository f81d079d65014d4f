// Error classes of @chainrule/nn and the helpers its messages share.

import { describe as kindOf } from '@chainrule/engine';

/**
 * Thrown when saved state (a model's state dict or an optimizer's) does not fit what it is loaded
 * into. `problems` lists every mismatch found; the message names them. Nothing was changed.
 *
 * @example
 * ```ts
 * try { model.loadStateDict(saved); } catch (e) {
 *   if (e instanceof StateDictError) console.log(e.problems); // ["missing key '0.bias'", ...]
 * }
 * ```
 */
export class StateDictError extends Error {
  override readonly name = 'StateDictError';
  /** Every mismatch found, one short sentence each. */
  readonly problems: readonly string[];
  /** What refused: `'Sequential.loadStateDict'`, or the file function and path that called it. */
  readonly op: string;

  constructor(op: string, problems: readonly string[]) {
    const shown = problems.slice(0, 8).join('; ');
    const more = problems.length > 8 ? `; and ${problems.length - 8} more` : '';
    super(`${op}: refused, nothing was changed: ${shown}${more}`);
    this.problems = problems;
    this.op = op;
  }
}

/** @internal Says what arrived where something else was expected: the engine's own wording. */
export { kindOf };

/**
 * @internal Reads an options argument strictly: undefined or a plain object whose keys are all in
 * `known`, else a TypeError naming the call. A misspelt key (`momentun`) would otherwise be ignored
 * without a word, and the call run on the default it meant to change. Returns the options (or `{}`).
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  known: readonly string[],
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: options must be an object, got ${kindOf(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${op}: unknown option '${key}'; the options are ${known.join(', ')}`);
    }
  }
  return options;
}

/** @internal The keys of `RandomOptions`, which many options extend. */
export const RANDOM_KEYS = ['seed', 'rng'] as const;

/**
 * @internal `x` when it is true or false, `fallback` when it is undefined; anything else (a string
 * 'false', a 1) is a TypeError naming the option, since a truthy wrong value would turn it on.
 */
export function checkBoolean(op: string, what: string, x: unknown, fallback: boolean): boolean {
  if (x === undefined) return fallback;
  if (typeof x !== 'boolean') throw new TypeError(`${op}: ${what} must be true or false, got ${kindOf(x)}`);
  return x;
}

/** @internal Throws a RangeError unless `x` is an integer >= `min`. */
export function checkInteger(op: string, what: string, x: unknown, min: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new TypeError(`${op}: ${what} must be an integer, got ${kindOf(x)}`);
  }
  if (x < min) throw new RangeError(`${op}: ${what} must be at least ${min}, got ${x}`);
  return x;
}

/** @internal Throws unless `x` is a finite number in [min, max] (or [min, max) when `openMax`). */
export function checkNumber(
  op: string,
  what: string,
  x: unknown,
  min = -Infinity,
  max = Infinity,
  openMax = false,
): number {
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new TypeError(`${op}: ${what} must be a number, got ${kindOf(x)}`);
  }
  if (!Number.isFinite(x) || x < min || x > max || (openMax && x === max)) {
    const range = `${min === -Infinity ? '(-∞' : `[${min}`}, ${max === Infinity ? '∞)' : `${max}${openMax ? ')' : ']'}`}`;
    throw new RangeError(`${op}: ${what} must be in ${range}, got ${x}`);
  }
  return x;
}

/**
 * Thrown when bytes are not a safetensors file chainrule can read, or a state dict cannot be written
 * as one. The message starts with the function's name and says what is wrong where.
 *
 * @example
 * ```ts
 * try { fromSafetensors(new Uint8Array(3)); } catch (e) {
 *   e instanceof SafetensorsError; // true
 * }
 * ```
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}
