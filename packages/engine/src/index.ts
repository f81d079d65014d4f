// The public API of @chainrule/engine: everything a user imports comes from this list.

export { formatShape, ShapeError } from './errors.js';
export { type GradInput, type GradOf, grad, type Lifted, valueAndGrad } from './functional.js';
export { add, div, mul, sub } from './functions.js';
export { GraphNode } from './graph/node.js';
export { noGrad } from './graph/recording.js';
export { type DotOptions, toDot } from './inspect/dot.js';
export { explain } from './inspect/explain.js';
export {
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
} from './inspect/gradcheck.js';
export type { ValueOpName } from './ops/value-ops.js';
export { createRng, type Rng } from './random.js';
export { type BackwardOptions, Value, type ValueLike, value } from './value.js';
