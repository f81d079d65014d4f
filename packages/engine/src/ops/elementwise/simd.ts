// The ops with a SIMD form and their WebAssembly op codes: the build script generates the lanes from
// this list, and the host numbers its calls by it, so the two cannot disagree.

import type { AnyDeclaration, Params } from './declaration.js';
import { allElementwiseOps, type BinaryOpName, type UnaryOpName } from './index.js';

function withSimd(arity: 1 | 2): [string, string][] {
  return (Object.entries(allElementwiseOps) as [string, AnyDeclaration][])
    .filter(([, d]) => d.arity === arity && d.simd !== undefined)
    .map(([name, d]) => [name, d.simd!]);
}

/**
 * Every op with a SIMD form as [name, lane code], unary and binary apart, in the table's order: an
 * op's WebAssembly code is its index in its list.
 *
 * @internal
 */
export function simdOps(): { unary: [string, string][]; binary: [string, string][] } {
  return { unary: withSimd(1), binary: withSimd(2) };
}

const unaryCodes = new Map(withSimd(1).map(([name], i) => [name, i]));
const binaryCodes = new Map(withSimd(2).map(([name], i) => [name, i]));

/** @internal The WebAssembly code of a unary op, or undefined when it has no SIMD form. */
export function unarySimdCode(op: UnaryOpName): number | undefined {
  return unaryCodes.get(op);
}

/** @internal The WebAssembly code of a binary op, or undefined when it has no SIMD form. */
export function binarySimdCode(op: BinaryOpName): number | undefined {
  return binaryCodes.get(op);
}

/** @internal An op's parameters as the lanes read them: p0 and p1, in the order the op creates them. */
export function simdParams(params: Params | undefined): [number, number] {
  if (params === undefined) return [0, 0];
  const [p0 = 0, p1 = 0] = Object.values(params) as number[];
  return [p0, p1];
}
