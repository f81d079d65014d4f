// The expression lab's parser: precedence and grouping, errors that point at a column, the graph it
// builds, and a property: any tree printed and parsed back builds the same value as the tree itself.

import { value } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildExpression } from '../src/expression/build.js';
import {
  type Expr,
  ExpressionError,
  FUNCTIONS,
  MAX_TOKENS,
  parseExpression,
  printExpression,
  variablesOf,
} from '../src/expression/parser.js';
import { expressionFromParams, expressionToParams, inputRecord } from '../src/expression/state.js';
import { expressionTree, inputs, shape } from './support/expressions.js';

const tree = (text: string) => shape(parseExpression(text));
const evaluate = (text: string, vars: Record<string, number> = {}) =>
  buildExpression(parseExpression(text), vars).root.data;

describe('precedence and grouping', () => {
  test('* and / bind tighter than + and -, and each pair groups to the left', () => {
    expect(tree('a + b * c')).toEqual(['+', 'a', ['*', 'b', 'c']]);
    expect(tree('a - b - c')).toEqual(['-', ['-', 'a', 'b'], 'c']);
    expect(tree('a / b * c')).toEqual(['*', ['/', 'a', 'b'], 'c']);
    expect(evaluate('8 - 4 - 2')).toBe(2);
    expect(evaluate('8 / 4 / 2')).toBe(1);
  });

  test('^ binds tightest and groups to the right; unary minus sits between', () => {
    expect(tree('2^3^2')).toEqual(['^', 2, ['^', 3, 2]]);
    expect(evaluate('2^3^2')).toBe(512);
    expect(tree('-x^2')).toEqual(['neg', ['^', 'x', 2]]);
    expect(evaluate('-x^2', { x: 3 })).toBe(-9);
    expect(tree('-x * y')).toEqual(['*', ['neg', 'x'], 'y']);
    expect(tree('2^-x')).toEqual(['^', 2, ['neg', 'x']]);
    expect(tree('x - -y')).toEqual(['-', 'x', ['neg', 'y']]);
  });

  test('parentheses and function calls', () => {
    expect(tree('(a + b) * c')).toEqual(['*', ['+', 'a', 'b'], 'c']);
    expect(tree('tanh(x*w + b)')).toEqual(['tanh', ['+', ['*', 'x', 'w'], 'b']]);
    expect(tree('sigmoid(-(x))')).toEqual(['sigmoid', ['neg', 'x']]);
    expect(tree('  exp( log(x) )  ')).toEqual(['exp', ['log', 'x']]);
  });

  test('numbers: decimals, a leading point and exponents', () => {
    expect(tree('1.5 + .25 + 2e-3 + 1E2')).toEqual(['+', ['+', ['+', 1.5, 0.25], 0.002], 100]);
  });

  test('variables are listed once each, in order of first appearance', () => {
    expect(variablesOf(parseExpression('tanh(x*w + b) * x + w_2'))).toEqual(['x', 'w', 'b', 'w_2']);
  });
});

describe('errors name the column of the first mistake', () => {
  const cases: [string, number, RegExp][] = [
    ['', 1, /the expression is empty/],
    ['x +', 4, /ends where a number, a name or \( was expected/],
    ['x + * y', 5, /expected a number, a name or \( but found '\*' at column 5/],
    ['2x', 2, /expected an operator before 'x' at column 2 \(write \* to multiply\)/],
    ['(x + 1', 7, /expected '\)' to close the '\(' at column 1, found the end at column 7/],
    ['x + 1)', 6, /unmatched '\)' at column 6/],
    ['foo(x)', 1, /unknown function 'foo' at column 1 \(functions: exp, log/],
    ['exp + 1', 1, /'exp' is a function: write exp\(\.\.\.\) at column 1/],
    ['tanh()', 6, /tanh\(\) needs an argument at column 6/],
    ['sigmoid(x, y)', 10, /sigmoid takes one argument at column 10/],
    ['x = 1', 3, /unexpected character '=' at column 3 \(write an expression, not an equation\)/],
    ['x # 1', 3, /unexpected character '#' at column 3/],
    ['()', 2, /empty parentheses at column 2/],
    ['1e999', 1, /the number 1e999 is too large at column 1/],
    ['x + 😀', 5, /unexpected character '😀' at column 5/],
  ];

  test.each(cases)('%j: column %d', (text, column, message) => {
    let error: unknown;
    try {
      parseExpression(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as ExpressionError).message).toMatch(/^expression: /);
    expect((error as ExpressionError).message).toMatch(message);
    expect((error as ExpressionError).column).toBe(column);
  });

  test('a URL can carry thousands of terms or parentheses: refused at the limit, never a stack overflow', () => {
    const long = [
      [Array(5000).fill('x').join('+'), 9999],
      [`${'('.repeat(20000)}x${')'.repeat(20000)}`, 40001],
      [`${'-'.repeat(20000)}x`, 20001],
    ] as const;
    for (const [text, tokens] of long) {
      expect(() => parseExpression(text)).toThrow(
        new RegExp(
          `too long to draw: ${tokens} numbers, names and symbols, at most ${MAX_TOKENS} \\(column 101`,
        ),
      );
    }
    const longest = Array(MAX_TOKENS / 2)
      .fill('x')
      .join('+'); // 99 tokens
    expect(evaluate(longest, { x: 1 })).toBe(50); // 99 tokens: drawn
    expect(() => parseExpression(`${longest} + 1`)).toThrow(/101 numbers, names and symbols/);
  });

  test('an exponent with a variable in it is refused at that variable, when the graph is built', () => {
    const tree = parseExpression('x ^ (2 * y)');
    expect(() => buildExpression(tree, { x: 1, y: 1 })).toThrow(
      /^expression: the exponent of \^ must be a number, but it holds the variable 'y' at column 10$/,
    );
  });
});

describe('the graph it builds', () => {
  test('tanh(x*w + b) is the engine graph of the same calls, with labelled leaves', () => {
    const built = buildExpression(parseExpression('tanh(x*w + b)'), { x: 2, w: -0.5, b: 0.25 });
    const x = value(2, 'x');
    const w = value(-0.5, 'w');
    const b = value(0.25, 'b');
    const direct = x.mul(w).add(b).tanh();
    expect(built.root.data).toBe(direct.data);
    expect(built.root.op).toBe('tanh');
    built.root.backward();
    direct.backward();
    expect([...built.leaves.keys()]).toEqual(['x', 'w', 'b']);
    expect(built.leaves.get('x')!.label).toBe('x');
    expect(built.leaves.get('x')!.grad).toBe(x.grad);
    expect(built.leaves.get('w')!.grad).toBe(w.grad);
    expect(built.leaves.get('b')!.grad).toBe(b.grad);
  });

  test('a variable used twice is one leaf, whose gradient collects both uses', () => {
    const built = buildExpression(parseExpression('x * x + x'), { x: 3 });
    built.root.backward();
    expect(built.leaves.get('x')!.grad).toBe(7);
  });

  test('a variable without an input is 0; the exponent of ^ may be any constant expression', () => {
    expect(evaluate('z + 1')).toBe(1);
    expect(evaluate('x ^ (1/2)', { x: 9 })).toBe(3);
    expect(evaluate('x ^ -1', { x: 4 })).toBe(0.25);
  });

  test('variables named like Object.prototype members are variables: from the URL, with and without inputs', () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const text = names.join(' + ');
    expect(buildExpression(parseExpression(text), {}).root.data).toBe(0);
    const params = new URLSearchParams([
      ['expr', text],
      ...names.map((n, i): [string, string] => [n, String(i + 1)]),
    ]);
    const state = expressionFromParams(params);
    expect(names.map((n) => Object.hasOwn(state.inputs, n) && state.inputs[n])).toEqual([1, 2, 3, 4, 5]);
    const built = buildExpression(parseExpression(text), inputRecord(state.inputs));
    expect(built.root.data).toBe(15);
    expect(expressionFromParams(expressionToParams(state)).inputs).toEqual(state.inputs);
  });

  test('every function is the Value method of the same name', () => {
    for (const name of FUNCTIONS) {
      expect(evaluate(`${name}(x)`, { x: 0.7 })).toBe(value(0.7)[name]().data);
    }
  });
});

describe('printing', () => {
  test('uses the fewest parentheses that keep the grouping', () => {
    const cases = [
      'a + b * c',
      '(a + b) * c',
      'a - (b - c)',
      'a + (b + c)',
      '(a^b)^c',
      'a^b^c',
      '(-a)^2',
      '-a^2',
      '-(a + b)',
    ];
    for (const text of cases) expect(printExpression(parseExpression(text))).toBe(text);
  });

  test('property: a random tree, printed and parsed, has the same shape and builds the same value and gradients', () => {
    fc.assert(
      fc.property(expressionTree(), inputs, (t, vars) => {
        const text = printExpression(t);
        const parsed = parseExpression(text);
        expect(shape(parsed)).toEqual(shape(t));
        // the same numbers bit for bit (NaN included), or the same refusal (pow of a negative base)
        const outcome = (tree: Expr) => {
          try {
            const { root, leaves } = buildExpression(tree, vars);
            root.backward();
            return { value: root.data, grads: [...leaves].map(([name, leaf]) => [name, leaf.grad]) };
          } catch (error) {
            return { error: (error as Error).message };
          }
        };
        expect(outcome(parsed)).toEqual(outcome(t));
      }),
      { numRuns: 300 },
    );
  });
});
