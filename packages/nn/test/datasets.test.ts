import { makeBlobs, makeCircles, makeMoons } from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { expectClose } from './support/close.js';

describe('makeMoons', () => {
  test('without noise and shuffle it is scikit-learn’s two arcs', () => {
    const { x, y } = makeMoons(6, { shuffle: false });
    expect(y).toEqual([0, 0, 0, 1, 1, 1]);
    // upper arc cos t, sin t at t = 0, π/2, π; lower arc 1 - cos t, 0.5 - sin t
    const expected = [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, 0.5],
      [1, -0.5],
      [2, 0.5],
    ];
    x.forEach((row, i) => {
      expectClose(row[0]!, expected[i]![0]!);
      expectClose(row[1]!, expected[i]![1]!);
    });
  });

  test('an odd count gives the extra point to class 1', () => {
    const { y } = makeMoons(7, { shuffle: false });
    expect(y.filter((c) => c === 1).length).toBe(4);
  });

  test('is reproducible by seed and differs between seeds', () => {
    expect(makeMoons(50, { noise: 0.1, seed: 3 })).toEqual(makeMoons(50, { noise: 0.1, seed: 3 }));
    expect(makeMoons(50, { noise: 0.1, seed: 3 })).not.toEqual(makeMoons(50, { noise: 0.1, seed: 4 }));
  });

  test('noise has the requested standard deviation', () => {
    const clean = makeMoons(4000, { seed: 1 });
    const noisy = makeMoons(4000, { seed: 1, noise: 0.2 });
    const d = noisy.x.flatMap((row, i) => row.map((v, j) => v - clean.x[i]![j]!));
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    expect(sd).toBeGreaterThan(0.19);
    expect(sd).toBeLessThan(0.21);
    expect(noisy.y).toEqual(clean.y);
  });

  test('refuses a bad count or noise, naming the function', () => {
    expect(() => makeMoons(0)).toThrow('makeMoons: the number of samples must be at least 1, got 0');
    expect(() => makeMoons(10, { noise: -1 })).toThrow('makeMoons: noise must be in [0, ∞), got -1');
  });

  test('refuses more samples than a tensor of them could hold, before building any', () => {
    expect(() => makeMoons(1e10)).toThrow(
      'makeMoons: shape [10000000000,2] has 20000000000 elements, more than the 4294967296 a Float64Array can hold',
    );
    expect(() => makeCircles(2 ** 31 + 1)).toThrow(
      /^makeCircles: shape \[2147483649,2\] has 4294967298 elements/,
    );
    expect(() => makeBlobs(2 ** 31, { nFeatures: 3 })).toThrow(/^makeBlobs: shape \[2147483648,3\]/);
    expect(() => makeBlobs(10, { centers: 2 ** 31, nFeatures: 3 })).toThrow(/^makeBlobs centers: shape/);
  });
});

describe('makeCircles', () => {
  test('puts class 0 on the unit circle and class 1 on the circle of radius factor', () => {
    const { x, y } = makeCircles(100, { factor: 0.5, seed: 2 });
    for (const [i, row] of x.entries()) expectClose(Math.hypot(row[0]!, row[1]!), y[i] === 0 ? 1 : 0.5);
    expect(y.filter((c) => c === 0).length).toBe(50);
  });

  test('refuses a factor of 1 or more', () => {
    expect(() => makeCircles(10, { factor: 1 })).toThrow('makeCircles: factor must be in [0, 1), got 1');
  });
});

describe('makeBlobs', () => {
  test('spreads samples evenly over the centres, the first ones taking the remainder', () => {
    const { y, centers } = makeBlobs(10, { centers: 3, seed: 5 });
    expect(centers.length).toBe(3);
    expect([0, 1, 2].map((c) => y.filter((v) => v === c).length)).toEqual([4, 3, 3]);
    for (const c of centers) for (const v of c) expect(Math.abs(v)).toBeLessThanOrEqual(10);
  });

  test('samples around given centres with the given spread', () => {
    const centers = [
      [0, 0, 0],
      [10, 10, 10],
    ];
    const { x, y } = makeBlobs(2000, { centers, clusterStd: [0.5, 2], seed: 9 });
    for (const c of [0, 1]) {
      const rows = x.filter((_, i) => y[i] === c);
      const mean = rows.reduce((s, r) => s + r[1]!, 0) / rows.length;
      const sd = Math.sqrt(rows.reduce((s, r) => s + (r[1]! - mean) ** 2, 0) / rows.length);
      expect(Math.abs(mean - centers[c]![1]!)).toBeLessThan(0.2);
      expect(Math.abs(sd - [0.5, 2][c]!)).toBeLessThan(0.15);
    }
  });

  test('refuses mismatched cluster spreads', () => {
    expect(() => makeBlobs(10, { centers: 3, clusterStd: [1, 2] })).toThrow(
      'makeBlobs: clusterStd must be a number or 3 numbers, got an array',
    );
  });
});
