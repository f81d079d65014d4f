// Checks of the options the tensor constructors take (shape, requiresGrad, label, rng), naming the call.

import { describe } from './errors.js';
import type { Rng } from './random.js';

/** @internal What a new leaf tensor is given besides its data: checked `requiresGrad` and `label`. */
export interface LeafOptions {
  requiresGrad: boolean;
  label: string;
}

/** Every key a tensor constructor's options may hold (not every constructor reads all of them). */
const CONSTRUCTOR_OPTIONS = ['shape', 'requiresGrad', 'label', 'rng'];

/**
 * @internal Refuses options that are not a plain object, or that hold a key outside `known`: a
 * misspelt `requiresgrad` would otherwise be ignored and the tensor made without a gradient.
 */
export function checkOptionKeys(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${op}: unknown option '${key}'; the options are ${known.join(', ')}`);
    }
  }
}

const NO_LEAF_OPTIONS: LeafOptions = Object.freeze({ requiresGrad: false, label: '' });

/**
 * @internal Reads `{ requiresGrad, label }` from a constructor's options, refusing what is not a
 * boolean or a string: a `requiresGrad: 'yes'` kept as it is would read as true but not be one.
 */
export function checkLeafOptions(options: unknown, op: string): LeafOptions {
  // one object for every tensor made without options (each op's output): nothing to allocate
  if (options === undefined) return NO_LEAF_OPTIONS;
  checkOptionKeys(op, options, CONSTRUCTOR_OPTIONS);
  const { requiresGrad = false, label = '' } = options as { requiresGrad?: unknown; label?: unknown };
  if (typeof requiresGrad !== 'boolean') {
    throw new TypeError(`${op}: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
  }
  if (typeof label !== 'string') throw new TypeError(`${op}: label must be a string, got ${describe(label)}`);
  return { requiresGrad, label };
}

/**
 * @internal The `rng` option of a random constructor: undefined, or a generator with the draws the
 * engine uses (as `createRng` returns), else a TypeError naming the call and what arrived.
 */
export function checkRngOption(options: unknown, op: string): Rng | undefined {
  const rng = (options as { rng?: unknown } | undefined)?.rng;
  if (rng === undefined) return undefined;
  const has = (name: string): boolean =>
    typeof (rng as Record<string, unknown> | null)?.[name] === 'function';
  if (typeof rng !== 'object' || rng === null || !has('next') || !has('normal') || !has('uniform')) {
    throw new TypeError(`${op}: rng must be a generator from createRng, got ${describe(rng)}`);
  }
  return rng as Rng;
}
