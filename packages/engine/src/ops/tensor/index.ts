// The tensor op table: each op's forward over kernels beside its backward rule written with Tensor ops,
// assembled from the groups in this folder.

import { elementwiseRules } from './elementwise.js';
import { matmulRules } from './matmul.js';
import { reduceRules } from './reduce.js';
import type { TensorOpName, TensorRules } from './rule.js';
import { selectRules } from './select.js';
import { shapeRules } from './shape.js';

export type { Raw, TensorOpAttrs, TensorOpName } from './rule.js';

/** @internal The tensor op table; a missing rule is a compile error. */
export const tensorOps: TensorRules<TensorOpName> = {
  ...elementwiseRules,
  ...matmulRules,
  ...reduceRules,
  ...shapeRules,
  ...selectRules,
};
