// Error classes and the formatting every error message shares.

/**
 * Thrown when operand shapes do not fit an operation (broadcasting, matmul, reshape, concat, loading
 * a state dict). The message starts with the op name, then the shapes.
 *
 * @example
 * ```ts
 * try { a.matmul(b); } catch (e) { if (e instanceof ShapeError) console.log(e.message); }
 * ```
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

/** @internal Prints a shape as `[2,3]`, a scalar shape as `[]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * @internal Describes what arrived where something else was expected, for TypeError messages (nn's
 * messages use it too): `the number 3`, `the string "x"`, `an array`, `a Value`, `a plain object`.
 */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  switch (typeof x) {
    case 'number':
      return `the number ${x}`;
    case 'string':
      return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
    case 'undefined':
      return 'undefined';
    case 'object': {
      // the prototype's constructor names the class; an own `constructor` property cannot fake it
      const proto = Object.getPrototypeOf(x) as { constructor?: { name?: string } } | null;
      const name = proto?.constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'a plain object';
    }
    default:
      return `a ${typeof x}`;
  }
}

/**
 * @internal What arrived where a number was expected: a number as itself (`1.5`), anything else
 * described (`the string "0"`), so a string that looks like a number is not mistaken for one.
 */
export function describeNumber(x: unknown): string {
  return typeof x === 'number' ? String(x) : describe(x);
}

/** @internal A number in at most six significant digits, without trailing zeros: 0.196612, -1, 1e-12. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  return String(Number(x.toPrecision(6)));
}
