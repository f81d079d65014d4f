// The gradients the declarations pick at kinks and domain edges (PyTorch's), on Value and Tensor
// alike, and the errors for inputs outside a domain and for bad parameters.

import { describe, expect, test } from 'vitest';
import { atan2, grad, hessian, pow, type Tensor, tensor, type Value, value } from '../src/index.js';
import { allElementwiseOps } from '../src/ops/elementwise/index.js';

/** d f / d x at x, on a Value and on a 1-element Tensor (the two must agree exactly). */
function slope(f: (x: Value | Tensor) => Value | Tensor, x: number): number {
  const v = value(x);
  (f(v) as Value).backward();
  const t = tensor([x], { requiresGrad: true });
  (f(t) as Tensor).sum().backward();
  expect(Object.is(t.grad!.data[0], v.grad), `Value ${v.grad} and Tensor ${t.grad!.data[0]} differ`).toBe(
    true,
  );
  return v.grad;
}

type Unary = (x: Value | Tensor) => Value | Tensor;
const m = <K extends string>(name: K, ...args: unknown[]): Unary =>
  ((x: Value | Tensor) =>
    (x as unknown as Record<K, (...a: unknown[]) => Value | Tensor>)[name](...args)) as Unary;

describe('derivatives at kinks and domain edges', () => {
  const cases: [string, Unary, number, number][] = [
    ["abs'(0) = 0", m('abs'), 0, 0],
    ["sign'(0) = 0", m('sign'), 0, 0],
    ["sign'(2) = 0", m('sign'), 2, 0],
    ["relu'(0) = 0", m('relu'), 0, 0],
    ["leakyRelu'(0) = the slope", m('leakyRelu'), 0, 0.01],
    ["leakyRelu(0.2)'(-1) = 0.2", m('leakyRelu', 0.2), -1, 0.2],
    ["elu'(0) = alpha", m('elu'), 0, 1],
    ["elu(0.5)'(0) = 0.5", m('elu', 0.5), 0, 0.5],
    ["sqrt'(0) = +Infinity", m('sqrt'), 0, Infinity],
    ["rsqrt'(0) = -Infinity", m('rsqrt'), 0, -Infinity],
    ["log'(0) = +Infinity", m('log'), 0, Infinity],
    ["log1p'(-1) = +Infinity", m('log1p'), -1, Infinity],
    ["asin'(1) = +Infinity", m('asin'), 1, Infinity],
    ["asin'(-1) = +Infinity", m('asin'), -1, Infinity],
    ["acos'(1) = -Infinity", m('acos'), 1, -Infinity],
    ["acos'(-1) = -Infinity", m('acos'), -1, -Infinity],
    ['clamp(0, 1) at the lower bound: 1', m('clamp', 0, 1), 0, 1],
    ['clamp(0, 1) at the upper bound: 1', m('clamp', 0, 1), 1, 1],
    ['clamp(0, 1) outside: 0', m('clamp', 0, 1), 1.5, 0],
    ['clamp(null, 1) below: 1', m('clamp', null, 1), -7, 1],
    // an absent (infinite) bound bounds nothing: 1 at an infinite input, as PyTorch (was ∞ - ∞ = NaN)
    ['clamp(0) at +Infinity: 1', m('clamp', 0), Infinity, 1],
    ['clamp(null, 0) at -Infinity: 1', m('clamp', null, 0), -Infinity, 1],
    ['clamp(-Infinity, Infinity) at +Infinity: 1', m('clamp', -Infinity, Infinity), Infinity, 1],
    ['clamp(0) at -Infinity: 0', m('clamp', 0), -Infinity, 0],
    ['clamp(null, 1) at +Infinity: 0', m('clamp', null, 1), Infinity, 0],
    ["clamp(0)'(NaN) is NaN", m('clamp', 0), Number.NaN, Number.NaN],
    ['softplus above its threshold: exactly 1', m('softplus'), 25, 1],
    ["pow(x, 0)' at 0 = 0, not 0·∞", m('pow', 0), 0, 0],
    ["relu'(NaN) is NaN, not a plausible 0", m('relu'), Number.NaN, Number.NaN],
  ];
  for (const [name, f, x, expected] of cases) {
    test(name, () => {
      expect(slope(f, x)).toBe(expected);
    });
  }

  test('maximum and minimum split a tie, 1/2 each', () => {
    for (const op of ['maximum', 'minimum'] as const) {
      const a = value(2);
      const b = value(2);
      a[op](b).backward();
      expect([a.grad, b.grad]).toEqual([0.5, 0.5]);
      const ta = tensor([2], { requiresGrad: true });
      const tb = tensor([2], { requiresGrad: true });
      ta[op](tb).sum().backward();
      expect([ta.grad!.item(), tb.grad!.item()]).toEqual([0.5, 0.5]);
    }
  });

  test('a Value exponent at a zero base takes the gradient 0 (the limit), as PyTorch', () => {
    const e = value(2);
    value(0).pow(e).backward();
    expect(e.grad).toBe(0);
    const te = tensor([2], { requiresGrad: true });
    tensor([0]).pow(te).sum().backward();
    expect(te.grad!.item()).toBe(0);
  });

  test("pow at an exponent of 0: ∂a is 0, and constant in the exponent too, as PyTorch's where(b == 0, 0, ·)", () => {
    for (const a of [0.5, 3]) {
      // [[∂²/∂a², ∂²/∂a∂b], [∂²/∂b∂a, ∂²/∂b²]] of a^b at b = 0: ∂b = a^b·ln a gives ln(a)² and 1/a
      // for ∂²/∂b∂a; ∂a = 0 on the whole line b = 0, so its derivatives are 0
      const h = hessian((x: Value, y: Value) => x.pow(y), { argnums: [0, 1] })(a, 0);
      expect(h).toEqual([
        [0, 0],
        [1 / a, Math.log(a) ** 2],
      ]);
      const t = hessian((x: Tensor) =>
        x
          .slice([0, 1])
          .pow(x.slice([1, 2]))
          .sum(),
      )(tensor([a, 0]));
      expect(t.toArray()).toEqual(h);
    }
    for (const a of [-2, 0, 0.5]) {
      const base = value(a);
      base.pow(value(0)).backward();
      expect(Object.is(base.grad, 0), `∂a at a = ${a} is ${base.grad}`).toBe(true);
    }
  });

  test('atan2 at the origin has the gradients 0 and -0, as PyTorch 2.x (not 0·∞)', () => {
    const y = value(0);
    const x = value(0);
    atan2(y, x).backward();
    expect([y.grad, x.grad]).toEqual([0, -0]);
    const ty = tensor([0, -0, 3], { requiresGrad: true });
    const tx = tensor([0, 0, 4], { requiresGrad: true });
    atan2(ty, tx).sum().backward();
    // away from the origin 1/(x² + y²) exactly: 4/25 and -3/25
    expect(Array.from(ty.grad!.data)).toEqual([0, 0, 4 / 25]);
    expect(Array.from(tx.grad!.data)).toEqual([-0, 0, -3 / 25]);
  });

  test('a zero base with a negative exponent gives the exponent the gradient -Infinity (0^b·ln 0), as PyTorch', () => {
    const te = tensor([-1, 2], { requiresGrad: true });
    tensor([0, 0]).pow(te).sum().backward();
    expect(Array.from(te.grad!.data)).toEqual([Number.NEGATIVE_INFINITY, 0]);
    const e = value(-1);
    pow(0, e).backward();
    expect(e.grad).toBe(Number.NEGATIVE_INFINITY);
  });

  test("pow at infinite and NaN exponents is C's pow (PyTorch's), on Values and Tensors alike", () => {
    const inf = Number.POSITIVE_INFINITY;
    // [base, exponent, PyTorch 2.13's value]; JavaScript's ** gives NaN for 1^±∞, 1^NaN and (-1)^±∞
    const cases: [number, number, number][] = [
      [2, inf, inf],
      [1, inf, 1],
      [1, -inf, 1],
      [1, Number.NaN, 1],
      [-1, inf, 1],
      [-1, -inf, 1],
      [-2, inf, inf],
      [-0.5, inf, 0],
      [-inf, 0.5, inf],
      [-inf, 3, -inf],
      [0, -inf, inf],
      [2, Number.NaN, Number.NaN],
      [Number.NaN, 0, 1],
    ];
    for (const [a, b, expected] of cases) {
      const got = [
        value(a).pow(value(b)).data,
        value(a).pow(b).data,
        pow(a, value(b)).data,
        tensor([a]).pow(tensor([b])).data[0],
        tensor([a]).pow(b).data[0],
      ];
      expect(got, `${a}^${b}`).toEqual(got.map(() => expected));
    }
    // the gradients of Value and Tensor agree there too (∂a of 1^∞ is ∞·1 = ∞, ∂b 1·ln 1 = 0, as PyTorch)
    const v = [value(1), value(inf)];
    v[0]!.pow(v[1]!).backward();
    const t = [tensor([1], { requiresGrad: true }), tensor([inf], { requiresGrad: true })];
    t[0]!.pow(t[1]!).sum().backward();
    expect([v[0]!.grad, v[1]!.grad]).toEqual([inf, 0]);
    expect([t[0]!.grad!.data[0], t[1]!.grad!.data[0]]).toEqual([inf, 0]);
    // a finite negative base to a finite non-integer power is still refused, everywhere
    expect(() => value(-2).pow(0.5)).toThrow(/^pow: a negative base -2 has no real power 0.5/);
    expect(() => tensor([-inf, -2]).pow(0.5)).toThrow(
      /^pow: a negative base -2 \(element 1\) has no real power 0.5/,
    );
    expect(() => tensor([-2]).pow(tensor([0.5]))).toThrow(
      /^pow: element 0 raises a negative base to a non-integer power/,
    );
  });

  test('pow(2, x) differentiates the exponent: 2^x·ln 2', () => {
    const x = value(3);
    pow(2, x).backward();
    expect(x.grad).toBeCloseTo(8 * Math.LN2, 15);
    expect(grad((t: Value) => pow(2, t))(value(3)).data).toBe(x.grad);
  });

  test('detach cuts the graph: no gradient flows through the detached copy', () => {
    const x = value(3);
    const y = x.mul(x.detach());
    expect(y.parents.length).toBe(2);
    y.backward();
    expect(x.grad).toBe(3);
  });
});

describe('errors', () => {
  test('an input outside the domain is a RangeError naming the op, on Value and Tensor', () => {
    for (const [op, x, text] of [
      ['sqrt', -1, 'x >= 0'],
      ['rsqrt', -1, 'x >= 0'],
      ['log2', -1, 'x >= 0'],
      ['log10', -1, 'x >= 0'],
      ['log1p', -2, 'x >= -1'],
      ['asin', 1.5, '-1 <= x <= 1'],
      ['acos', -1.5, '-1 <= x <= 1'],
    ] as const) {
      expect(() => m(op)(value(x))).toThrow(
        new RangeError(`${op}: ${x} is outside the domain of ${op} (${text})`),
      );
      expect(() => m(op)(tensor([0.5, x]))).toThrow(
        new RangeError(`${op}: element 1 is ${x}, outside the domain of ${op} (${text})`),
      );
    }
  });

  test('NaN passes every domain check and propagates', () => {
    expect(value(Number.NaN).sqrt().data).toBeNaN();
    expect(tensor([Number.NaN]).asin().item()).toBeNaN();
  });

  test("a domain's bounds (a tensor's check) accept exactly what its ok accepts (a Value's check)", () => {
    const edges = [-2, -1.5, -1, -0.5, -0, 0, 0.5, 1, 1.5, 2, Number.NaN, Number.POSITIVE_INFINITY];
    const xs = [...edges, Number.NEGATIVE_INFINITY, -Number.MIN_VALUE, Number.MIN_VALUE];
    for (const [name, d] of Object.entries(allElementwiseOps)) {
      if (d.domain === undefined) continue;
      const { ok, min, max } = d.domain;
      for (const x of xs) expect([name, x, ok(x)]).toEqual([name, x, !(x < min || x > max)]);
    }
  });

  test('bad parameters are TypeErrors naming the op', () => {
    expect(() => value(1).clamp()).toThrow(new TypeError('clamp: needs a min or a max bound, got neither'));
    expect(() => tensor([1]).clamp(null, null)).toThrow(/^clamp: needs a min or a max/);
    expect(() => value(1).clamp('0' as never)).toThrow(/^clamp: min must be a number, null or undefined/);
    expect(() => value(1).leakyRelu(Number.NaN)).toThrow(
      /^leakyRelu: slope must be a finite number, got the number NaN/,
    );
    expect(() => value(1).elu('1' as never)).toThrow(/^elu: alpha must be a finite number/);
    expect(() => tensor([1]).gelu({ approximate: 'erf' as never })).toThrow(
      /^gelu: approximate must be 'none' or 'tanh'/,
    );
    expect(() => value(1).atan2('x' as never)).toThrow(/^atan2: expected a Value or a number/);
    expect(() => tensor([1]).maximum([1] as never)).toThrow(/^maximum: expected a Tensor or a number/);
  });
});
