// gradcheck: backward gradients against central finite differences, reporting the worst element.

import { describe } from '../errors.js';
import { gradientsOf } from '../graph/backward.js';
import { noGrad, withRecording } from '../graph/recording.js';
import { Tensor } from '../tensor.js';
import { Value } from '../value.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Relative step: element x is moved by eps·max(1, |x|). Default 1e-4. */
  eps?: number;
  /** Relative tolerance against the numeric derivative. Default 1e-6. */
  rtol?: number;
  /** Absolute tolerance, for derivatives near zero. Default 1e-8. */
  atol?: number;
}

/** The element where backward and finite differences disagree most. */
export interface GradcheckMismatch {
  /** Which input (position in `inputs`). */
  input: number;
  /** Which element of that input (0 for a Value). */
  index: number;
  /** The gradient from `backward`. */
  analytic: number;
  /** The gradient from finite differences. */
  numeric: number;
  /** |analytic - numeric|. */
  absError: number;
  /** |analytic - numeric| / max(|analytic|, |numeric|), 0 when both are 0. */
  relError: number;
}

/** What `gradcheck` found. */
export interface GradcheckReport {
  /** Whether every element is within atol + rtol·|numeric|. */
  ok: boolean;
  /** How many elements were compared. */
  checked: number;
  /** The largest absolute error. */
  maxAbsError: number;
  /** The largest relative error. */
  maxRelError: number;
  /** The element with the largest error measured against its tolerance, or null when nothing was compared. */
  worst: GradcheckMismatch | null;
}

type Node = Value | Tensor;

/** How gradcheck reads and perturbs one input. */
interface Probe {
  /** The tracked leaf the analytic pass differentiates. */
  readonly leaf: Node;
  readonly size: number;
  read(i: number): number;
  /** A leaf like `leaf` with element i set to v. */
  at(i: number, v: number): Node;
  /** Element i of the analytic gradient, null meaning zero. */
  analytic(g: Node | null, i: number): number;
}

function probeFor(x: unknown, position: number): Probe {
  if (typeof x === 'number' || x instanceof Value) {
    const v = typeof x === 'number' ? x : x.data;
    return {
      leaf: new Value(v),
      size: 1,
      read: () => v,
      at: (_i, w) => new Value(w),
      analytic: (g) => (g === null ? 0 : (g as Value).data),
    };
  }
  if (x instanceof Tensor) {
    const base = x._data.slice();
    return {
      leaf: Tensor._of(base, x.shape, { requiresGrad: true }),
      size: base.length,
      read: (i) => base[i]!,
      at: (i, w) => {
        const data = base.slice();
        data[i] = w;
        return Tensor._of(data, x.shape);
      },
      analytic: (g, i) => (g === null ? 0 : (g as Tensor)._data[i]!),
    };
  }
  throw new TypeError(
    `gradcheck: input ${position} must be a number, a Value or a Tensor, got ${describe(x)}`,
  );
}

function scalarOf(out: unknown): number {
  if (out instanceof Value) return out.data;
  if (out instanceof Tensor && out.size === 1) return out._data[0]!;
  throw new TypeError(
    `gradcheck: the function must return a Value or a single-element Tensor, got ${out instanceof Tensor ? `shape [${out.shape.join(',')}]` : describe(out)}`,
  );
}

/**
 * Checks the gradients `backward` computes for `fn` at `inputs` against central finite differences
 * (Richardson-extrapolated, so the numeric derivative is accurate to about 1e-10), element by element.
 * Inputs are numbers and Values, or Tensors (every element is checked); the function returns a Value
 * or a single-element Tensor. The inputs are copied: their own gradients are not touched.
 *
 * @example
 * ```ts
 * const report = gradcheck((x, y) => x.mul(y).tanh(), [0.5, -1.5]);
 * report.ok;          // true
 * report.maxRelError; // about 1e-11
 * ```
 */
export function gradcheck(
  fn: (...inputs: Value[]) => Value,
  inputs: readonly (number | Value)[],
  options?: GradcheckOptions,
): GradcheckReport;
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options?: GradcheckOptions,
): GradcheckReport;
export function gradcheck(
  fn: (...inputs: (Value & Tensor)[]) => Node,
  inputs: readonly (number | Value | Tensor)[],
  options: GradcheckOptions = {},
): GradcheckReport {
  if (typeof fn !== 'function') throw new TypeError(`gradcheck: expected a function, got ${describe(fn)}`);
  if (!Array.isArray(inputs))
    throw new TypeError(`gradcheck: inputs must be an array, got ${describe(inputs)}`);
  const eps = options.eps ?? 1e-4;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  const probes = inputs.map(probeFor);
  const leaves = probes.map((p) => p.leaf as Value & Tensor);

  const out = withRecording(true, () => fn(...leaves));
  scalarOf(out);
  const grads = (
    gradientsOf as (root: Node, seed: Node, inputs: Node[], createGraph: boolean) => (Node | null)[]
  )(out, out._seed('gradcheck'), leaves, false);

  const evaluate = (k: number, i: number, v: number): number => {
    const args = leaves.slice();
    args[k] = probes[k]!.at(i, v) as Value & Tensor;
    return scalarOf(noGrad(() => fn(...args)));
  };

  let worst: GradcheckMismatch | null = null;
  let worstScore = -1;
  let maxAbsError = 0;
  let maxRelError = 0;
  let checked = 0;
  let ok = true;
  probes.forEach((probe, k) => {
    for (let i = 0; i < probe.size; i++) {
      const x = probe.read(i);
      const h = eps * Math.max(1, Math.abs(x));
      const central = (step: number): number =>
        (evaluate(k, i, x + step) - evaluate(k, i, x - step)) / (2 * step);
      // Richardson: the h² error terms of D(h) and D(h/2) cancel in (4·D(h/2) - D(h)) / 3.
      const numeric = (4 * central(h / 2) - central(h)) / 3;
      const analytic = probe.analytic(grads[k] ?? null, i);
      const absError = Math.abs(analytic - numeric);
      const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
      const relError = scale === 0 ? 0 : absError / scale;
      const tolerance = atol + rtol * Math.abs(numeric);
      const bad = !(absError <= tolerance);
      if (bad) ok = false;
      const score = Number.isNaN(absError) ? Number.POSITIVE_INFINITY : absError / tolerance;
      if (score > worstScore) {
        worstScore = score;
        worst = { input: k, index: i, analytic, numeric, absError, relError };
      }
      maxAbsError = Math.max(maxAbsError, absError);
      maxRelError = Math.max(maxRelError, relError);
      checked++;
    }
  });
  return { ok, checked, maxAbsError, maxRelError, worst };
}
