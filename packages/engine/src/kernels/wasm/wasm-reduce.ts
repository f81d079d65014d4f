// The 'wasm' backend's reductions: sums and maxima over an axis, and sumTo for every pattern that
// training's broadcasts leave behind (a scalar, a row, a column), in the module and memory of the
// elementwise kernels. Each sums in exactly the TypeScript kernels' order (assembly/reduce.ts), so
// the numbers agree bit for bit; other patterns and small arrays stay on the TypeScript kernels.

import type { Kernels } from '../backend.js';
import { isTrailing } from '../ts-elementwise.js';
import type { PrivateArena } from './wasm-arena.js';
import type { ElementwiseExports } from './wasm-elementwise.js';

/**
 * Whether `shape` is a column of `full`: its last axis 1 and every other axis as in `full` (leading
 * ones aside), so that each of its elements repeats along one whole row of `full` ([m, 1] in [m, n]).
 *
 * @internal
 */
export function isColumn(shape: readonly number[], full: readonly number[]): boolean {
  const width = full[full.length - 1] ?? 1;
  if (shape.length === 0 || shape[shape.length - 1] !== 1 || width <= 1) return false;
  let length = 1;
  for (const d of shape) length *= d;
  let rows = 1;
  for (const d of full) rows *= d;
  // each axis of a shape that broadcasts to `full` is at most full's, so equal counts mean equal axes
  return length * width === rows;
}

/** `sumTo`, `sumAxis` and `maxAxis` over `arena`, falling back to `fallback`. */
export function createWasmReduce(
  arena: PrivateArena<ElementwiseExports>,
  fallback: Kernels,
  minElements: number,
): Pick<Kernels, 'sumTo' | 'sumAxis' | 'maxAxis'> {
  /** Copies x in, runs `body` on the copy and the output's place, copies the output out; false if no room. */
  const run = (
    x: Float64Array,
    out: Float64Array,
    body: (exports: ElementwiseExports, xAt: number, outAt: number) => void,
  ): boolean => {
    if (x.length < minElements) return false;
    const place = arena.place([x.length, out.length]);
    if (place === null) return false;
    const { exports, view, at } = place;
    const [xAt, outAt] = at as [number, number];
    view.set(x, xAt / 8);
    body(exports, xAt, outAt);
    out.set(view.subarray(outAt / 8, outAt / 8 + out.length));
    return true;
  };

  const sumTo: Kernels['sumTo'] = (x, xShape, out, outShape) => {
    const width = out.length;
    let done = false;
    if (width === 1 && x.length > 1) {
      // everything into one number, in order
      done = run(x, out, (e, xAt, outAt) => e.sumEachRow(xAt, outAt, 1, x.length));
    } else if (width > 1 && width < x.length && isTrailing(outShape, xShape)) {
      // a row bias's gradient: the rows summed into one, row after row
      done = run(x, out, (e, xAt, outAt) => e.sumRows(xAt, outAt, x.length / width, width));
    } else if (width > 1 && width < x.length && isColumn(outShape, xShape)) {
      // a column bias's gradient: each row summed into one number
      done = run(x, out, (e, xAt, outAt) => e.sumEachRow(xAt, outAt, width, x.length / width));
    }
    if (!done) fallback.sumTo(x, xShape, out, outShape);
  };

  const sumAxis: Kernels['sumAxis'] = (x, outer, len, inner, out) => {
    const empty = outer === 0 || len === 0 || inner === 0;
    if (empty || !run(x, out, (e, xAt, outAt) => e.sumAxis(xAt, outer, len, inner, outAt))) {
      fallback.sumAxis(x, outer, len, inner, out);
    }
  };

  const maxAxis: Kernels['maxAxis'] = (x, outer, len, inner, out) => {
    const empty = outer === 0 || len === 0 || inner === 0;
    if (empty || !run(x, out, (e, xAt, outAt) => e.maxAxis(xAt, outer, len, inner, outAt))) {
      fallback.maxAxis(x, outer, len, inner, out);
    }
  };

  return { sumTo, sumAxis, maxAxis };
}
