// Random expression trees for property tests: every operator and function of the lab's language,
// variables from a small set (so some repeat), non-negative literals (a minus is a negate node).

import fc from 'fast-check';
import { BINARY, type BinaryOperator, type Expr, FUNCTIONS } from '../../src/expression/parser.js';

export const VARIABLES = ['x', 'y', 'w', 'b'] as const;

const at = { column: 0 };
const literal = fc
  .oneof(fc.integer({ min: 0, max: 9 }), fc.double({ min: 0, max: 10, noNaN: true }))
  .map((value): Expr => ({ kind: 'number', value: value + 0, ...at })); // + 0 turns -0 into 0
const variable = fc.constantFrom(...VARIABLES).map((name): Expr => ({ kind: 'variable', name, ...at }));
/** pow's exponent: a constant, sometimes negated. */
const exponent = fc
  .constantFrom(2, 3, 0.5, 1.5)
  .chain((value) =>
    fc.constantFrom<Expr>(
      { kind: 'number', value, ...at },
      { kind: 'negate', operand: { kind: 'number', value, ...at }, ...at },
    ),
  );
const operators = (Object.keys(BINARY) as BinaryOperator[]).filter((op) => op !== '^');

/** A tree of up to about `depth` levels. */
export const expressionTree = (depth = 5): fc.Arbitrary<Expr> =>
  fc.letrec<{ tree: Expr }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      literal,
      variable,
      variable,
      tie('tree').map((operand): Expr => ({ kind: 'negate', operand, ...at })),
      fc
        .tuple(fc.constantFrom(...FUNCTIONS), tie('tree'))
        .map(([name, argument]): Expr => ({ kind: 'call', name, argument, ...at })),
      fc
        .tuple(fc.constantFrom(...operators), tie('tree'), tie('tree'))
        .map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, ...at })),
      fc
        .tuple(tie('tree'), exponent)
        .map(([left, right]): Expr => ({ kind: 'binary', op: '^', left, right, ...at })),
    ),
  })).tree;

/** Inputs for the variables, each in [-3, 3]. */
export const inputs = fc.record(
  Object.fromEntries(VARIABLES.map((name) => [name, fc.double({ min: -3, max: 3, noNaN: true })])) as Record<
    (typeof VARIABLES)[number],
    fc.Arbitrary<number>
  >,
);

/** The tree without its columns, to compare the shapes of two trees. */
export function shape(e: Expr): unknown {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'variable':
      return e.name;
    case 'negate':
      return ['neg', shape(e.operand)];
    case 'call':
      return [e.name, shape(e.argument)];
    case 'binary':
      return [e.op, shape(e.left), shape(e.right)];
  }
}
