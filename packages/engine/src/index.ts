// The public API of @chainrule/engine: everything a user imports comes from this list.

export {
  type CustomOp,
  type CustomOpContext,
  type CustomOpDefinition,
  defineOp,
  type TensorData,
} from './custom-op.js';
export { describe, formatShape, ShapeError } from './errors.js';
export { add, atan2, div, mul, pow, sub } from './functions.js';
export { GraphNode } from './graph/node.js';
export { noGrad, traceGraph } from './graph/recording.js';
export {
  type CustomOpAttributes,
  type OpAttributes,
  opAttributes,
  type SliceAttributes,
  type TensorOpAttributes,
} from './inspect/attributes.js';
export { type DotOptions, toDot } from './inspect/dot.js';
export { explain } from './inspect/explain.js';
export {
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
} from './inspect/gradcheck.js';
export {
  type BackendName,
  getBackend,
  getNumThreads,
  setBackend,
  setNumThreads,
} from './kernels/index.js';
export type { Algebra } from './ops/elementwise/algebra.js';
export type { OpDoc, Params } from './ops/elementwise/declaration.js';
export type { ElementwiseMethods, ElementwiseOpName } from './ops/elementwise/index.js';
export type { SliceIndex } from './ops/slice.js';
export type { TensorOpName } from './ops/tensor/index.js';
export type { ValueOpName } from './ops/value-ops.js';
export { createRng, type Rng } from './random.js';
export { where } from './select.js';
export { checkSize, MAX_TENSOR_SIZE, type Shape } from './shape.js';
export {
  type RandomOptions,
  Tensor,
  type TensorLike,
  type TensorOptions,
  type VarianceOptions,
} from './tensor.js';
export type { NestedArray, NumericArray } from './tensor-create.js';
export { concat, type LinearFunctionOptions, linear, stack, tensor } from './tensor-functions.js';
export {
  type GradOf,
  type GradOptions,
  type GradsAt,
  grad,
  type Loose,
  valueAndGrad,
} from './transforms/grad.js';
export { hessian, hvp, type JacobianOptions, jacobian } from './transforms/jacobian.js';
export type { AllNumbers, AsNumbers, Leaf, ResultFor, Tree } from './transforms/tree.js';
export { jvp, vjp } from './transforms/vjp.js';
export { type BackwardOptions, Value, type ValueLike, value } from './value.js';
