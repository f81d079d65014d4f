// createRng: xoshiro128** seeded through splitmix32, with uniform and normal draws.

import { describeNumber } from './errors.js';

/** A deterministic random number generator; every random function of chainrule takes one. */
export interface Rng {
  /** The seed it was created with. */
  readonly seed: number;
  /** A uniform draw from [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform draw from [low, high). */
  uniform(low?: number, high?: number): number;
  /** A normal draw with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/**
 * A seeded generator: xoshiro128** (Blackman and Vigna), its 128-bit state filled from the seed by
 * splitmix32. The same seed gives the same sequence on every platform.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.next();      // uniform in [0, 1)
 * rng.normal();    // standard normal
 * rng.int(10);     // 0..9
 * ```
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new TypeError(`createRng: the seed must be an integer, got ${describeNumber(seed)}`);
  }
  let sm = seed >>> 0;
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  // A seed beyond 32 bits still changes the state: fold its high part in.
  let s0 = splitmix32() ^ Math.floor(seed / 2 ** 32);
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  let spare: number | null = null;
  const rng: Rng = {
    seed,
    next: () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992,
    uniform: (low = 0, high = 1) => low + (high - low) * rng.next(),
    normal: (mean = 0, std = 1) => {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return mean + std * z;
      }
      // 1 - u is in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
      const angle = 2 * Math.PI * rng.next();
      spare = radius * Math.sin(angle);
      return mean + std * radius * Math.cos(angle);
    },
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int: n must be a positive integer, got ${n}`);
      return Math.floor(rng.next() * n);
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        const t = items[i]!;
        items[i] = items[j]!;
        items[j] = t;
      }
      return items;
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
