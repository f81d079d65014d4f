// The seed-or-generator option every random function of nn takes.

import { createRng, type Rng } from '@chainrule/engine';
import { kindOf } from './errors.js';

/** How a random function of nn is seeded: a seed, or a generator to draw from (which then advances). */
export interface RandomOptions {
  /** Seed for a fresh `createRng(seed)`. Default 0, so results are reproducible unless asked otherwise. */
  seed?: number;
  /** A generator to draw from instead; takes precedence over `seed`. */
  rng?: Rng;
}

/** @internal The generator `options` ask for. */
export function rngOf(op: string, options: RandomOptions | undefined): Rng {
  const rng = options?.rng;
  if (rng !== undefined) return checkRng(op, rng);
  const seed = options?.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new TypeError(`${op}: seed must be an integer, got ${kindOf(seed)}`);
  }
  return createRng(seed);
}

/** @internal `rng` if it is a generator with the draws nn uses (as `createRng` returns), else a TypeError naming `op`. */
export function checkRng(op: string, rng: unknown): Rng {
  const has = (name: string): boolean =>
    typeof (rng as Record<string, unknown> | null)?.[name] === 'function';
  if (
    typeof rng !== 'object' ||
    rng === null ||
    !['next', 'uniform', 'normal', 'int', 'shuffle'].every(has)
  ) {
    throw new TypeError(`${op}: rng must be a generator from createRng, got ${kindOf(rng)}`);
  }
  return rng as Rng;
}
