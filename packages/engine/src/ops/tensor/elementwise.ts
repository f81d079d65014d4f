// The elementwise ops' rules, one per declaration (ops/elementwise): the forward over the kernels, the
// derivative over Tensors (engine ops, so createGraph records it).

import { isRecording } from '../../graph/recording.js';
import { kernels } from '../../kernels/index.js';
import { outputArray } from '../../kernels/output.js';
import { broadcastShapes, sameShape, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor/core.js';
import { type Algebra, type AlgebraOp, makeAlgebra } from '../elementwise/algebra.js';
import { gradients, NO_PARAMS, type Params } from '../elementwise/declaration.js';
import { allElementwiseOps, type ElementwiseKernelOp } from '../elementwise/index.js';
import type { Raw, TensorRule, TensorRules } from './rule.js';

/**
 * The forward of a declared op over the kernels. A binary op with one input is one whose number
 * right operand became the parameter `b` (pow's exponent). The output is allocated without its zero
 * fill (kernels/output.ts): the elementwise kernels write every element.
 *
 * @internal
 */
export function elementwiseForward(op: ElementwiseKernelOp, inputs: readonly Tensor[], params: Params): Raw {
  const d = allElementwiseOps[op];
  const a = inputs[0]!;
  if (d.arity === 1) {
    const data = outputArray(a._data.length);
    kernels().unary(op as never, a._data, data, params);
    return { data, shape: a.shape.slice() };
  }
  const [b, bShape] =
    inputs.length > 1 ? [inputs[1]!._data, inputs[1]!.shape] : [Float64Array.of(params.b as number), []];
  const shape = broadcastShapes(a.shape, bShape, op);
  const data = outputArray(sizeOf(shape));
  kernels().binary(op as never, a._data, a.shape, b, bShape, data, shape, params);
  return { data, shape };
}

/**
 * Applies a declared op to tensors without checking arguments (the methods check). Recorded when an
 * input is in the graph; an op without a derivative (a comparison, a mask), or any op `detached`, is
 * then a node that does not require grad: it shows what it was computed from, and no gradient flows
 * through it.
 *
 * @internal
 */
export function applyElementwise(
  op: ElementwiseKernelOp,
  inputs: Tensor[],
  params: Params,
  detached = false,
): Tensor {
  // through the instance's class: the op table loads inside Tensor's own import cycle, so it imports
  // Tensor as a type only
  const TensorClass = inputs[0]!.constructor as typeof Tensor;
  return TensorClass._apply(op, inputs, params, detached);
}

function applyNumbers(op: AlgebraOp, args: readonly number[]): number {
  const d = allElementwiseOps[op];
  return d.arity === 1 ? d.f(args[0]!, NO_PARAMS) : d.f(args[0]!, args[1]!, NO_PARAMS);
}

/** The algebra over Tensors: a number operand is a constant (a scalar tensor, or pow's parameter). */
const tensorAlgebra: Algebra<Tensor> = (() => {
  const apply = (op: AlgebraOp, args: readonly (Tensor | number)[], detached = false): Tensor => {
    const d = allElementwiseOps[op];
    const first = args.find((x) => typeof x !== 'number') as Tensor;
    if (d.arity === 2 && d.numberOperandAsParam === true && typeof args[1] === 'number') {
      return applyElementwise(op, [args[0] as Tensor], { b: args[1] }, detached);
    }
    return applyElementwise(
      op,
      args.map((x) => (typeof x === 'number' ? first._constant(Float64Array.of(x), []) : x)),
      NO_PARAMS,
      detached,
    );
  };
  // a mask (sign included, whose derivative is 0) is a node without gradient when createGraph records
  const m = makeAlgebra<Tensor>(apply, applyNumbers, (op, args) => apply(op, args, true));
  // relu's backward: recorded, the product with a mask node; unrecorded, one fused pass with the same
  // numbers
  const reluGrad = (g: Tensor, a: Tensor): Tensor => {
    if (isRecording() || !sameShape(g.shape, a.shape)) return m.mul(g, m.step(a));
    return applyElementwise('reluGrad', [g, a], NO_PARAMS);
  };
  return { ...m, reluGrad } as Algebra<Tensor>;
})();

/**
 * The backward of a declared op's node: its derivative over Tensors, only for inputs in `needs`.
 *
 * @internal
 */
export function elementwiseBackward(
  g: Tensor,
  out: Tensor & { _attrs: Params },
  needs: readonly boolean[],
): (Tensor | null)[] {
  const d = allElementwiseOps[out.op as ElementwiseKernelOp];
  const [a, b] = out.parents;
  const p = out._attrs;
  return gradients(
    d,
    tensorAlgebra,
    { a: a!, b: b ?? (p.b as number), out, g },
    p,
    out.parents.length,
    needs,
  );
}

/** The elementwise ops' rules. */
export const elementwiseRules = Object.fromEntries(
  (Object.keys(allElementwiseOps) as ElementwiseKernelOp[]).map(
    (op): [ElementwiseKernelOp, TensorRule<ElementwiseKernelOp>] => [
      op,
      { forward: (inputs, params) => elementwiseForward(op, inputs, params), backward: elementwiseBackward },
    ],
  ),
) as TensorRules<ElementwiseKernelOp>;
