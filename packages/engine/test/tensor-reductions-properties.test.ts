// prod, var, std, norm, argmin, cumsum and logcumsumexp on random shapes: against a plain-number
// reference, gradcheck (to the second order for prod, zeros drawn), forward mode (jvp = J·v), and the
// ts and wasm backends bit for bit. A failure prints its seed: rerun with FC_SEED=<seed>.

import { getBackend, grad, jacobian, jvp, setBackend, type Tensor } from '@chainrule/engine';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { hasSimd } from '../src/kernels/wasm/index.js';
import { expectClose } from './support/numeric.js';
import {
  caseArb,
  distinctMagnitudes,
  expectGradcheck,
  expectReference,
  expectSecondOrder,
  make,
  positiveAxis,
  reference,
  scalarize,
  slices,
} from './support/reductions.js';
import { awayFromZeroArb, fcParams, valuesArb, weightsFor } from './support/tensors.js';

// ---- random shapes against the plain-number reference -------------------------------------------

describe('against a plain-number reference on random shapes', () => {
  test('prod, norm and argmin', () => {
    fc.assert(
      fc.property(caseArb(), ({ x, axis, keepDims }) => {
        expectReference(x.prod(axis, keepDims), x, axis, keepDims, reference.prod);
        expectReference(x.norm(1, axis, keepDims), x, axis, keepDims, reference.norm1);
        expectReference(x.norm(2, axis, keepDims), x, axis, keepDims, reference.norm2);
        expectReference(
          x.norm(Number.POSITIVE_INFINITY, axis, keepDims),
          x,
          axis,
          keepDims,
          reference.normInf,
        );
        expectReference(x.argmin(axis), x, axis, false, reference.argmin, { rtol: 0, atol: 0 });
      }),
      fcParams(100),
    );
  });

  test('var and std with correction 0 and 1, refused exactly when n - correction <= 0', () => {
    fc.assert(
      fc.property(caseArb(), fc.constantFrom(0, 1), ({ x, axis, keepDims }, correction) => {
        const ax = positiveAxis(axis, x.ndim);
        const n = ax === null ? x.size : x.shape[ax]!;
        if (n - correction <= 0) {
          expect(() => x.var(axis, { correction, keepDims })).toThrow(RangeError);
          return;
        }
        const v = (xs: number[]) => reference.variance(xs, correction);
        expectReference(x.var(axis, { correction, keepDims }), x, axis, keepDims, v);
        expectReference(x.std(axis, { correction, keepDims }), x, axis, keepDims, (xs) => Math.sqrt(v(xs)));
      }),
      fcParams(100),
    );
  });

  test('logcumsumexp, against a running log-add-exp', () => {
    fc.assert(
      fc.property(
        caseArb((n) => valuesArb(n, -50, 50)),
        ({ x, axis }) => {
          const ax = positiveAxis(axis ?? -1, x.ndim) ?? 0;
          const expected = new Float64Array(x.size);
          for (const s of slices(x.shape, x.ndim === 0 ? null : ax)) {
            let total = Number.NEGATIVE_INFINITY;
            for (const i of s) {
              const m = Math.max(total, x.data[i]!);
              expected[i] = total = m + Math.log(Math.exp(total - m) + Math.exp(x.data[i]! - m));
            }
          }
          const out = x.logcumsumexp(axis ?? -1);
          expect(out.shape).toEqual(x.shape);
          expectClose(out.data, expected, { rtol: 1e-13, atol: 1e-13 });
        },
      ),
      fcParams(100),
    );
  });

  test('cumsum, exactly', () => {
    fc.assert(
      fc.property(caseArb(), ({ x, axis }) => {
        const ax = positiveAxis(axis ?? -1, x.ndim) ?? 0;
        const expected = new Float64Array(x.size);
        for (const s of slices(x.shape, x.ndim === 0 ? null : ax)) {
          let total = 0;
          for (const i of s) expected[i] = total += x.data[i]!;
        }
        const out = x.cumsum(axis ?? -1);
        expect(out.shape).toEqual(x.shape);
        expect(Array.from(out.data)).toEqual(Array.from(expected));
        // the last running total is the sum, bit for bit
        if (x.ndim > 0 && x.shape[ax]! > 0) {
          const last = out.slice(...x.shape.map((_, d) => (d === ax ? -1 : null)));
          expect(Array.from(last.data)).toEqual(Array.from(x.sum(ax).data));
        }
      }),
      fcParams(100),
    );
  });
});

// ---- gradients on random inputs -----------------------------------------------------------------

/** `n` values in [-2, 2], about half of them exactly 0: prod's gradients with one, two or more zeros. */
const withZeros = (n: number) =>
  fc.array(fc.oneof(fc.constant(0), fc.double({ min: -2, max: 2, noNaN: true })), {
    minLength: n,
    maxLength: n,
  });

describe('gradcheck on random shapes', () => {
  test('prod (zeros drawn too), var, std, 2-norm and cumsum', () => {
    fc.assert(
      fc.property(caseArb(withZeros), ({ x, axis, keepDims }) => {
        expectGradcheck((t) => t.prod(axis, keepDims), x);
        expectGradcheck((t) => t.cumsum(axis ?? 0), x);
      }),
      fcParams(40),
    );
    fc.assert(
      fc.property(caseArb(distinctMagnitudes), ({ x, axis, keepDims }) => {
        const ax = positiveAxis(axis, x.ndim);
        const n = ax === null ? x.size : x.shape[ax]!;
        if (n >= 2) {
          expectGradcheck((t) => t.var(axis, keepDims), x);
          expectGradcheck((t) => t.std(axis, { keepDims, correction: 0 }), x);
        }
        expectGradcheck((t) => t.norm(2, axis, keepDims), x);
        expectGradcheck((t) => t.norm(Number.POSITIVE_INFINITY, axis, keepDims), x);
        expectGradcheck((t) => t.logcumsumexp(axis ?? 0), x);
      }),
      fcParams(40),
    );
    fc.assert(
      fc.property(caseArb(awayFromZeroArb), ({ x, axis, keepDims }) => {
        expectGradcheck((t) => t.norm(1, axis, keepDims), x);
      }),
      fcParams(25),
    );
  });

  test('second order of prod on random shapes with zeros', () => {
    fc.assert(
      fc.property(caseArb(withZeros), ({ x, axis, keepDims }) => {
        expectSecondOrder((t) => t.prod(axis, keepDims), x);
      }),
      fcParams(25),
    );
  });
});

// ---- forward mode and backends ------------------------------------------------------------------

/** Each new op as a function of one [3, 4] tensor. */
const OPS: Record<string, (x: Tensor) => Tensor> = {
  prod: (x) => x.prod(1),
  prodAll: (x) => x.prod(),
  var: (x) => x.var(0),
  std: (x) => x.std(-1, { correction: 0, keepDims: true }),
  norm1: (x) => x.norm(1, 1),
  norm2: (x) => x.norm(2, 0),
  normInf: (x) => x.norm(Number.POSITIVE_INFINITY, 1),
  cumsum: (x) => x.cumsum(1),
  cumsum0: (x) => x.cumsum(0).mul(x),
  logcumsumexp: (x) => x.logcumsumexp(1),
  logcumsumexp0: (x) => x.logcumsumexp(-2),
};

describe('forward mode', () => {
  test.each(Object.keys(OPS))('jvp of %s equals the Jacobian times v', (name) => {
    const f = OPS[name]!;
    const x = make(
      [3, 4],
      Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 0 : Math.sin(i + 1) * 2)),
    );
    const withZeros = name.startsWith('prod');
    const at = withZeros ? x : x.add(make([3, 4], weightsFor(12)));
    const v = make(
      [3, 4],
      Array.from({ length: 12 }, (_, i) => Math.cos(3 * i)),
    );
    const [y, dy] = jvp(f, [at], [v]) as [Tensor, Tensor];
    const J = jacobian(f)(at);
    expect(J.shape).toEqual([...y.shape, 3, 4]);
    const jv = J.reshape([y.size, 12]).matmul(v.reshape([12]));
    expectClose(dy.data, jv.data, { rtol: 1e-12, atol: 1e-12 });
    expect(dy.shape).toEqual(y.shape);
  });
});

describe('backends', () => {
  const initial = getBackend();
  afterEach(() => setBackend(initial));

  test.skipIf(!hasSimd())(
    'ts and wasm give the same bits for values, gradients and second-order gradients',
    () => {
      // 40×50: large enough for the wasm elementwise kernels to run
      const data = Array.from({ length: 2000 }, (_, i) => (i % 17 === 0 ? 0 : Math.sin(i * 1.3) * 1.5));
      const run = (backend: 'ts' | 'wasm', f: (x: Tensor) => Tensor): number[] => {
        setBackend(backend);
        const x = make([40, 50], data);
        const y = f(x);
        const g = grad((t: Tensor) => scalarize(f(t)))(x);
        const gg = grad((t: Tensor) => scalarize(grad((u: Tensor) => scalarize(f(u)))(t)))(x);
        return [...y.data, ...g.data, ...gg.data];
      };
      for (const [name, f] of Object.entries(OPS)) {
        const ts = run('ts', f);
        const wasm = run('wasm', f);
        expect(wasm.length).toBe(ts.length);
        const differing = ts.findIndex((v, i) => !Object.is(v, wasm[i]));
        expect(differing, `${name}: element ${differing} differs`).toBe(-1);
      }
      const argmins = (['ts', 'wasm'] as const).map((b) => {
        setBackend(b);
        return make([40, 50], data).argmin(1).toArray();
      });
      expect(argmins[1]).toEqual(argmins[0]);
    },
  );
});
