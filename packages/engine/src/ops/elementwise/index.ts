// The elementwise op table: every declaration, assembled; the names, methods and kernel unions derive from it.

import { activations } from './activations.js';
import { arithmetic } from './arithmetic.js';
import { comparison } from './comparison.js';
import type { AnyDeclaration, MethodOf } from './declaration.js';
import { masks } from './masks.js';
import { exponential, hyperbolic, trigonometric } from './transcendental.js';

/** The public elementwise ops, in the order the reference page lists them. */
export const elementwiseOps = {
  ...arithmetic,
  ...exponential,
  ...trigonometric,
  ...hyperbolic,
  ...activations,
  ...comparison,
};

/** Every declaration, the internal masks included: what kernels implement. */
export const allElementwiseOps: Readonly<Record<ElementwiseKernelOp, AnyDeclaration>> = {
  ...elementwiseOps,
  ...masks,
};

type Table = typeof elementwiseOps;
type AllTable = Table & typeof masks;

/** Names of the public elementwise ops: each is a method of Value and Tensor and a graph node's op. */
export type ElementwiseOpName = keyof Table;

/** Names of every declared op, masks included. */
export type ElementwiseKernelOp = keyof AllTable;

/** The ops of one input. */
export type UnaryOpName = {
  [K in ElementwiseKernelOp]: AllTable[K] extends { arity: 1 } ? K : never;
}[ElementwiseKernelOp];

/** The ops of two inputs. */
export type BinaryOpName = {
  [K in ElementwiseKernelOp]: AllTable[K] extends { arity: 2 } ? K : never;
}[ElementwiseKernelOp];

/**
 * The elementwise methods of a node type `T` (Value or Tensor), one per declaration, with the
 * declaration's TSDoc.
 */
export type ElementwiseMethods<T> = { [K in keyof Table]: MethodOf<Table[K], T> };

const byName = new Map<string, AnyDeclaration>(Object.entries(allElementwiseOps));

/** The declaration of `op`, or undefined when no elementwise op has that name. */
export function declarationOf(op: string): AnyDeclaration | undefined {
  return byName.get(op);
}
