// The TypeScript kernel backend: plain loops, the reference every other backend is tested against.

import type { Kernels } from './backend.js';
import { binary, broadcastTo, sumTo, unary } from './ts-elementwise.js';
import { linear, linearBackwardWith, matmul } from './ts-matmul.js';
import { cumsum, maxAxis, sumAxis } from './ts-reduce.js';
import { where } from './ts-select.js';

/** @internal */
export const tsKernels: Kernels = {
  name: 'ts',
  linearBackward: (...args) => linearBackwardWith(tsKernels, ...args),
  unary,
  binary,
  where,
  broadcastTo,
  sumTo,
  sumAxis,
  maxAxis,
  cumsum,
  matmul,
  linear,
};
