// Shared numeric assertions for the nn tests.

import { expect } from 'vitest';

/** Asserts |actual - expected| <= tol, printing both numbers on failure. */
export function expectClose(actual: number, expected: number, tol = 1e-12): void {
  const error = Math.abs(actual - expected);
  if (!(error <= tol)) expect.fail(`expected ${expected}, got ${actual} (error ${error} > ${tol})`);
}

/** Asserts two number lists are equal bit for bit (Object.is element by element). */
export function expectBitIdentical(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  const differing = actual.findIndex((a, i) => !Object.is(a, expected[i]));
  if (differing >= 0)
    expect.fail(`element ${differing} differs: ${actual[differing]} vs ${expected[differing]}`);
}
