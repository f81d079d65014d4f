// The backward pass step by step: seed 001's walkthrough, the shares a node passes on, the order of
// explain's rows, and a property: after the last step every gradient is the one backward() computes.

import { explain, value } from '@chainrule/engine';
import { graphNodes } from '@chainrule/viz';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildExpression } from '../src/expression/build.js';
import { parseExplain } from '../src/expression/explain-table.js';
import { parseExpression } from '../src/expression/parser.js';
import { backwardSteps, isConstant, shares } from '../src/expression/steps.js';
import { expressionTree, inputs } from './support/expressions.js';

const build = (text: string, vars: Record<string, number> = {}) =>
  buildExpression(parseExpression(text), vars);

describe("seed 001's walkthrough: sigmoid(x) at x = 1", () => {
  const built = build('sigmoid(x)', { x: 1 });
  const steps = backwardSteps(built);

  test('five steps, from the output D back to x: reciprocal, add, exp, neg, the leaf', () => {
    expect(steps.map((s) => s.node.op)).toEqual(['reciprocal', 'add', 'exp', 'neg', '']);
    expect(steps.at(-1)!.node).toBe(built.leaves.get('x'));
  });

  test('each step completes one gradient: dD/dD = 1, dD/dC = dD/dB = -0.53, dD/dA = -0.20, dD/dx = 0.20', () => {
    const grads = steps.map((s) => s.grad);
    expect(grads[0]).toBe(1);
    expect(grads[1]).toBeCloseTo(-0.534447, 6);
    expect(grads[2]).toBeCloseTo(-0.534447, 6);
    expect(grads[3]).toBeCloseTo(-0.196612, 6);
    expect(grads[4]).toBe(0.19661193324148188);
  });

  test('a step passes its share to each parent; nodes not reached yet hold 0', () => {
    const [d, c] = steps;
    const cNode = d!.node.parents[0]!;
    expect(d!.contributions).toEqual([{ parent: cNode, amount: d!.gradients.get(cNode) }]);
    // C = B + 1 passes its gradient unchanged to B and to the constant 1
    expect(c!.contributions.map((s) => s.amount)).toEqual([c!.grad, c!.grad]);
    expect(d!.gradients.get(built.leaves.get('x')!)).toBe(-0); // the identity of +, as in the engine
  });
});

test('x * x passes two shares to x, one per use', () => {
  const built = build('x * x', { x: 3 });
  const [product, leaf] = backwardSteps(built);
  expect(product!.contributions.map((s) => s.amount)).toEqual([3, 3]);
  expect(leaf!.grad).toBe(6);
});

test('shares replays the op on fresh leaves: g times each local derivative, pow with its exponent', () => {
  const built = build('x ^ 3 / y', { x: 2, y: 4 });
  const [div] = backwardSteps(built);
  expect(shares(div!.node, 10, built.exponents)).toEqual([10 / 4, (-10 * 8) / 16]);
  const pow = div!.node.parents[0]!;
  expect(shares(pow, 1, built.exponents)).toEqual([12]);
  expect(() => shares(pow, 1, new Map())).toThrow(/^internal: the walkthrough cannot replay op 'pow'/);
});

test("viz's graphNodes is explain's row order: the non-constant nodes, each with its op and value", () => {
  const built = build('tanh(x*w + b) * sigmoid(x) + 2 * x', { x: 0.5, w: -1.5, b: 0.25 });
  const { rows } = parseExplain(explain(built.root));
  const nodes = graphNodes(built.root).filter((n) => !isConstant(n));
  expect(rows.map((r) => r[1])).toEqual(nodes.map((n) => (n.op === '' ? 'leaf' : n.op)));
  expect(rows.filter((r) => r[1] === 'leaf').map((r) => r[0])).toEqual(['x', 'w', 'b']);
  expect(rows.at(-1)![5]).toMatch(/= 1$/);
});

test('parseExplain cuts the header and every row into the same seven cells', () => {
  const { header, rows } = parseExplain(explain(value(1, 'x').sigmoid()));
  expect(header).toEqual(['node', 'op', 'expression', 'value', 'local derivative', 'gradient', 'chain rule']);
  expect(rows[2]).toEqual([
    'B',
    'exp',
    'exp(A)',
    '0.367879',
    'dB/dA = 0.367879',
    'dD/dB = -0.534447',
    'dD/dC·dC/dB',
  ]);
  for (const row of rows) expect(row).toHaveLength(7);
});

test('property: after the last step every node holds the gradient backward() computes', () => {
  fc.assert(
    fc.property(expressionTree(), inputs, (tree, vars) => {
      let built: ReturnType<typeof buildExpression>;
      try {
        built = buildExpression(tree, vars);
      } catch {
        return; // pow of a negative base: the engine refuses to build it
      }
      const steps = backwardSteps(built);
      const final = steps.at(-1)!.gradients;
      built.root.backward();
      const order = graphNodes(built.root);
      expect(order.map((n) => final.get(n))).toEqual(order.map((n) => n.grad));
    }),
    { numRuns: 300 },
  );
});
