// where: elementwise selection between two branches by a condition, on Values and Tensors alike.

import { describe } from './errors.js';
import { applyWhere, whereShape } from './ops/tensor/select.js';
import { applyValueWhere } from './ops/value-ops.js';
import { Tensor, type TensorLike } from './tensor.js';
import { Value, type ValueLike } from './value.js';

const ROLES = ['the condition', 'a', 'b'] as const;

/**
 * `a` where `cond` is nonzero, else `b`, element by element (PyTorch's `torch.where`). `cond` is
 * usually a comparison (`x.gt(0)`); any nonzero number counts as true, NaN included. On Tensors the
 * three broadcast to one shape, and numbers stand for constants. Recorded as one node, `where`: the
 * gradient goes whole to the branch each element took and is +0 for the other; the condition takes
 * none.
 *
 * Both branches are computed everywhere, and the untaken one still receives its +0: through an op
 * whose derivative is infinite or NaN there (a square root at 0), 0·∞ = NaN, as in PyTorch. Keep the
 * untaken branch's input inside the domain with a second `where` (docs/tensors.md, "Selection").
 *
 * @example
 * ```ts
 * const x = tensor([-2, 3], { requiresGrad: true });
 * const y = where(x.gt(0), x.mul(x), x.neg()); // x² where x > 0, else -x
 * y.sum().backward();
 * y.toArray(); // [2, 9]
 * x.grad!.toArray(); // [-1, 6]
 * where(value(1).lt(2), 10, 20).data; // 10
 * ```
 */
export function where(cond: ValueLike, a: ValueLike, b: ValueLike): Value;
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor;
export function where(
  cond: ValueLike | TensorLike,
  a: ValueLike | TensorLike,
  b: ValueLike | TensorLike,
): Value | Tensor {
  const args = [cond, a, b];
  args.forEach((x, i) => {
    if (!(x instanceof Value || x instanceof Tensor || typeof x === 'number')) {
      throw new TypeError(`where: ${ROLES[i]} must be a Value, a Tensor or a number, got ${describe(x)}`);
    }
  });
  const tensors = args.some((x) => x instanceof Tensor);
  const values = args.some((x) => x instanceof Value);
  if (tensors && values) {
    const kinds = args.map((x) =>
      x instanceof Tensor ? 'a Tensor' : x instanceof Value ? 'a Value' : 'a number',
    );
    throw new TypeError(`where: cannot mix Values and Tensors in one call, got ${kinds.join(', ')}`);
  }
  if (tensors) {
    const [c, p, q] = args.map((x) =>
      x instanceof Tensor ? x : Tensor._of(Float64Array.of(x as number), []),
    );
    whereShape(c!.shape, p!.shape, q!.shape);
    return applyWhere(c!, p!, q!);
  }
  if (values) {
    const [c, p, q] = args.map((x) => (x instanceof Value ? x : new Value(x as number)));
    return applyValueWhere(c!, p!, q!);
  }
  throw new TypeError('where: expected a Value or a Tensor among its inputs, got three numbers');
}
