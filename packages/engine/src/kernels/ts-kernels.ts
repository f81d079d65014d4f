// The TypeScript kernel backend: plain loops, the reference every other backend is tested against.

import { defineKernels } from './backend.js';
import { binary, broadcastTo, sumTo, unary } from './ts-elementwise.js';
import {
  arange,
  fill,
  fillDiagonal,
  findIndex,
  findNaN,
  findOutside,
  generate,
  map,
  toIndices,
} from './ts-fill.js';
import { linear, linearBackwardWith, matmul, matmulPair } from './ts-matmul.js';
import { argmaxAxis, cumsum, maxAxis, prodAxis, sumAxis } from './ts-reduce.js';
import { where } from './ts-select.js';
import { concat, gather, permute, scatterAdd, slice, unslice } from './ts-shape.js';

/** @internal */
export const tsKernels = defineKernels({
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
  matmulPair,
  prodAxis,
  argmaxAxis,
  permute,
  gather,
  scatterAdd,
  concat,
  slice,
  unslice,
  fill,
  arange,
  fillDiagonal,
  generate,
  map,
  findIndex,
  findOutside,
  findNaN,
  toIndices,
});
