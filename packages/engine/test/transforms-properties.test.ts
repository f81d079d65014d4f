// Properties of the transformations over random expression DAGs of several Values and random Tensor
// programs: forward and reverse mode agree, jvp and vjp are adjoint, Hessians are symmetric and match
// finite differences of the gradient, hvp is H·v.

import { grad, hessian, hvp, jacobian, jvp, Tensor, tensor, type Value, vjp } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { centralDiff, expectClose } from './support/numeric.js';
import { programArbitrary, runProgram } from './support/programs.js';
import { engineAlgebra, fcParams } from './support/tensors.js';

const values = engineAlgebra<Value>();
const tensors = engineAlgebra<Tensor>();
const tangentArb = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 5, maxLength: 5 });

/** Σ aᵢ·bᵢ over two equally long lists of numbers. */
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('random expression DAGs of several Values', () => {
  test('jvp is Σ ∂f/∂xᵢ·tᵢ, and the forward and reverse Jacobians agree', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 8 }), tangentArb, (program, t) => {
        const f = (...xs: Value[]) => runProgram(values, program, xs);
        const n = program.leaves.length;
        const all = Array.from({ length: n }, (_, i) => i);
        const g = grad(f, { argnums: all })(...program.leaves) as number[];
        const tangents = t.slice(0, n);
        const [, dy] = jvp(f, program.leaves, tangents) as [number, number];
        expectClose(dy, dot(g, tangents), { rtol: 1e-10, atol: 1e-10 });
        const rev = jacobian(f, { argnums: all })(...program.leaves) as number[];
        const fwd = jacobian(f, { argnums: all, mode: 'forward' })(...program.leaves) as number[];
        expectClose(fwd, rev, { rtol: 1e-10, atol: 1e-10 });
        expectClose(rev, g, { rtol: 0, atol: 0 });
      }),
      fcParams(60),
    );
  });

  test('the Hessian is symmetric, matches central differences of grad, and hvp is H·v', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 6 }), tangentArb, (program, t) => {
        const f = (...xs: Value[]) => runProgram(values, program, xs);
        const n = program.leaves.length;
        const all = Array.from({ length: n }, (_, i) => i);
        const H = hessian(f, { argnums: all })(...program.leaves) as number[][];
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            expectClose(H[i]![j]!, H[j]![i]!, { rtol: 1e-9, atol: 1e-9 });
            const dj = centralDiff((x) => {
              const at = program.leaves.map((p, k) => (k === j ? x : p));
              return (grad(f, { argnums: all })(...at) as number[])[i]!;
            }, program.leaves[j]!);
            expectClose(H[i]![j]!, dj, { rtol: 1e-5, atol: 1e-6 });
          }
        }
        const v = t.slice(0, n);
        const hv = hvp(f, program.leaves, v) as number[];
        expectClose(
          hv,
          H.map((row) => dot(row, v)),
          { rtol: 1e-9, atol: 1e-9 },
        );
      }),
      fcParams(25),
    );
  });
});

/** One op after an elementwise program, so every kind of tangent rule is drawn. */
const TAILS: readonly ((y: Tensor, other: Tensor) => Tensor)[] = [
  (y) => y,
  (y) => y.sum(1),
  (y) => y.matmul(tensor([[0.5], [-1], [2]])),
  (y, o) => y.matmul(o.T),
  (y) => y.softmax(1),
  (y) => y.logSumExp(0),
  (y) => y.max(1, true),
  (y) => y.transpose().reshape([3, 2]),
  (y, o) => Tensor.concat([y, o.mul(y)], 0),
  (y) => y.slice(null, [1, 3]),
  (y) => y.mean(),
  (y, o) => y.maximum(o),
];

const tensorProgram = fc.record({
  program: programArbitrary({ maxInstructions: 6 }),
  tail: fc.nat({ max: TAILS.length - 1 }),
  data: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 30, maxLength: 30 }),
  tangents: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 30, maxLength: 30 }),
});

describe('random Tensor programs', () => {
  test('⟨u, J·t⟩ = ⟨Jᵀ·u, t⟩, and the Jacobian is the same in both modes', () => {
    fc.assert(
      fc.property(tensorProgram, ({ program, tail, data, tangents }) => {
        const n = Math.min(program.leaves.length, 4);
        // leaves of shape [2, 3]: leaf k holds data[6k .. 6k + 6], nudged so no two elements tie
        const leaves = Array.from({ length: n }, (_, k) =>
          tensor(
            data.slice(6 * k, 6 * k + 6).map((x, i) => x + i * 1e-3),
            { shape: [2, 3] },
          ),
        );
        const f = (...xs: Tensor[]) => TAILS[tail]!(runProgram(tensors, program, xs), xs[0]!);
        const ts = Array.from({ length: n }, (_, k) =>
          tensor(tangents.slice(6 * k, 6 * k + 6), { shape: [2, 3] }),
        );
        const [y, dy] = jvp(f, leaves, ts) as [Tensor, Tensor];
        const u = tensor(
          Array.from(y.data, (_, i) => Math.cos(i + 1)),
          { shape: y.shape },
        );
        const [, pullback] = vjp(f, ...leaves);
        const back = pullback(u) as Tensor[];
        const left = dot(Array.from(u.data), Array.from(dy.data));
        const right = back.reduce((s, b, k) => s + dot(Array.from(b.data), Array.from(ts[k]!.data)), 0);
        expectClose(left, right, { rtol: 1e-9, atol: 1e-9 });
        const all = leaves.map((_, i) => i);
        const rev = jacobian(f, { argnums: all })(...leaves) as Tensor[];
        const fwd = jacobian(f, { argnums: all, mode: 'forward' })(...leaves) as Tensor[];
        rev.forEach((block, k) => {
          expect(block.shape).toEqual([...y.shape, 2, 3]);
          expectClose(fwd[k]!.data, block.data, { rtol: 1e-9, atol: 1e-9 });
        });
      }),
      fcParams(60),
    );
  });
});
