// An outsider's attempts to break the transformations: closures, repeated arguments, empty tensors,
// forward mode through every op, and nesting. Each test here failed once on the code it names.

import { grad, jacobian, jvp, type Tensor, tensor, type Value, value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

const arr = (t: Tensor): unknown => t.toArray();

describe('the function sees its own inputs, not the nodes the caller holds', () => {
  test('a nested grad that closes over the outer input does not confuse the two (JAX gives 1)', () => {
    // f(x) = x · d/dy (x + y) = x, so f'(x) = 1; taking y to be x itself would give 2
    const f = (x: Value): Value => x.mul(grad((y: Value) => x.add(y))(x));
    expect(grad(f)(2)).toBe(1);
  });

  test('a nested grad over Tensors that closes over the outer input gives JAX’s gradient', () => {
    // f(x) = Σ x ⊙ ∇_y Σ(x ⊙ y) = Σ x², so ∇f = 2x
    const f = (x: Tensor): Tensor => x.mul(grad((y: Tensor) => x.mul(y).sum())(x)).sum();
    expect(arr(grad(f)(tensor([1, 2])))).toEqual([2, 4]);
  });

  test('a closed-over tracked Tensor is a constant even when it is also the argument', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(arr(grad((y: Tensor) => y.mul(x).sum())(x))).toEqual([1, 2]);
    const v = value(3);
    expect((grad((y: Value) => y.mul(v))(v) as Value).data).toBe(3);
  });

  test('the same tracked Tensor passed twice gets a gradient and a tangent at each position', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const [ga, gb] = grad((x: Tensor, y: Tensor) => x.mul(y).sum(), { argnums: [0, 1] })(a, a);
    expect([arr(ga), arr(gb)]).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const [, dy] = jvp((x: Tensor, y: Tensor) => x.mul(y), [a, a], [tensor([1, 0]), tensor([0, 1])]);
    expect(arr(dy)).toEqual([1, 2]);
  });
});
