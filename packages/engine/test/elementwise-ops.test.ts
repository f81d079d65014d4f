// Every declared elementwise op, drawn from the table: values against a 200-bit reference, gradients
// against finite differences (first and second order), Value and Tensor alike, both backward passes
// alike, and the TypeScript kernel equal to the declaration's scalar function.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ElementwiseOpName,
  grad,
  gradcheck,
  type Tensor,
  tensor,
  type Value,
  value,
} from '../src/index.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import { allElementwiseOps, elementwiseOps } from '../src/ops/elementwise/index.js';
import reference from './support/elementwise-reference.json' with { type: 'json' };
import { type OpCase, opCases, toDomain } from './support/op-cases.js';

const names = Object.keys(elementwiseOps) as ElementwiseOpName[];

/** Calls method `name` on `a` (with `b` for a binary op) and the case's arguments. */
function call<T extends Value | Tensor>(name: ElementwiseOpName, args: readonly unknown[], a: T, b?: T): T {
  const method = (a as unknown as Record<string, (...xs: unknown[]) => T>)[name]!;
  return method.apply(a, b === undefined ? [...args] : [b, ...args]);
}

const argLists = (c: OpCase): readonly (readonly unknown[])[] => c.args ?? [[]];
const label = (name: string, args: readonly unknown[]): string =>
  args.length === 0 ? name : `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`;

/** Ops built from several roundings, held to a looser bound than the single-function ones. */
const COMPOSITE = new Set(['gelu', 'silu', 'softplus', 'elu', 'clamp']);

describe('values against a 200-bit reference (mpmath, test/support/elementwise-reference.py)', () => {
  test('the reference covers every op', () => {
    expect(new Set(reference.map((c) => c.op))).toEqual(new Set(names));
  });
  for (const c of reference) {
    test(`${label(c.op, c.args)} at ${c.points.length} points, on Value and on Tensor`, () => {
      const name = c.op as ElementwiseOpName;
      const tol = COMPOSITE.has(name) ? 1e-13 : 2.5e-16; // about 1 ulp; composites lose digits where 1 + tanh or 1 + erf cancels
      for (const point of c.points) {
        const inputs = point.slice(0, -1) as number[];
        const expected = point[point.length - 1]!;
        const onValue = call(
          name,
          c.args,
          value(inputs[0]!),
          inputs.length > 1 ? value(inputs[1]!) : undefined,
        );
        const onTensor = call(
          name,
          c.args,
          tensor([inputs[0]!]),
          inputs.length > 1 ? tensor([inputs[1]!]) : undefined,
        );
        expect(Math.abs(onValue.data - expected), `${name}(${inputs})`).toBeLessThanOrEqual(
          tol * Math.abs(expected),
        );
        expect(Object.is(onTensor.data[0], onValue.data), `${name}(${inputs}) Tensor`).toBe(true);
      }
    });
  }
});

/** Random inputs inside an op's domain, as plain numbers. */
const raw = fc.double({ min: -2, max: 2, noNaN: true });

/** The ops declared without a derivative (the comparisons): their outputs are constants. */
const constantOps = names.filter((name) => elementwiseOps[name].derivative === null);
const differentiable = names.filter((name) => elementwiseOps[name].derivative !== null);

describe.each(constantOps)('%s, declared without a derivative', (name) => {
  const c = opCases[name];
  const binary = c.inputs.length === 2;
  test(`${name}: gives a constant on Value and Tensor alike, with the same bits, and no gradient flows`, () => {
    fc.assert(
      fc.property(raw, raw, (x0, y0) => {
        const [x, y] = [x0, y0].map((v, i) => toDomain(c.inputs[i] ?? 'any', v)) as [number, number];
        const va = value(x);
        const vb = value(y);
        const out = binary ? call(name, [], va, vb) : call(name, [], va);
        expect(out.op).toBe('');
        expect(out.parents).toEqual([]);
        const ta = tensor([x], { requiresGrad: true });
        const tb = tensor([y], { requiresGrad: true });
        const tout = binary ? call(name, [], ta, tb) : call(name, [], ta);
        expect(tout.requiresGrad).toBe(false);
        expect(Object.is(tout.data[0], out.data)).toBe(true);
        // through a product with a constant: the inputs take no gradient on either backward pass
        const y1 = va.mul(out).add(vb.mul(0));
        y1.backward();
        expect([va.grad, vb.grad]).toEqual([out.data, 0]);
      }),
      { numRuns: 30 },
    );
  });
});

describe.each(differentiable)('%s', (name) => {
  const c = opCases[name];
  const binary = c.inputs.length === 2;
  const inputs = (xs: number[]): number[] => xs.map((x, i) => toDomain(c.inputs[i] ?? 'any', x));
  for (const args of argLists(c)) {
    const op = label(name, args);
    const f = (a: Value, b?: Value): Value => call(name, args, a, b);

    test(`${op}: gradients match finite differences on tensors`, () => {
      fc.assert(
        fc.property(
          fc.array(raw, { minLength: 3, maxLength: 3 }),
          fc.array(raw, { minLength: 3, maxLength: 3 }),
          (xs, ys) => {
            const a = tensor(
              xs.map((x) => toDomain(c.inputs[0], x)),
              { requiresGrad: true },
            );
            const b = tensor(
              ys.map((y) => toDomain(c.inputs[1] ?? 'any', y)),
              { requiresGrad: true },
            );
            const report = binary
              ? gradcheck(
                  (p: Tensor, q: Tensor) =>
                    call(name, args, p, q)
                      .mul(tensor([1, -2, 0.5]))
                      .sum(),
                  [a, b],
                  { rtol: 1e-5, atol: 1e-7 },
                )
              : gradcheck(
                  (p: Tensor) =>
                    call(name, args, p)
                      .mul(tensor([1, -2, 0.5]))
                      .sum(),
                  [a],
                  { rtol: 1e-5, atol: 1e-7 },
                );
            expect(report.ok, JSON.stringify(report.worst)).toBe(true);
          },
        ),
        { numRuns: 15 },
      );
    });

    test(`${op}: second derivatives match finite differences of the first`, () => {
      fc.assert(
        fc.property(raw, raw, (x0, y0) => {
          const [x, y] = inputs([x0, y0]);
          // d/dx of the gradient, with the other operand (if any) held fixed
          const df = grad((v: Value) => (binary ? f(v, value(y!)) : f(v)));
          const d2 = grad((v: Value) => df(v))(value(x!)).data;
          const h = 1e-5 * Math.max(1, Math.abs(x!));
          const fd = (df(value(x! + h)).data - df(value(x! - h)).data) / (2 * h);
          expect(Math.abs(d2 - fd), `${op} at ${x}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
        }),
        { numRuns: 15 },
      );
    });

    test(`${op}: Value and a 1-element Tensor agree bit for bit, and both Value backward passes too`, () => {
      fc.assert(
        fc.property(raw, raw, (x0, y0) => {
          const [x, y] = inputs([x0, y0]);
          const va = value(x!);
          const vb = value(y!);
          const out = binary ? f(va, vb) : f(va);
          out.mul(out).backward();
          const numeric = [va.grad, vb.grad];
          const ra = value(x!);
          const rb = value(y!);
          const rout = binary ? f(ra, rb) : f(ra);
          rout.mul(rout).backward({ createGraph: true });
          expect([ra.grad, rb.grad]).toEqual(numeric);
          const ta = tensor([x!], { requiresGrad: true });
          const tb = tensor([y!], { requiresGrad: true });
          const tout = call(name, args, ta, binary ? tb : undefined);
          tout.mul(tout).sum().backward();
          expect(Object.is(tout.data[0], out.data)).toBe(true);
          expect(Object.is(ta.grad!.data[0], va.grad)).toBe(true);
          if (binary) expect(Object.is(tb.grad!.data[0], vb.grad)).toBe(true);
        }),
        { numRuns: 30 },
      );
    });
  }
});

/** Every value that tests a mask or a sign: ±0, ±∞, NaN, tiny and huge, and ordinary numbers. */
const specials = [0, -0, 1, -1, 0.5, -2.5, 1e-310, -1e-310, 1e308, -1e308, Infinity, -Infinity, Number.NaN];

describe('the TypeScript kernel computes each declaration’s scalar function, bit for bit', () => {
  for (const [name, d] of Object.entries(allElementwiseOps)) {
    const c = opCases[name as ElementwiseOpName];
    const params =
      c?.args?.[0] !== undefined && d.params ? (d.params as (...a: unknown[]) => never)(...c.args[0]) : {};
    test(`${name}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.double(), fc.constantFrom(...specials)), { minLength: 1, maxLength: 40 }),
          (xs) => {
            const x = Float64Array.from(xs);
            const y = Float64Array.from(xs.slice().reverse());
            const out = new Float64Array(x.length);
            if (d.arity === 1) {
              tsKernels.unary(name as never, x, out, params);
              xs.forEach((v, i) => {
                expect(Object.is(out[i], d.f(v, params)), `${name}(${v})`).toBe(true);
              });
            } else {
              tsKernels.binary(name as never, x, [x.length], y, [y.length], out, [x.length], params);
              xs.forEach((v, i) => {
                expect(Object.is(out[i], d.f(v, y[i]!, params)), `${name}(${v}, ${y[i]})`).toBe(true);
              });
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  }
});
