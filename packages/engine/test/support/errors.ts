// expectError: an error checked by class and exact message, as the error tests state them.

import { expect } from 'vitest';

/** Fails unless `f` throws an instance of `kind` whose message is exactly `message`. */
export function expectError(f: () => unknown, kind: new (...args: never[]) => Error, message: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected "${message}"`).toBeInstanceOf(kind);
  expect((thrown as Error).message).toBe(message);
}
