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
  if (rng !== undefined) {
    if (typeof rng !== 'object' || rng === null || typeof rng.next !== 'function') {
      throw new TypeError(`${op}: rng must be a generator from createRng, got ${kindOf(rng)}`);
    }
    return rng;
  }
  const seed = options?.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new TypeError(`${op}: seed must be an integer, got ${kindOf(seed)}`);
  }
  return createRng(seed);
}
