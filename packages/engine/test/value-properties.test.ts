// Properties over random expression DAGs: Value agrees with plain numbers in value, every leaf gradient
// agrees with gradcheck and with central differences, and second derivatives with differences of the first.
// A failure prints fast-check's seed and path; rerun it with FC_SEED=<seed>. FC_RUNS=<n> multiplies the runs.

import { grad, gradcheck, type Value, value } from '@chainrule/engine';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { elementwiseOps } from '../src/ops/elementwise/index.js';
import { numericGradient } from './support/numeric.js';
import {
  KINDS,
  type Kind,
  numberAlgebra,
  type Program,
  programArbitrary,
  runProgram,
  valueAlgebra,
} from './support/programs.js';

const seed = process.env['FC_SEED'] === undefined ? undefined : Number(process.env['FC_SEED']);
/** FC_RUNS=10 runs every property ten times as often, for a soak test. */
const scale = Number(process.env['FC_RUNS'] ?? 1);
const params = (numRuns: number): fc.Parameters<unknown> =>
  seed === undefined ? { numRuns: numRuns * scale } : { numRuns: numRuns * scale, seed };

const onValues =
  (program: Program) =>
  (...xs: Value[]): Value =>
    runProgram(valueAlgebra, program, xs);
const onNumbers = (program: Program) => (xs: ArrayLike<number>) =>
  runProgram(numberAlgebra, program, Array.from(xs));

/** The op names in the graph below `root`, and whether any node feeds more than one op. */
/** Every node below `root`, once each. */
function nodesBelow(root: Value): Set<Value> {
  const seen = new Set<Value>([root]);
  const stack = [root];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    for (const p of n.parents) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}

function survey(root: Value): { ops: Set<string>; shared: boolean } {
  const ops = new Set<string>();
  const uses = new Map<Value, number>();
  const stack = [root];
  const seen = new Set<Value>([root]);
  while (stack.length > 0) {
    const node = stack.pop()!;
    ops.add(node.op);
    for (const p of new Set(node.parents)) {
      uses.set(p, (uses.get(p) ?? 0) + 1);
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return { ops, shared: [...uses].some(([node, n]) => n > 1 && node.op !== '') };
}

describe('random expression DAGs over 2 to 5 leaves', () => {
  test('the numeric reverse pass gives exactly the numbers of the recorded one, on every node', () => {
    fc.assert(
      fc.property(programArbitrary(), (program) => {
        const leaves = program.leaves.map((x) => value(x));
        const out = onValues(program)(...leaves);
        const nodes = [...nodesBelow(out)];
        out.backward(); // numeric fast path
        const fast = nodes.map((n) => n.grad);
        for (const n of nodes) n.zeroGrad();
        out.backward({ createGraph: true }); // every rule run as Value ops
        nodes.forEach((n, i) => {
          expect(Object.is(n.grad, fast[i])).toBe(true);
        });
      }),
      params(300),
    );
  });

  test('Value computes what plain numbers compute, and every leaf gradient matches gradcheck and central differences', () => {
    const kindsSeen = new Set<Kind>();
    const opsSeen = new Set<string>();
    let runs = 0;
    let sharedRuns = 0;
    fc.assert(
      fc.property(programArbitrary(), (program) => {
        const leaves = program.leaves.map((x) => value(x));
        const out = onValues(program)(...leaves);
        expect(out.data).toBeAllClose(onNumbers(program)(program.leaves), { rtol: 1e-12, atol: 1e-12 });

        out.backward();
        const grads = leaves.map((l) => l.grad);
        expect(grads).toBeAllClose(numericGradient(onNumbers(program), program.leaves), {
          rtol: 1e-6,
          atol: 1e-8,
        });
        // grad(f) with respect to the first leaf, the others passed through, agrees with backward
        const df = grad((x: Value, ...rest: Value[]) => onValues(program)(x, ...rest));
        expect(df(program.leaves[0]!, ...leaves.slice(1))).toBeAllClose(grads[0]!, { rtol: 1e-15 });
        const report = gradcheck(onValues(program), program.leaves);
        expect(report.ok, `gradcheck: ${JSON.stringify(report.worst)}`).toBe(true);
        expect(report.checked).toBe(program.leaves.length);

        for (const ins of program.instructions) kindsSeen.add(ins.kind);
        const { ops, shared } = survey(out);
        for (const op of ops) opsSeen.add(op);
        runs++;
        if (shared) sharedRuns++;
      }),
      params(1000),
    );
    // the generator reaches every instruction kind and every op that records a node (an op declared
    // without a derivative, a comparison, gives a constant leaf), and mostly builds DAGs, not trees
    expect([...kindsSeen].sort()).toEqual([...KINDS].sort());
    const recorded = Object.entries(elementwiseOps).filter(([, d]) => d.derivative !== null);
    expect([...opsSeen].sort()).toEqual(['', 'where', ...recorded.map(([name]) => name)].sort());
    expect(sharedRuns).toBeGreaterThan(runs / 2);
  });

  test('second derivatives through backward({ createGraph: true }) match central differences of the first', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 6 }), (program) => {
        const n = program.leaves.length;
        const leaves = program.leaves.map((x) => value(x));
        onValues(program)(...leaves).backward({ createGraph: true });
        const firsts = leaves.map((l) => l.gradValue);

        // the first derivatives, by an ordinary backward pass at any point
        const gradientAt = (xs: ArrayLike<number>): number[] => {
          const ls = Array.from(xs, (x) => value(x));
          onValues(program)(...ls).backward();
          return ls.map((l) => l.grad);
        };
        for (let i = 0; i < n; i++) {
          for (const l of leaves) l.zeroGrad();
          firsts[i]?.backward();
          const hessianRow = leaves.map((l) => l.grad);
          const numeric = numericGradient((xs) => gradientAt(xs)[i]!, program.leaves);
          expect(hessianRow, `row ${i}`).toBeAllClose(numeric, { rtol: 1e-6, atol: 1e-7 });
        }
      }),
      params(300),
    );
  });

  test('the Hessian from createGraph is symmetric', () => {
    fc.assert(
      fc.property(programArbitrary({ maxInstructions: 6 }), (program) => {
        const leaves = program.leaves.map((x) => value(x));
        onValues(program)(...leaves).backward({ createGraph: true });
        const firsts = leaves.map((l) => l.gradValue);
        const hessian = firsts.map((g) => {
          for (const l of leaves) l.zeroGrad();
          g?.backward();
          return leaves.map((l) => l.grad);
        });
        const transposed = hessian.map((row, i) => row.map((_, j) => hessian[j]![i]!));
        expect(hessian.flat()).toBeAllClose(transposed.flat(), { rtol: 1e-9, atol: 1e-12 });
      }),
      params(100),
    );
  });
});
