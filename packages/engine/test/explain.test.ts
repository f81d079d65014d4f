// The sigmoid walkthrough of seed 001: the four nodes, their gradients, and `explain` printing them.

import { explain, type Value, value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { expectRelClose } from './support/numeric.js';

/** x = 1, D = sigmoid(x) = 1 / (1 + e^-x), with the walkthrough's nodes A = -x, B = e^A, C = 1 + B. */
function walkthrough(): { x: Value; a: Value; b: Value; c: Value; d: Value } {
  const x = value(1, 'x');
  const d = x.sigmoid();
  const c = d.parents[0]!;
  const b = c.parents[0]!;
  const a = b.parents[0]!;
  return { x, a, b, c, d };
}

// The walkthrough by hand: dD/dC = -1/C², dC/dB = 1, dB/dA = e^A, dA/dx = -1.
const B = Math.exp(-1);
const C = 1 + B;
const dDdC = -1 / (C * C);
const dDdA = dDdC * B;

describe('the sigmoid walkthrough at x = 1', () => {
  test('sigmoid is recorded as the chain neg, exp, add, reciprocal', () => {
    const { x, a, b, c, d } = walkthrough();
    expect([a.op, b.op, c.op, d.op]).toEqual(['neg', 'exp', 'add', 'reciprocal']);
    expect(a.parents).toEqual([x]);
    expect(c.parents).toHaveLength(2);
    expect(c.parents[1]!.op).toBe('');
    expect(c.parents[1]!.data).toBe(1);
    expect([a.data, b.data, c.data, d.data]).toEqual([-1, B, C, 1 / C]);
  });

  test('backward gives the intermediate gradients -0.53, -0.53, -0.20 and 0.20', () => {
    const { x, a, b, c, d } = walkthrough();
    d.backward();
    expect([c.grad, b.grad, a.grad, x.grad].map((g) => g.toFixed(2))).toEqual([
      '-0.53',
      '-0.53',
      '-0.20',
      '0.20',
    ]);
    expectRelClose(c.grad, dDdC, 1e-15);
    expectRelClose(b.grad, dDdC, 1e-15);
    expectRelClose(a.grad, dDdA, 1e-15);
    expect(d.grad).toBe(1);
  });

  test("sigmoid'(1) = s(1)(1 - s(1)) = 0.19661193 to 1e-8", () => {
    const { x, d } = walkthrough();
    d.backward();
    expect(Math.abs(x.grad - 0.19661193)).toBeLessThan(1e-8);
    expectRelClose(x.grad, d.data * (1 - d.data), 1e-14);
  });
});

describe('explain', () => {
  const six = (v: number): string => String(Number(v.toPrecision(6)));

  test('prints one line per node with its op, value and gradient, named x, A, B, C, D', () => {
    const { d } = walkthrough();
    const lines = explain(d).split('\n');
    expect(lines[0]).toMatch(/^node\s+op\s+expression\s+value\s+local derivative\s+gradient\s+chain rule$/);
    const row = (name: string): string => {
      const found = lines.filter((l) => l.startsWith(`${name} `));
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    expect(lines).toHaveLength(6); // header, x, A, B, C, D: the constant 1 is not a row
    expect(row('x')).toMatch(/\bleaf\b/);
    expect(row('x')).toContain(`dD/dx = ${six(-dDdA)}`);
    expect(row('A')).toMatch(/\bneg\b/);
    expect(row('A')).toContain('dA/dx = -1');
    expect(row('A')).toContain(`dD/dA = ${six(dDdA)}`);
    expect(row('B')).toMatch(/\bexp\b/);
    expect(row('B')).toContain(`dB/dA = ${six(B)}`);
    expect(row('B')).toContain(`dD/dB = ${six(dDdC)}`);
    expect(row('C')).toMatch(/\badd\b/);
    expect(row('C')).toContain('dC/dB = 1');
    expect(row('C')).toContain(`dD/dC = ${six(dDdC)}`);
    expect(row('D')).toMatch(/\breciprocal\b/);
    expect(row('D')).toContain(`${six(1 / C)}`);
    expect(row('D')).toContain('dD/dD = 1');
    // rows come in the order the forward pass computes them
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['x', 'A', 'B', 'C', 'D']);
  });

  test('the printed gradients are the numbers -0.53, -0.53, -0.20, 0.20 of the walkthrough', () => {
    const text = explain(walkthrough().d);
    const grads = [...text.matchAll(/dD\/d([xABC]) = (-?[\d.]+)\s/g)].map(
      ([, name, g]) => `${name}:${Number(g).toFixed(2)}`,
    );
    expect(grads).toEqual(expect.arrayContaining(['C:-0.53', 'B:-0.53', 'A:-0.20', 'x:0.20']));
  });

  test('does not touch accumulated gradients', () => {
    const { x, d } = walkthrough();
    explain(d);
    expect(x.grad).toBe(0);
    expect(d.grad).toBe(0);
  });

  test('sums the local derivatives of a reused input and the chain-rule terms of a reused node', () => {
    const x = value(3, 'x');
    const lines = explain(x.add(x).mul(x)).split('\n'); // A = x + x, B = A·x = 2x²
    const row = (name: string): string => lines.find((l) => l.startsWith(`${name} `))!;
    expect(row('A')).toContain('dA/dx = 2'); // 1 + 1, one entry for the repeated parent
    expect(row('B')).toContain('dB/dA = 3, dB/dx = 6');
    expect(row('x')).toContain('dB/dx = 12'); // 4x
    expect(row('x')).toContain('dB/dA·dA/dx + dB/dB·dB/dx');
  });

  test('keeps user labels and names unlabelled nodes with the letters left over', () => {
    const x = value(0.5, 'A');
    const t = x.mul(2);
    t.label = 'B';
    const names = explain(t.exp().add(x))
      .split('\n')
      .slice(1)
      .map((l) => l.split(' ')[0]);
    expect(names).toEqual(['A', 'B', 'C', 'D']);
  });

  test('walks a chain of 200,000 nodes without overflowing the stack, one line per node', () => {
    const c = 1 + 1e-6;
    let y = value(1.5, 'x');
    for (let i = 0; i < 200_000; i++) y = y.mul(c);
    const lines = explain(y).split('\n');
    expect(lines).toHaveLength(1 + 200_001); // header, x, and one row per product
    // the leaf's gradient is c^n, assembled through the first product's node A
    expect(lines[1]).toMatch(/^x +leaf +x +1\.5 +dN199974\/dx = 1\.2214 +dN199974\/dA·dA\/dx$/);
  }, 120_000);

  test('rejects something that is not a Value, naming explain', () => {
    expect(() => explain({} as Value)).toThrow(TypeError);
    expect(() => explain({} as Value)).toThrow(/^explain: .*plain object/);
  });
});
