// Forward mode: each node's tangent from its parents' tangents, the column J·t of its Jacobian.
//
// Most rules come from the reverse rules, which already hold each op's derivative: an elementwise
// op's Jacobian is diagonal, so its tangent is its backward rule applied to the tangent itself; a
// linear op (reshape, sum, slice, ...) is its own derivative, so its tangent is the op applied to the
// tangents. Any other op is differentiated through its backward rule twice: that rule is linear in
// the output gradient u, so d/du ⟨vjp(u), t⟩ = J·t. Every rule is written with engine ops, so a
// tangent recorded inside another transformation can be differentiated again.

import { gradientsOf } from '../graph/backward.js';
import { isRecording, withRecording } from '../graph/recording.js';
import { kernels } from '../kernels/index.js';
import { elementwiseOps } from '../ops/elementwise/index.js';
import { applyElementwise } from '../ops/tensor/elementwise.js';
import { type TensorOpAttrs, type TensorOpName, tensorOps } from '../ops/tensor/index.js';
import { applyWhere } from '../ops/tensor/select.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { Value } from '../value.js';

type ReverseRule = (g: Tensor, out: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

/**
 * Ops whose output element i depends only on element i of each (broadcast) input: every declared
 * elementwise op (ops/elementwise).
 */
const ELEMENTWISE = new Set<string>(Object.keys(elementwiseOps));

/** Ops linear in all their inputs together: the tangent is the op itself applied to the tangents. */
const LINEAR = new Set<string>([
  'reshape',
  'permute',
  'broadcastTo',
  'sumTo',
  'slice',
  'unslice',
  'gather',
  'scatterAdd',
  'sum',
  'concat',
  'cumsum',
]);

function reverseRule(op: string): ReverseRule {
  return tensorOps[op as TensorOpName].backward as unknown as ReverseRule;
}

function plus(a: Tensor | null, b: Tensor | null): Tensor | null {
  return a === null ? b : b === null ? a : a.add(b);
}

/** The tangent of a scalar node: every scalar op is elementwise, so its backward rule gives it. */
export function valueTangent(out: Value, tangents: readonly (Value | null)[]): Value | null {
  let total: Value | null = null;
  tangents.forEach((t, i) => {
    if (t === null) return;
    const part = out._vjp(t)[i] ?? null;
    if (part !== null) total = total === null ? part : total.add(part);
  });
  return total;
}

/** The tangent of a tensor node given its parents' tangents (null: zero); null when it is zero. */
export function tensorTangent(out: Tensor, tangents: readonly (Tensor | null)[]): Tensor | null {
  const op = out.op;
  const parents = out.parents;
  if (ELEMENTWISE.has(op)) {
    const rule = reverseRule(op);
    let total: Tensor | null = null;
    tangents.forEach((t, i) => {
      if (t === null) return;
      // the rule's gradient for input i at g = t (brought to the output's shape) is ∂out/∂input_i ⊙ t
      const g = sameShape(t.shape, out.shape) ? t : t.broadcastTo(out.shape);
      total = plus(
        total,
        rule(
          g,
          out,
          parents.map((_, j) => j === i),
        )[i] ?? null,
      );
    });
    return total;
  }
  if (LINEAR.has(op)) {
    const filled = tangents.map((t, i) => t ?? parents[i]!._zerosLike());
    return Tensor._apply(op as TensorOpName, filled, out._attrs as TensorOpAttrs[TensorOpName]);
  }
  if (op === 'where') {
    // linear in a and b at a fixed condition: where(c, ta, tb), a missing tangent being zero
    const [, ta, tb] = tangents;
    if (!ta && !tb) return null;
    const zero = out._constant(new Float64Array(1), []);
    return applyWhere(parents[0]!, ta ?? zero, tb ?? zero);
  }
  if (op === 'matmul') {
    // d(op(A)·op(B)) = op(dA)·op(B) + op(A)·op(dB)
    const { transA, transB } = out._attrs as TensorOpAttrs['matmul'];
    const [a, b] = parents as [Tensor, Tensor];
    const [ta, tb] = tangents;
    return plus(ta ? ta._matmul(b, transA, transB) : null, tb ? a._matmul(tb, transA, transB) : null);
  }
  if (op === 'linear') {
    // z = x·wᵀ + b: dz = dx·wᵀ + x·dwᵀ + db; through relu, dz where the output is positive
    const [x, w] = parents as [Tensor, Tensor];
    const [tx, tw, tb] = tangents;
    let dz = plus(tx ? tx._matmul(w, false, true) : null, tw ? x._matmul(tw, false, true) : null);
    if (tb) dz = dz === null ? tb.broadcastTo(out.shape) : dz.add(tb);
    if (dz === null || !(out._attrs as TensorOpAttrs['linear']).relu) return dz;
    return dz.mul(applyElementwise('step', [out], {}));
  }
  return throughReverse(out, tangents);
}

/**
 * J·t for any op, from its backward rule: the rule's output is linear in the output gradient u, so the
 * gradient of ⟨vjp(u), t⟩ with respect to u is J·t, whatever u is. Ones, not zeros: a custom backward
 * that computes from u's numbers instead of with ops on u then shows as a non-zero constant.
 */
function throughReverse(out: Tensor, tangents: readonly (Tensor | null)[]): Tensor | null {
  const nested = isRecording();
  const ones = new Float64Array(out.size);
  kernels().fill(ones, 1);
  const u = Tensor._of(ones, out.shape, { requiresGrad: true });
  const inner = withRecording(true, () => {
    // a built-in op computes only the gradients a tangent needs; a custom op's node has its own rule
    const grads = Object.hasOwn(tensorOps, out.op)
      ? reverseRule(out.op)(
          u,
          out,
          tangents.map((t) => t !== null),
        )
      : out._vjp(u);
    let total: Tensor | null = null;
    tangents.forEach((t, i) => {
      const g = grads[i];
      if (t === null || g === null || g === undefined) return;
      // a gradient computed from u's numbers rather than with ops on u has lost its derivative in u
      if (!g.requiresGrad && kernels().findIndex(g._data, (d) => d !== 0) >= 0) {
        throw new Error(
          `${out.op}: forward mode (jvp, jacobian with mode 'forward', hessian, hvp) needs the backward written with Tensor ops on g, but its gradient for input ${i} was not computed from g that way`,
        );
      }
      total = plus(total, out.parents[i]!._fitGrad(g, out.op).mul(t).sum());
    });
    return total as Tensor | null;
  });
  if (inner === null || !inner.requiresGrad) return null;
  const [du] = withRecording(nested, () => gradientsOf(inner, inner._seed('jvp'), [u], nested));
  return du ?? null;
}
