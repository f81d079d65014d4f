// The shape of an elementwise op's declaration: everything the engine derives an op from.

import type { Algebra } from './algebra.js';

/** An op's numeric (or named) parameters, recorded on its node: elu's alpha, clamp's bounds. */
export type Params = Readonly<Record<string, number | string>>;

/** The parameters object of every node whose op takes none (one object, so a node can tell it apart). */
export const NO_PARAMS: Params = Object.freeze({});

/** The parameters of an op that has none. */
export type NoParams = Readonly<Record<string, never>>;

/** What the op reference page says about an op: plain text, one line each. */
export interface OpDoc {
  /** The family the page groups it under. */
  readonly family:
    | 'arithmetic'
    | 'powers and roots'
    | 'exponentials and logarithms'
    | 'trigonometric'
    | 'hyperbolic'
    | 'activations'
    | 'comparison'
    | 'internal';
  /** f(x), or f(a, b) for a binary op. */
  readonly formula: string;
  /** The derivative, as the declaration's rule computes it. */
  readonly derivative: string;
  /** The value taken at kinks and domain edges, and where it comes from (PyTorch's convention). */
  readonly convention?: string;
  /** How the op is called when it takes parameters, e.g. `x.clamp(min?, max?)`. */
  readonly call?: string;
}

/** What a unary derivative sees: the input `a`, the output `out` and the output's gradient `g`. */
export interface UnaryIo<T> {
  readonly a: T;
  readonly out: T;
  readonly g: T;
}

/**
 * What a binary derivative sees. `b` is a number when the op keeps a number right operand as a
 * parameter (`pow(x, 3)`), else a node like `a`.
 */
export interface BinaryIo<T> extends UnaryIo<T> {
  readonly b: T | number;
}

/** A derivative written once against `Algebra`: the gradient of the input, given the output's `g`. */
export type UnaryDerivative<P> = <T>(m: Algebra<T>, io: UnaryIo<T>, p: P) => T;

/**
 * A binary op's two partial derivatives, each the gradient of one input, written apart so that only
 * the gradients someone takes are computed (`x.mul(2)` needs none for the 2).
 */
export type BinaryDerivative<P> = readonly [
  <T>(m: Algebra<T>, io: BinaryIo<T>, p: P) => T,
  <T>(m: Algebra<T>, io: BinaryIo<T>, p: P) => T,
];

interface DeclarationBase<P extends Params, A extends unknown[]> {
  /**
   * The method's arguments after the operands, read into the node's parameters; throws (naming the
   * op) on a wrong one. Absent for an op without parameters.
   */
  readonly params?: (...args: A) => P;
  /**
   * The domain of the (first) input, checked by the method before any work: an element outside is
   * a RangeError saying `text` (e.g. 'x >= 0'). NaN always passes: it propagates.
   */
  readonly domain?: Domain;
  /** For the reference page. */
  readonly doc: OpDoc;
  /**
   * The op over one f64x2 lane in AssemblyScript, where one exists that rounds exactly as `f` (no
   * transcendental: a WebAssembly version would round differently, and no result may depend on the
   * backend). Reads `x` (unary) or `a`, `b` (binary), and the parameters as `p0`, `p1` (f64, in the
   * order `params` creates them); `NAN`, `ZERO` and `ONE` are splatted constants; `pick(yes, no, mask)`
   * selects lanes. Ops without it run on the TypeScript kernel under either backend.
   */
  readonly simd?: string;
  /** Not a method: a mask or fused step that derivatives and kernels use. */
  readonly internal?: true;
}

/**
 * An op's domain, an interval [min, max]: `ok` for one number (Values), the bounds for a tensor's
 * elements (one typed search, kernels' findOutside). NaN is inside: it propagates.
 */
export interface Domain {
  readonly ok: (x: number) => boolean;
  readonly min: number;
  readonly max: number;
  readonly text: string;
}

/** The domain [min, max], said as `text` in errors. */
export function interval(min: number, max: number, text: string): Domain {
  return { ok: (x) => !(x < min || x > max), min, max, text };
}

/** The domain x >= 0 (sqrt, log, …). */
export const NON_NEGATIVE = interval(0, Number.POSITIVE_INFINITY, 'x >= 0');

/** A unary elementwise op. */
export interface UnaryDeclaration<P extends Params = NoParams, A extends unknown[] = []>
  extends DeclarationBase<P, A> {
  readonly arity: 1;
  /** The value on numbers, float64 throughout: PyTorch's values. */
  readonly f: (a: number, p: P) => number;
  /** The derivative; null for an op whose output carries no gradient (a mask, a comparison). */
  readonly derivative: UnaryDerivative<P> | null;
}

/** A binary elementwise op, broadcasting on tensors. */
export interface BinaryDeclaration<P extends Params = NoParams, A extends unknown[] = []>
  extends DeclarationBase<P, A> {
  readonly arity: 2;
  readonly f: (a: number, b: number, p: P) => number;
  readonly derivative: BinaryDerivative<P> | null;
  /**
   * A number right operand stays a parameter (`b`) of a one-input node instead of becoming a
   * constant input: pow's exponent, whose gradient nobody wants.
   */
  readonly numberOperandAsParam?: true;
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds declarations of every parameter type
export type AnyDeclaration = UnaryDeclaration<any, any> | BinaryDeclaration<any, any>;

/** Declares a unary op; only here to infer its parameter types. */
export function unary<P extends Params = NoParams, A extends unknown[] = []>(
  d: UnaryDeclaration<P, A>,
): UnaryDeclaration<P, A> {
  return d;
}

/** Declares a binary op; only here to infer its parameter types. */
export function binary<P extends Params = NoParams, A extends unknown[] = []>(
  d: BinaryDeclaration<P, A>,
): BinaryDeclaration<P, A> {
  return d;
}

/** The method an op becomes on a node type `T`: operands first, then the parameters' arguments. */
export type MethodOf<D, T> = D extends { readonly arity: 1; readonly params?: (...args: infer A) => unknown }
  ? A extends []
    ? () => T
    : (...args: A) => T
  : D extends { readonly arity: 2; readonly params?: (...args: infer A) => unknown }
    ? A extends []
      ? (other: T | number) => T
      : (other: T | number, ...args: A) => T
    : never;

/**
 * The gradients of a node's `inputs` inputs (1, or 2 unless a number operand became a parameter)
 * under `m`, null where `needs` says an input takes none. Shared by Value and Tensor.
 *
 * @internal
 */
export function gradients<T>(
  d: AnyDeclaration,
  m: Algebra<T>,
  io: BinaryIo<T>,
  p: Params,
  inputs: number,
  needs?: readonly boolean[],
): (T | null)[] {
  if (d.derivative === null) throw new Error('internal: an op without a derivative was recorded');
  if (d.arity === 1) return [needs?.[0] === false ? null : d.derivative(m, io, p)];
  const grads: (T | null)[] = [];
  for (let i = 0; i < inputs; i++) grads.push(needs?.[i] === false ? null : d.derivative[i]!(m, io, p));
  return grads;
}
