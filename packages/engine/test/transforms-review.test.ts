// An outsider's attempts to break the transformations: closures, repeated arguments, empty tensors,
// forward mode through every op, and nesting. Each test here failed once on the code it names.

import {
  defineOp,
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  noGrad,
  Tensor,
  tensor,
  type Value,
  value,
  valueAndGrad,
  vjp,
} from '@chainrule/engine';
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

describe('empty tensors', () => {
  test('jacobian of an empty output or input is an empty block of the joint shape, in both modes', () => {
    const x = tensor([1, 2]);
    for (const mode of ['reverse', 'forward'] as const) {
      expect((jacobian((t: Tensor) => t.slice([0, 0]), { mode })(x) as Tensor).shape).toEqual([0, 2]);
      expect((jacobian((t: Tensor) => t.sum(), { mode })(Tensor.zeros([0])) as Tensor).shape).toEqual([0]);
      expect((jacobian((t: Tensor) => t.mul(2), { mode })(Tensor.zeros([0])) as Tensor).shape).toEqual([
        0, 0,
      ]);
    }
  });

  test('the Hessian with respect to an empty tensor is an empty square block', () => {
    expect(hessian((t: Tensor) => t.sum())(Tensor.zeros([0, 3])).shape).toEqual([0, 3, 0, 3]);
  });
});

describe('tangents and cotangents are matched to the tree by place, not by order', () => {
  test('an object tangent whose keys come in another order still goes with the right primals', () => {
    const f = (p: { a: Value; b: Value }): Value => p.a.mul(p.b);
    // d(ab) along (da, db) = (0, 1) at (1, 2) is a·1 = 1
    const [, dy] = jvp(f, [{ a: 1, b: 2 }], [{ b: 1, a: 0 }]);
    expect(dy).toBe(1);
  });

  test('a cotangent whose keys come in another order still goes with the right outputs', () => {
    const [, pullback] = vjp((x: Value) => ({ twice: x.mul(2), thrice: x.mul(3) }), 1);
    expect(pullback({ thrice: 1, twice: 0 })).toEqual([3]);
  });

  test('a tangent of another structure is refused with the place that does not match', () => {
    const f = (p: { a: Value; b: Value }): Value => p.a.mul(p.b);
    expect(() => jvp(f, [{ a: 1, b: 2 }], [[1, 0] as never])).toThrow(
      /^jvp: the tangents does not have the structure it should: nothing at \[0\]\.a/,
    );
  });
});

describe('errors name the transformation the user called', () => {
  test('hessian of a non-scalar function or with an argnum out of range says hessian', () => {
    expect(() => hessian((x: Tensor) => x.mul(x))(tensor([1, 2]))).toThrow(
      /^hessian: needs a single-element output, got shape \[2\]/,
    );
    expect(() => hessian((x: Tensor) => x.sum(), { argnums: 3 })(tensor([1, 2]))).toThrow(
      /^hessian: argnums 3 is out of range/,
    );
  });

  test('hvp of a non-scalar function or with a tangent of the wrong shape says hvp', () => {
    expect(() => hvp((x: Tensor) => x.mul(x), [tensor([1, 2])], [tensor([1, 1])])).toThrow(
      /^hvp: needs a single-element output, got shape \[2\]/,
    );
    expect(() => hvp((x: Tensor) => x.mul(x).sum(), [tensor([1, 2])], [tensor([1])])).toThrow(
      /^hvp: the tangents 0 has shape \[1\] but its primal has shape \[2\]/,
    );
  });
});

describe('custom ops in forward mode', () => {
  test('a custom backward computed from g’s numbers is refused by jvp rather than giving a zero tangent', () => {
    // reverse mode only needs the numbers; forward mode differentiates the backward in g, which this loses
    const double = defineOp<Tensor>({
      name: 'doubleByNumbers',
      forward: (a) => 2 * a,
      backward: (g) => tensor(Array.from(g.data, (v) => 2 * v)).reshape(g.shape),
    });
    expect(grad((x: Tensor) => double(x).sum())(tensor([1])).toArray()).toEqual([2]);
    expect(() => jvp((x: Tensor) => double(x), [tensor([1])], [tensor([1])])).toThrow(
      /^doubleByNumbers: forward mode .* needs the backward written with Tensor ops on g/,
    );
  });

  test('a custom backward that gives a zero gradient as a constant is fine in forward mode', () => {
    const firstOnly = defineOp<Tensor>({
      name: 'firstOnly',
      forward: (a, _b) => a,
      backward: (g, { inputs: [, b] }) => [g, Tensor.zeros([...b!.shape])],
    });
    const [, dy] = jvp(
      (x: Tensor, y: Tensor) => firstOnly(x, y),
      [tensor([1]), tensor([2])],
      [tensor([3]), tensor([4])],
    );
    expect(dy.toArray()).toEqual([3]);
  });
});

describe('types say what comes back', () => {
  test('jvp and vjp over plain objects of numbers are typed as numbers, as they return', () => {
    // a type error here (Value is not assignable to number) is the failure: the run time gave numbers
    const [y, dy] = jvp((p: { a: Value; b: Value }) => p.a.mul(p.b), [{ a: 1, b: 2 }], [{ a: 0, b: 1 }]);
    const sum: number = y + dy;
    expect(sum).toBe(3);
    const [z] = vjp((p: { a: Value }[]) => p[0]!.a.mul(3), [{ a: 2 }]);
    const six: number = z;
    expect(six).toBe(6);
  });
});

describe('defineOp names', () => {
  test('a name every object already has is refused, so no table keyed by op name mistakes it', () => {
    // explain looked 'valueOf' up among its expressions, found Object's method and crashed
    for (const name of ['valueOf', 'hasOwnProperty', '__proto__', 'constructor', 'toString']) {
      expect(() =>
        defineOp<Value>({ name, forward: (a) => a * a, backward: (g, { inputs: [a] }) => g.mul(a!).mul(2) }),
      ).toThrow(`defineOp: '${name}' is the name of a property every object has; choose another`);
    }
  });
});

describe('defineOp forwardTensor results', () => {
  test('a forwardTensor whose values do not fill its shape is refused in the op’s name', () => {
    const op = defineOp<Tensor>({
      name: 'tooMany',
      forwardTensor: () => ({ data: new Float64Array(3), shape: [2] }),
      backward: (g) => g,
    });
    expect(() => op(tensor([1, 2]))).toThrow(
      /^tooMany: forwardTensor returned 3 values for the shape \[2\]$/,
    );
    const bad = defineOp<Tensor>({
      name: 'badShape',
      forwardTensor: () => ({ data: new Float64Array(2), shape: [-2, -1] }),
      backward: (g) => g,
    });
    expect(() => bad(tensor([1, 2]))).toThrow(
      /^badShape: forwardTensor: the shape must hold non-negative integers/,
    );
  });

  test('a forwardTensor that returns a plain array is told what to return, not that it returned undefined', () => {
    const op = defineOp<Tensor>({
      name: 'plain',
      forwardTensor: ({ data }) => Array.from(data) as never,
      backward: (g) => g,
    });
    expect(() => op(tensor([1, 2]))).toThrow(
      'plain: forwardTensor returned an array; return a new Float64Array, or { data, shape }',
    );
  });
});

describe('a transformation inside another one’s function', () => {
  const inner = (a: Tensor) => (x: Tensor) => x.mul(x).mul(a).sum();

  test('records its result when only what it closes over is differentiated (JAX gives 4)', () => {
    // the inner gradient at the constant x = 2 is 2·x·a = 4a: the outer one differentiates it to 4
    const outer = (a: Tensor) => grad(inner(a))(tensor([2])).sum();
    expect(arr(grad(outer)(tensor([3])))).toEqual([4]);
    expect(arr(jacobian((a: Tensor) => grad(inner(a))(tensor([2])))(tensor([3])))).toEqual([[4]]);
    expect(
      arr(
        hessian((a: Tensor) =>
          grad(inner(a))(tensor([2]))
            .sum()
            .mul(a),
        )(tensor([3])),
      ),
    ).toEqual([[8]]);
    const [, tangent] = jvp(outer, [tensor([3])], [tensor([1])]);
    expect(arr(tangent as Tensor)).toEqual(4);
  });

  test('refuses to hand back as a number a result that depends on the outer inputs', () => {
    // d/da (a · 4a) = 8a = 24; with the inner result a plain number 12 it would be 12
    expect(grad((a: Value) => a.mul(grad((x: Value) => x.mul(x).mul(a))(value(2)) as Value))(3)).toBe(24);
    expect(() => grad((a: Value) => a.mul(grad((x: Value) => x.mul(x).mul(a))(2)))(3)).toThrow(
      /^grad: a result depends on the inputs of an outer transformation, but it would come back as a number/,
    );
    expect(() =>
      grad((t: Value) => jvp((x: Value) => x.pow(3), [2], [t as unknown as number])[1] as unknown as Value)(
        1,
      ),
    ).toThrow(/^jvp: a result depends on the inputs of an outer transformation/);
    // numbers stay numbers where nothing outer is involved
    expect(grad((a: Value) => a.mul(grad((x: Value) => x.mul(x))(2)))(3)).toBe(4);
    expect(grad((x: Value) => x.pow(3))(2)).toBe(12);
  });

  test('what does not depend on the outer inputs is computed as at top level, without a graph', () => {
    // an inner training step on constants inside an outer grad: no graph kept, parameters untracked
    const w = tensor([0.5, -0.25]);
    let inner: Tensor | null = null;
    const outer = grad((a: Tensor) => {
      inner = grad((p: Tensor) => p.mul(p).sum())(w);
      return a.mul(a).sum();
    });
    expect(arr(outer(tensor([3])))).toEqual([6]);
    expect(arr(inner!)).toEqual([1, -0.5]);
    expect(inner!.requiresGrad).toBe(false);
    expect(w.requiresGrad).toBe(false);
  });

  test('inside noGrad an inner call on numbers returns numbers, as the caller asked for no graph', () => {
    const f = (a: Value) => {
      const [v, g] = noGrad(() => valueAndGrad((x: Value) => x.mul(a))(2));
      return a.mul(v + g);
    };
    // v + g = 2a + a = 9 at a = 3, a constant here: d/da (a · 9) = 9
    expect(grad(f)(3)).toBe(9);
  });
});

describe('a custom op whose backward closes over an outer input', () => {
  // x·a as a custom op whose forward reads a's number and whose backward closes over a itself: the
  // inner gradient is a, and only the closure carries it to the outer transformation
  const timesA = (a: Tensor) =>
    defineOp<Tensor>({ name: 'timesA', forward: (x) => x * a.data[0]!, backward: (g) => g.mul(a) });
  const builtIn = (a: Tensor) => (x: Tensor) => x.mul(a).sum();
  const custom = (a: Tensor) => (x: Tensor) => timesA(a)(x).sum();

  test('the outer derivative flows through the closure, as through the built-in op (was 0)', () => {
    for (const inner of [builtIn, custom]) {
      // d/da Σ ∂/∂x (x·a) over x = [2, 3] = d/da 2a = 2
      expect(arr(grad((a: Tensor) => grad(inner(a))(tensor([2, 3])).sum())(tensor([5])))).toEqual([2]);
      expect(arr(jacobian((a: Tensor) => grad(inner(a))(tensor([2, 3])))(tensor([5])))).toEqual([[1], [1]]);
      const [, tangent] = jvp(
        (a: Tensor) => grad(inner(a))(tensor([2, 3])).sum(),
        [tensor([5])],
        [tensor([1])],
      );
      expect(arr(tangent as Tensor)).toEqual(2);
      const pulled = (a: Tensor) => vjp(inner(a), tensor([2, 3]))[1](tensor(1))[0] as Tensor;
      expect(arr(grad((a: Tensor) => pulled(a).sum())(tensor([5])))).toEqual([2]);
      expect(
        arr(
          hessian((a: Tensor) =>
            grad(inner(a))(tensor([2, 3]))
              .sum()
              .mul(a),
          )(tensor([5])),
        ),
      ).toEqual([[4]]);
    }
  });

  test('results that do not depend on the outer inputs come back as at top level, without a graph', () => {
    // a custom op closing over a tracked tensor that no transformation differentiates: the inner
    // gradient is W, untracked, as at top level and as with the built-in x.mul(W)
    const W = tensor([3, 4], { requiresGrad: true });
    const timesW = defineOp<Tensor>({ name: 'timesW', forward: (x) => x, backward: (g) => g.mul(W) });
    let inner: Tensor | null = null;
    grad((a: Tensor) => {
      inner = grad((x: Tensor) => timesW(x).sum())(tensor([1, 1]));
      return a.sum();
    })(tensor([1]));
    expect(arr(inner!)).toEqual([3, 4]);
    expect(inner!.requiresGrad).toBe(false);
    for (const take of [
      jacobian,
      (f: (x: Tensor) => Tensor) => (x: Tensor) => vjp(f, x)[1](tensor(1))[0] as Tensor,
    ]) {
      let row: Tensor | null = null;
      grad((a: Tensor) => {
        row = take((x: Tensor) => timesW(x).sum())(tensor([1, 1])) as Tensor;
        return a.sum();
      })(tensor([1]));
      expect(arr(row!)).toEqual([3, 4]);
      expect(row!.requiresGrad).toBe(false);
    }
    // an inner training loop over a custom op inside an outer grad stays a loop of constants: each
    // step's parameters untracked, not a chain of every step before it
    let w = tensor([0.5, -0.5]);
    grad((a: Tensor) => {
      for (let i = 0; i < 5; i++) w = w.sub(grad((p: Tensor) => timesW(p).mul(p).sum())(w).mul(0.1));
      return a.sum();
    })(tensor([1]));
    expect(w.requiresGrad).toBe(false);
    expect(w.op).toBe('');
  });

  test('every result of one call keeps the graph it needs, and tracked vectors keep theirs', () => {
    // two results through one custom op: the second was detached after the first's walk (got [12])
    for (const [inner, expected] of [
      [(a: Tensor) => (x: Tensor, y: Tensor) => x.mul(y).mul(a).sum(), 17],
      [(a: Tensor) => (x: Tensor, y: Tensor) => timesA(a)(x.mul(y)).sum(), 17],
    ] as const) {
      const outer = grad((a: Tensor) => {
        const [gx, gy] = grad(inner(a), { argnums: [0, 1] })(tensor([2, 3]), tensor([5, 7])) as Tensor[];
        return gx!.sum().add(gy!.sum());
      });
      expect(arr(outer(tensor([10])))).toEqual([expected]);
    }
    // a tracked cotangent or tangent that belongs to no transformation keeps its graph, as at top level
    const twice = defineOp<Tensor>({ name: 'twice', forward: (x) => 2 * x, backward: (g) => g.mul(2) });
    const W = tensor([3], { requiresGrad: true });
    let pulled: Tensor | null = null;
    let pushed: Tensor | null = null;
    grad((a: Tensor) => {
      pulled = vjp(twice, tensor([1]))[1](W)[0] as Tensor;
      pushed = jvp(twice, [tensor([1])], [W])[1] as Tensor;
      return a.sum();
    })(tensor([1]));
    expect(pulled!.requiresGrad).toBe(true);
    expect(pushed!.requiresGrad).toBe(true);
  });

  test('a call through a custom op keeps its graphs as the same call through built-in ops', () => {
    for (const op of [(a: Tensor) => (x: Tensor) => x.mul(a), (a: Tensor) => (x: Tensor) => timesA(a)(x)]) {
      // one result reaches the outer input and one does not: both keep their graph, as a built-in
      // call nested by the first does
      let gy: Tensor | null = null;
      grad((a: Tensor) => {
        const f = (x: Tensor, y: Tensor) => op(a)(x).sum().add(y.mul(y).sum());
        const [gx, g2] = grad(f, { argnums: [0, 1] })(tensor([2, 3]), tensor([5, 7])) as Tensor[];
        gy = g2!;
        return gx!.sum();
      })(tensor([10]));
      expect(arr(gy!)).toEqual([10, 14]);
      expect(gy!.requiresGrad).toBe(true);
      // a pullback called after the outer transformation returned keeps the path to its input
      const A = tensor([10], { requiresGrad: true });
      let pullback: ((ct: Tensor) => unknown[]) | null = null;
      grad((a: Tensor) => {
        pullback = vjp(op(a), tensor([2, 3]))[1] as (ct: Tensor) => unknown[];
        return a.sum();
      })(A);
      const r = pullback!(tensor([1, 1]))[0] as Tensor;
      r.sum().backward();
      expect(arr(A.grad!)).toEqual([2]);
    }
  });

  test('a number result that would lose the closure’s derivative is refused, not returned', () => {
    const op = (a: Value) =>
      defineOp<Value>({ name: 'timesA', forward: (x) => x * a.data, backward: (g) => g.mul(a) });
    // d/da (a · a) = 2a = 10 with Values; with numbers the inner a would be a constant 5
    expect(grad((a: Value) => a.mul(grad((x: Value) => op(a)(x))(value(2)) as Value))(5)).toBe(10);
    expect(() => grad((a: Value) => a.mul(grad((x: Value) => op(a)(x))(2)))(5)).toThrow(
      /^grad: a result depends on the inputs of an outer transformation, but it would come back as a number/,
    );
    // a custom op that closes over nothing outer still gives numbers back
    const square = defineOp<Value>({
      name: 'mySquare',
      forward: (x) => x * x,
      backward: (g, { inputs: [x] }) => g.mul(x!).mul(2),
    });
    expect(grad((a: Value) => a.mul(grad((x: Value) => square(x))(3)))(5)).toBe(6);
  });
});

describe('options', () => {
  test('a misspelt option is refused instead of silently differentiating the first argument', () => {
    const f = (x: Value, y: Value): Value => x.mul(y).add(y);
    expect(() => grad(f, { argnum: 1 } as never)).toThrow(
      "grad: unknown option 'argnum'; the options are argnums, hasAux",
    );
    expect(() => valueAndGrad(f, { hasaux: true } as never)).toThrow(
      /^valueAndGrad: unknown option 'hasaux'/,
    );
    expect(() => jacobian(f, { modes: 'forward' } as never)).toThrow(/^jacobian: unknown option 'modes'/);
    expect(() => hessian(f, { mode: 'forward' } as never)).toThrow(/^hessian: unknown option 'mode'/);
  });

  test('options that are not an object are refused', () => {
    expect(() => grad((x: Value) => x, 1 as never)).toThrow(
      'grad: options must be an object, got the number 1',
    );
    expect(() => jacobian((x: Value) => x, null as never)).toThrow(/^jacobian: options must be an object/);
  });
});
