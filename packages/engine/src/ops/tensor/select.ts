// The selection rule: where(cond, a, b), each element from a or b as the condition says.

import { formatShape, ShapeError } from '../../errors.js';
import { kernels } from '../../kernels/index.js';
import { checkSize, type Shape, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { TensorRules } from './rule.js';

const NO_ATTRS = Object.freeze({});

/**
 * The shape the condition, a and b broadcast to (NumPy's rules over three shapes), or a ShapeError
 * naming `where`, the three shapes and the axis that clashes.
 *
 * @internal
 */
export function whereShape(cond: Shape, a: Shape, b: Shape): number[] {
  const rank = Math.max(cond.length, a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const sizes = [cond, a, b].map((s) => s[s.length - rank + i] ?? 1);
    const size = sizes.find((d) => d !== 1) ?? 1;
    if (sizes.some((d) => d !== 1 && d !== size)) {
      throw new ShapeError(
        `where: the condition ${formatShape(cond)}, a ${formatShape(a)} and b ${formatShape(b)} do not broadcast to one shape: axis ${i - rank} has sizes ${sizes.join(', ')}`,
      );
    }
    out[i] = size;
  }
  checkSize(out, 'where');
  return out;
}

/**
 * where(cond, a, b) on tensors whose shapes broadcast (the caller checked): a node that requires grad
 * when a or b does (the condition never takes gradients), a node without gradient when only the
 * condition is in the graph (a comparison of a tensor that requires grad), else a constant.
 *
 * @internal
 */
export function applyWhere(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return Tensor._apply('where', [cond, a, b], NO_ATTRS, !(a.requiresGrad || b.requiresGrad));
}

/** The selection rule. */
export const selectRules: TensorRules<'where'> = {
  where: {
    forward: ([cond, a, b]) => {
      const shape = whereShape(cond!.shape, a!.shape, b!.shape);
      const data = new Float64Array(sizeOf(shape));
      kernels().where(cond!._data, cond!.shape, a!._data, a!.shape, b!._data, b!.shape, data, shape);
      return { data, shape };
    },
    // d where(c, a, b) = where(c, da, db): g goes whole to the branch each element took and +0 to the
    // other (PyTorch's where(c, g, 0) and where(c, 0, g), so a NaN or ∞ in g stays on its side); the
    // condition is piecewise constant and takes none. Being a where itself, it differentiates again.
    backward: (g, out, needs) => {
      const cond = out.parents[0]!;
      const zero = g._constant(new Float64Array(1), []);
      return [
        null,
        needs[1] === false ? null : applyWhere(cond, g, zero),
        needs[2] === false ? null : applyWhere(cond, zero, g),
      ];
    },
  },
};
