// The Value class and the graph core under it: construction, accumulation, zeroGrad, noGrad, the
// million-node chain, and the errors bad input gets.

import { add, div, mul, noGrad, sub, Value, value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';
import { expectRelClose } from './support/numeric.js';

describe('construction', () => {
  test('a new Value is a leaf with no gradient yet', () => {
    const x = new Value(2.5, 'x');
    expect([x.data, x.grad, x.op, x.parents.length, x.label]).toEqual([2.5, 0, '', 0, 'x']);
    expect(x.gradValue).toBeNull();
    expect(value(-1).label).toBe('');
    expect(value(-1)).toBeInstanceOf(Value);
  });

  test('toString shows the label, data and gradient', () => {
    const x = value(3, 'x');
    x.mul(2).backward();
    expect(String(x)).toBe('Value(x: data=3, grad=2)');
    expect(String(value(1))).toBe('Value(data=1, grad=0)');
  });

  test('grad can be assigned a number, as micrograd resets p.grad = 0', () => {
    const x = value(2);
    x.grad = 5;
    x.mul(3).backward();
    expect(x.grad).toBe(8);
    x.grad = 0;
    expect(x.grad).toBe(0);
    x.grad = -0;
    expect(Object.is(x.grad, -0)).toBe(true);
    x.mul(3).backward();
    expect(x.grad).toBe(3);
  });

  test('data can be updated in place, as optimizers do, and the next pass sees it', () => {
    const w = value(1);
    w.data -= 0.5;
    const y = w.mul(w);
    y.backward();
    expect(y.data).toBe(0.25);
    expect(w.grad).toBe(1);
  });
});

describe('backward', () => {
  test('gives every node below the root its gradient, the root itself 1', () => {
    const x = value(0.5);
    const t = x.mul(x);
    const u = t.exp();
    const y = u.add(x);
    y.backward();
    expect(y.grad).toBe(1);
    expect(u.grad).toBe(1);
    expect(t.grad).toBe(Math.exp(0.25));
    expectRelClose(x.grad, 2 * 0.5 * Math.exp(0.25) + 1, 1e-15);
  });

  test('called twice accumulates: every gradient, the leaf and intermediate nodes alike, doubles exactly', () => {
    const x = value(0.7);
    const t = x.mul(x).tanh();
    const y = t.mul(x).sigmoid().add(t.log());
    y.backward();
    const [gx, gt] = [x.grad, t.grad];
    expect(gx).not.toBe(0);
    y.backward();
    expect(x.grad).toBe(2 * gx);
    expect(t.grad).toBe(2 * gt);
    expect(y.grad).toBe(2);
  });

  test('backward from two different roots sums their gradients in the shared leaves', () => {
    const x = value(2);
    x.mul(x).backward(); // 2x = 4
    x.pow(3).backward(); // 3x² = 12
    expect(x.grad).toBe(16);
  });

  test('zeroGrad resets a gradient to 0, and the next pass starts from there', () => {
    const x = value(3);
    const y = x.mul(x);
    y.backward();
    y.backward();
    expect(x.grad).toBe(12);
    x.zeroGrad();
    expect(x.grad).toBe(0);
    expect(x.gradValue).toBeNull();
    y.backward();
    expect(x.grad).toBe(6);
  });

  test('a leaf that the root does not depend on keeps gradient 0', () => {
    const x = value(1);
    const unused = value(5);
    x.exp().backward();
    expect(unused.grad).toBe(0);
  });

  test('backprops through a chain of 1,000,000 nodes without a stack overflow, with the right gradient', () => {
    const x = value(1.5);
    const c = 1 + 1e-6;
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.mul(c);
    y.backward();
    // y = x·c^n, dy/dx = c^n ≈ e; a million roundings cost at most about 1e-10 relative
    expectRelClose(x.grad, c ** 1_000_000, 1e-9);
    expectRelClose(y.data, 1.5 * c ** 1_000_000, 1e-9);
  });

  test('backprops through a deep chain that alternates ops, each with the derivative it should have', () => {
    const x = value(0.3);
    let y = x;
    for (let i = 0; i < 200_000; i++) y = i % 2 === 0 ? y.add(0.5).tanh() : y.sub(0.1);
    y.backward();
    // the same recurrence by hand: dy/dx is the product of tanh'(·) over the steps
    let v = 0.3;
    let dv = 1;
    for (let i = 0; i < 200_000; i++) {
      if (i % 2 === 0) {
        v = Math.tanh(v + 0.5);
        dv *= 1 - v * v;
      } else v -= 0.1;
    }
    expect(y.data).toBe(v);
    expectRelClose(x.grad, dv, 1e-9, 1e-300);
  });
});

describe('noGrad', () => {
  test('records no parents and no op inside, and returns what the function returns', () => {
    const w = value(2);
    const y = noGrad(() => w.mul(3).exp());
    expect(y.op).toBe('');
    expect(y.parents).toHaveLength(0);
    expect(y.data).toBe(Math.exp(6));
    y.backward();
    expect(w.grad).toBe(0);
  });

  test('switches recording back on afterwards, even when the function throws', () => {
    const w = value(-1);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    noGrad(() => w.add(1));
    const y = w.mul(w);
    expect(y.parents).toEqual([w, w]);
  });

  test('an update inside noGrad, as an optimizer makes, records nothing', () => {
    const w = value(1);
    w.mul(w).backward();
    const updated = noGrad(() => w.sub(w.gradValue!.mul(0.1)));
    expect(updated.data).toBe(0.8);
    expect(updated.op).toBe('');
    expect(updated.parents).toHaveLength(0);
  });
});

describe('errors', () => {
  const tensorLike = new (class Tensor {
    shape = [2, 3];
  })();
  const bad: [string, unknown, RegExp][] = [
    ['a string', '2', /the string "2"/],
    ['an object', { data: 1 }, /a plain object/],
    ['undefined', undefined, /undefined/],
    ['null', null, /null/],
    ['a Tensor-like object', tensorLike, /a Tensor/],
    ['an array', [1], /an array/],
  ];

  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    for (const [what, operand, got] of bad) {
      test(`${op} rejects ${what} with a TypeError naming ${op} and what it got`, () => {
        const x = value(1);
        const call = (): unknown => (x[op] as (o: unknown) => Value)(operand);
        expect(call).toThrow(TypeError);
        expect(call).toThrow(new RegExp(`^${op}: `));
        expect(call).toThrow(got);
      });
    }
  }

  test('the free functions reject a bad operand on either side, naming the op', () => {
    const fns = { add, sub, mul, div } as Record<string, (a: unknown, b: unknown) => Value>;
    for (const [name, fn] of Object.entries(fns)) {
      expect(() => fn('1', value(2))).toThrow(new RegExp(`^${name}: .*the string "1"`));
      expect(() => fn(value(2), {})).toThrow(new RegExp(`^${name}: .*a plain object`));
      expect(() => fn(tensorLike, 1)).toThrow(new RegExp(`^${name}: .*a Tensor`));
      expect(() => fn(1, 2)).toThrow(TypeError);
      expect(() => fn(1, 2)).toThrow(new RegExp(`^${name}: .*two numbers`));
    }
  });

  test('pow rejects an exponent that is not a number or a Value with a TypeError naming pow', () => {
    const x = value(2);
    for (const [e, got] of [
      ['2', /the string "2"/],
      [undefined, /undefined/],
    ] as [unknown, RegExp][]) {
      const call = (): Value => x.pow(e as number);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/^pow: /);
      expect(call).toThrow(got);
    }
  });

  test('log of a negative number is a RangeError naming log and the value', () => {
    const call = (): Value => value(-2).log();
    expect(call).toThrow(RangeError);
    expect(call).toThrow(/^log: .*-2/);
  });

  test('a fractional power of a negative base is a RangeError naming pow, while integer powers work', () => {
    const call = (): Value => value(-8).pow(1 / 3);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(/^pow: .*-8/);
    expect(value(-8).pow(-3).data).toBe(-1 / 512);
  });

  test('a Value must be constructed from a number, and its label must be a string', () => {
    expect(() => new Value('1' as unknown as number)).toThrow(TypeError);
    expect(() => new Value('1' as unknown as number)).toThrow(/^value: .*the string "1"/);
    expect(() => value(1, 2 as unknown as string)).toThrow(/^value: .*label.*the number 2/);
    expect(() => {
      value(1).grad = '0' as unknown as number;
    }).toThrow(/^grad: /);
  });
});
