// The WebAssembly broadcasts and reductions against the TypeScript kernels, bit for bit: a column
// operand ([m, 1] with [m, n]), sumTo for a scalar, a row and a column, and sums and maxima over an
// axis, at sizes either side of the elementwise threshold and of the four-row grouping, on 1 and 2
// threads (the elementwise kernels run on the calling thread: the count must change nothing).

import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { BinaryKernelOp } from '../src/kernels/backend.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import {
  createWasmKernels,
  getNumThreads,
  hasSimd,
  setNumThreads,
  WASM_MIN_ELEMENTS,
  type WasmKernels,
} from '../src/kernels/wasm/index.js';
import { broadcastShapes, sizeOf } from '../src/shape.js';

const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

/**
 * The bits of each double, so that -0 ≠ 0 and the last bit counts; every NaN reads as one, since
 * JavaScript does not keep a NaN's sign or payload (x64 and WebAssembly make different ones for ∞ - ∞).
 */
function bits(x: Float64Array): string[] {
  const words = new BigUint64Array(x.buffer, x.byteOffset, x.length);
  return [...words].map((w, i) => (Number.isNaN(x[i]) ? 'NaN' : w.toString(16)));
}

/** Values whose sums round differently in any other order: magnitudes over 30 decades, signs mixed. */
function awkward(length: number, seed: number, special = false): Float64Array {
  const x = Float64Array.from(
    { length },
    (_, i) => Math.sin(seed + i * 1.618) * 10 ** (((i * 7 + seed) % 31) - 15),
  );
  if (special && length > 3) {
    x[(seed >>> 1) % length] = -0;
    x[(seed >>> 2) % length] = Number.NaN;
    x[(seed >>> 3) % length] = Number.POSITIVE_INFINITY;
  }
  return x;
}

const binaryOps: BinaryKernelOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'gtHalf', 'reluGrad'];
/** Row counts and widths either side of every grouping (pairs of lanes, four rows at a time). */
const edges = [1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33];
/** Element counts either side of the threshold at which arrays move to WebAssembly. */
const aroundThreshold = [WASM_MIN_ELEMENTS - 1, WASM_MIN_ELEMENTS, WASM_MIN_ELEMENTS + 1];

describe.skipIf(!hasSimd())('wasm broadcasts and reductions', () => {
  // every array through WebAssembly, and the backend as it ships (small arrays on TypeScript)
  const everything = createWasmKernels(tsKernels, { minElements: 0 }) as WasmKernels;
  const shipped = createWasmKernels(tsKernels) as WasmKernels;

  test('are in use', () => {
    expect(everything.sumAxis).not.toBe(tsKernels.sumAxis);
    expect(everything.maxAxis).not.toBe(tsKernels.maxAxis);
  });

  for (const threads of [1, 2]) {
    describe(`on ${threads} thread${threads > 1 ? 's' : ''}`, () => {
      test('a column operand, either side, gives the TypeScript numbers bit for bit', () => {
        setNumThreads(threads);
        fc.assert(
          fc.property(
            fc.constantFrom(...binaryOps),
            fc.constantFrom(...edges, 40),
            fc.constantFrom(...edges, 30),
            fc.boolean(),
            fc.integer({ min: 0, max: 1000 }),
            (op, rows, width, columnFirst, seed) => {
              const full = [rows, width];
              const column = [rows, 1];
              const [aShape, bShape] = columnFirst ? [column, full] : [full, column];
              const a = awkward(sizeOf(aShape), seed, true);
              const b = awkward(sizeOf(bShape), seed + 1, true);
              const outShape = broadcastShapes(aShape, bShape, op);
              for (const k of [everything, shipped]) {
                const expected = new Float64Array(sizeOf(outShape));
                const actual = new Float64Array(expected.length).fill(7);
                tsKernels.binary(op, a, aShape, b, bShape, expected, outShape);
                k.binary(op, a, aShape, b, bShape, actual, outShape);
                expect(bits(actual), `${op} [${aShape}] [${bShape}]`).toEqual(bits(expected));
              }
            },
          ),
          { numRuns: 300 },
        );
      });

      test('sumTo a scalar, a row and a column agrees bit for bit, around the threshold too', () => {
        setNumThreads(threads);
        const shapes: [number[], number[]][] = [];
        for (const rows of edges) {
          for (const width of [...edges, 2 * WASM_MIN_ELEMENTS + 1]) {
            shapes.push(
              [[rows, width], [1]],
              [[rows, width], [width]],
              [
                [rows, width],
                [rows, 1],
              ],
            );
          }
        }
        for (const n of aroundThreshold) {
          shapes.push(
            [[n], [1]],
            [
              [n, 1],
              [1, 1],
            ],
            [
              [1, n],
              [1, 1],
            ],
            [
              [n, 2],
              [n, 1],
            ],
            [[2, n], [n]],
          );
        }
        shapes.forEach(([xShape, outShape], i) => {
          const x = awkward(sizeOf(xShape), i, i % 3 === 0);
          for (const k of [everything, shipped]) {
            const expected = new Float64Array(sizeOf(outShape));
            const actual = new Float64Array(expected.length).fill(7);
            tsKernels.sumTo(x, xShape, expected, outShape);
            k.sumTo(x, xShape, actual, outShape);
            expect(bits(actual), `[${xShape}] to [${outShape}]`).toEqual(bits(expected));
          }
        });
      });

      test('sumAxis and maxAxis agree bit for bit on every axis of random shapes', () => {
        setNumThreads(threads);
        fc.assert(
          fc.property(
            fc.constantFrom(...edges, 0),
            fc.constantFrom(...edges, 0, 140),
            fc.constantFrom(...edges, 0),
            fc.integer({ min: 0, max: 1000 }),
            fc.boolean(),
            (outer, len, inner, seed, special) => {
              const x = awkward(outer * len * inner, seed, special);
              for (const k of [everything, shipped]) {
                for (const reduce of ['sumAxis', 'maxAxis'] as const) {
                  if (reduce === 'maxAxis' && len === 0) continue; // no maximum of nothing: the ops refuse it
                  const expected = new Float64Array(outer * inner);
                  const actual = new Float64Array(expected.length).fill(7);
                  tsKernels[reduce](x, outer, len, inner, expected);
                  k[reduce](x, outer, len, inner, actual);
                  expect(bits(actual), `${reduce} [${outer}, ${len}, ${inner}]`).toEqual(bits(expected));
                }
              }
            },
          ),
          { numRuns: 400 },
        );
      });
    });
  }

  test('the bit comparison catches a sum taken in another order', () => {
    const x = awkward(64, 3);
    const expected = new Float64Array(1);
    tsKernels.sumAxis(x, 1, 64, 1, expected);
    // pairs summed apart, as two SIMD lanes would, then added: the same numbers in another order
    let even = 0;
    let odd = 0;
    for (let i = 0; i < 64; i += 2) {
      even += x[i]!;
      odd += x[i + 1]!;
    }
    expect(bits(Float64Array.of(even + odd))).not.toEqual(bits(expected));
  });
});
