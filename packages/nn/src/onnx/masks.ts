// The engine's nodes without gradient as ONNX operators, computed from their inputs (never the example's
// values): the comparisons, the masks that derivatives and composites split cases with, and where's condition.

import type { OnnxGraph } from './graph.js';

/** The comparisons ONNX has as one operator (BOOL out, cast to the model's float type). */
const RELATIONS = {
  lt: 'Less',
  le: 'LessOrEqual',
  gt: 'Greater',
  ge: 'GreaterOrEqual',
  eq: 'Equal',
  isEqual: 'Equal',
} as const;

/**
 * The output name of the comparison or mask `op` over `ins` (input names), with the engine's values
 * at the edges (NaN, ±0, ±Infinity), or null when `op` is neither.
 */
export function lowerMask(g: OnnxGraph, op: string, ins: readonly string[]): string | null {
  const [x, y] = ins as [string, string];
  const node = (type: string, ...inputs: string[]) => g.node(type, inputs);
  const zero = () => g.scalar(0);
  // where the engine's mask is NaN for a NaN input, the model passes the NaN through
  const keepNaN = (mask: string) => node('Where', node('IsNaN', x), x, mask);
  if (Object.hasOwn(RELATIONS, op)) return g.asFloat(node(RELATIONS[op as keyof typeof RELATIONS], x, y));
  switch (op) {
    case 'ne':
      // the negation of eq: NaN differs from everything, itself included
      return g.asFloat(node('Not', node('Equal', x, y)));
    case 'step':
      // relu's [x > 0]
      return keepNaN(g.asFloat(node('Greater', x, zero())));
    case 'isZero':
      return keepNaN(g.asFloat(node('Equal', x, zero())));
    case 'isNegative':
      return g.asFloat(node('Less', x, zero()));
    case 'isExactZero':
      return g.asFloat(node('Equal', x, zero()));
    case 'isNonZero':
      return g.asFloat(node('Not', node('Equal', x, zero())));
    case 'negativeSign':
      return node('Where', node('Less', x, zero()), g.scalar(-1), g.scalar(1));
    case 'finiteOrZero':
      // x − x is 0 exactly when x is finite (NaN for ±Infinity and NaN)
      return node('Where', node('Equal', node('Sub', x, x), zero()), x, zero());
    case 'gtHalf': {
      // maximum's and minimum's share at ties: ([a > b] + [a ≥ b])/2 is 1, 1/2 or 0; NaN when unordered
      const sum = node('Add', g.asFloat(node('Greater', x, y)), g.asFloat(node('GreaterOrEqual', x, y)));
      const unordered = node('Or', node('IsNaN', x), node('IsNaN', y));
      return node('Where', unordered, g.scalar(Number.NaN), node('Mul', sum, g.scalar(0.5)));
    }
    default:
      return null;
  }
}
