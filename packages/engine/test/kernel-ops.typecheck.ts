// A type-level test, checked by `tsc -p tsconfig.json --noEmit` (the root tsconfig includes this
// folder) and never run: a backend missing one kernel does not compile. Each `@ts-expect-error` below
// fails the typecheck if the line under it ever compiles.

import { defineKernels, type Kernels, type KernelTable } from '../src/kernels/backend.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';

const { gather: _gather, ...withoutGather } = tsKernels;
const { matmulPair: _pair, ...withoutPair } = tsKernels;
const { toIndices: _indices, ...withoutIndices } = tsKernels;

// a table without one kernel is not a backend: not through defineKernels, which every backend uses ...
// @ts-expect-error: gather is missing
defineKernels(withoutGather);
// @ts-expect-error: matmulPair is missing (no kernel is optional)
defineKernels(withoutPair);
// ... nor as the interface itself
// @ts-expect-error: toIndices is missing
export const incomplete: Kernels = withoutIndices;

// a kernel of the wrong signature is refused too
// @ts-expect-error: fill takes (out, value)
defineKernels({ ...tsKernels, fill: (value: string) => value });

// the whole table compiles, and every kernel of the interface is required in it
export const complete: KernelTable = tsKernels;
type OptionalKernels<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
export const noOptionalKernel: [OptionalKernels<KernelTable>] extends [never] ? true : false = true;
