// createRng: deterministic per seed, and the uniform, normal, int and shuffle draws have the right law.

import { createRng } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

const N = 100_000;

function draws(f: () => number, n = N): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

function meanAndVariance(xs: Float64Array): [number, number] {
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2;
  return [mean, v / (xs.length - 1)];
}

/**
 * xoshiro128** as Blackman and Vigna publish it, its state filled by splitmix32 (the murmur3
 * finaliser over a golden-ratio counter), written with BigInt so it shares no arithmetic with the engine.
 */
function referenceUniforms(seed: number, count: number): number[] {
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
  let counter = BigInt(seed >>> 0);
  const splitmix32 = (): bigint => {
    counter = (counter + 0x9e3779b9n) & M;
    let z = counter;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    return z ^ (z >> 16n);
  };
  const s = [splitmix32(), splitmix32(), splitmix32(), splitmix32()];
  const next32 = (): bigint => {
    const result = (rotl((s[1]! * 5n) & M, 7n) * 9n) & M;
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
    return result;
  };
  // 53 random bits: the top 27 of one draw and the top 26 of the next, as in genrand_res53
  return Array.from({ length: count }, () => {
    const a = next32() >> 5n;
    const b = next32() >> 6n;
    return Number((a << 26n) | b) / 2 ** 53;
  });
}

describe('createRng', () => {
  test('is xoshiro128** seeded by splitmix32, draw for draw', () => {
    for (const seed of [0, 1, 42, 123456789, 2 ** 32 - 1]) {
      const r = createRng(seed);
      expect(Array.from({ length: 20 }, () => r.next())).toEqual(referenceUniforms(seed, 20));
    }
  });

  test('the same seed gives the same sequence of every kind of draw', () => {
    const run = (seed: number): number[] => {
      const r = createRng(seed);
      return [
        r.next(),
        r.uniform(-2, 5),
        r.normal(),
        r.normal(3, 2),
        r.int(1000),
        ...r.shuffle([1, 2, 3, 4, 5]),
      ];
    };
    expect(run(42)).toEqual(run(42));
    expect(createRng(42).seed).toBe(42);
  });

  test('different seeds give different sequences, seeds beyond 32 bits included', () => {
    const first = (seed: number): number[] => {
      const r = createRng(seed);
      return [r.next(), r.next(), r.next()];
    };
    const seeds = [0, 1, 2, 42, -1, 2 ** 32, 2 ** 32 + 1, 2 ** 40];
    const seqs = seeds.map((s) => first(s).join());
    expect(new Set(seqs).size).toBe(seeds.length);
  });

  test('next draws from [0, 1) with mean 1/2 and variance 1/12 over 100k draws', () => {
    const xs = draws(createRng(7).next);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const [mean, variance] = meanAndVariance(xs);
    // standard errors: 0.29/√N ≈ 9e-4 for the mean, about 3e-4 for the variance
    expect(Math.abs(mean - 0.5)).toBeLessThan(5e-3);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(2e-3);
  });

  test('uniform(low, high) stays in [low, high) with mean (low + high)/2', () => {
    const r = createRng(8);
    const xs = draws(() => r.uniform(-3, 5));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(5);
    const [mean, variance] = meanAndVariance(xs);
    expect(Math.abs(mean - 1)).toBeLessThan(0.04);
    expect(Math.abs(variance - 64 / 12)).toBeLessThan(0.1);
  });

  test('normal draws have mean 0 and standard deviation 1 over 100k draws, and the tails of a Gaussian', () => {
    const xs = draws(createRng(9).normal);
    const [mean, variance] = meanAndVariance(xs);
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.015);
    // P(|z| > 2) = 0.0455 for a standard normal
    const beyond2 = xs.filter((x) => Math.abs(x) > 2).length / N;
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.004);
  });

  test('normal(mean, std) shifts and scales', () => {
    const r = createRng(10);
    const [mean, variance] = meanAndVariance(draws(() => r.normal(5, 0.5)));
    expect(Math.abs(mean - 5)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(variance) - 0.5)).toBeLessThan(0.01);
  });

  test('int(n) draws every integer in [0, n) about equally often', () => {
    const r = createRng(11);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < N; i++) {
      const k = r.int(10);
      expect(Number.isInteger(k)).toBe(true);
      counts[k]!++;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    // each count is about 10000 ± 95; a chi-square with 9 degrees of freedom rarely exceeds 30
    const chi2 = counts.reduce((acc, c) => acc + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(30);
    expect(r.int(1)).toBe(0);
  });

  test('int rejects a non-positive or fractional bound with a RangeError naming int', () => {
    const r = createRng(1);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(/^int: /);
  });

  test('shuffle returns the same array as a permutation of its elements', () => {
    const r = createRng(12);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = r.shuffle(items);
    expect(shuffled).toBe(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('shuffle puts each element in each position about equally often', () => {
    const r = createRng(13);
    const firsts = new Array<number>(4).fill(0);
    for (let i = 0; i < 40_000; i++) firsts[r.shuffle([0, 1, 2, 3])[0]!]!++;
    for (const c of firsts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  test('rejects a seed that is not an integer', () => {
    expect(() => createRng(1.5)).toThrow(TypeError);
    expect(() => createRng('1' as unknown as number)).toThrow(/^createRng: /);
  });
});
