// The engine's composites that exportOnnx writes as one ONNX operator: sigmoid in each of its recorded forms,
// softmax and log-softmax, and the subtraction of a detached maximum (whose value was a constant of the trace).

import { opAttributes, type Tensor } from '@chainrule/engine';

/** A recognised composite: the ONNX operator it becomes and its one input. */
export type Composite =
  | { readonly kind: 'sigmoid'; readonly x: Tensor }
  | {
      readonly kind: 'softmax' | 'logSoftmax' | 'logSumExp' | 'subMax';
      readonly x: Tensor;
      readonly axis: number;
    };

/** Whether `t` is a constant holding the single number `v` (how `x.add(1)` records its 1). */
function isNumber(t: Tensor | undefined, v: number): boolean {
  return t !== undefined && t.op === '' && !t.requiresGrad && t.size === 1 && t.data[0] === v;
}

/** `b` when `c` is b + 1. */
function plusOne(c: Tensor | undefined): Tensor | null {
  return c !== undefined && c.op === 'add' && isNumber(c.parents[1], 1) ? c.parents[0]! : null;
}

/** Whether the constant `m` holds, elementwise, `f` of the corresponding element of `x`. */
function isMaskOf(m: Tensor | undefined, x: Tensor, f: (v: number) => number): boolean {
  if (m === undefined || m.op !== '' || m.requiresGrad || m.size !== x.size || m.ndim !== x.ndim)
    return false;
  if (m.shape.some((d, i) => d !== x.shape[i])) return false;
  for (let i = 0; i < m.size; i++) if (m.data[i] !== f(x.data[i]!)) return false;
  return true;
}

/**
 * The input of a sigmoid recorded by `Tensor.sigmoid`, whose nodes depend on the signs of the input:
 * 1/(1 + e^-x) when every element is ≥ 0, e^x·1/(e^x + 1) when every one is < 0, and for mixed signs
 * e^(x·m)·1/(e^-(x·s) + 1) with constant masks m = [x < 0] and s = ±1 (min and abs instead when an
 * element is infinite). Written as ONNX's Sigmoid, the model computes the logistic function for every
 * input, not only for inputs with the example's signs.
 */
function sigmoidInput(d: Tensor): Tensor | null {
  if (d.op === 'reciprocal') {
    const b = plusOne(d.parents[0]);
    return b?.op === 'exp' && b.parents[0]!.op === 'neg' ? b.parents[0]!.parents[0]! : null;
  }
  if (d.op !== 'mul') return null;
  const [s, r] = d.parents as [Tensor, Tensor];
  if (r.op !== 'reciprocal' || s.op !== 'exp') return null;
  const t = plusOne(r.parents[0]);
  if (t?.op !== 'exp') return null;
  if (s === t) return s.parents[0]!;
  if (t.parents[0]!.op !== 'neg') return null;
  const inner = t.parents[0]!.parents[0]!;
  const first = s.parents[0]!;
  const x = first.parents[0];
  if (x === undefined || inner.parents[0] !== x) return null;
  if (first.op === 'minimum' && inner.op === 'abs') return isNumber(first.parents[1], 0) ? x : null;
  if (first.op !== 'mul' || inner.op !== 'mul') return null;
  const negative = isMaskOf(first.parents[1], x, (v) => (v < 0 ? 1 : 0));
  return negative && isMaskOf(inner.parents[1], x, (v) => (v < 0 ? -1 : 1)) ? x : null;
}

/**
 * The axis along which the constant `m` is the maximum of `x` with keepDims, as softmax, log-softmax and
 * logSumExp subtract it (non-finite maxima replaced by 0), or null.
 */
function maxAxis(x: Tensor, m: Tensor): number | null {
  if (m.op !== '' || m.requiresGrad || m.ndim !== x.ndim || x.size === 0) return null;
  for (let axis = x.ndim - 1; axis >= 0; axis--) {
    if (m.shape.some((d, i) => d !== (i === axis ? 1 : x.shape[i]))) continue;
    const len = x.shape[axis]!;
    let inner = 1;
    for (let i = axis + 1; i < x.ndim; i++) inner *= x.shape[i]!;
    let same = true;
    for (let j = 0; j < m.size && same; j++) {
      const o = Math.floor(j / inner);
      const i = j % inner;
      let best = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < len; k++) {
        const v = x.data[(o * len + k) * inner + i]!;
        if (v > best || Number.isNaN(v)) best = v;
        if (Number.isNaN(v)) break;
      }
      same = m.data[j] === (Number.isFinite(best) ? best : 0);
    }
    if (same) return axis;
  }
  return null;
}

/** The axis of `x - m` when `z` is that with `m` a detached maximum of `x`, else null. */
function shifted(z: Tensor | undefined): { x: Tensor; axis: number } | null {
  if (z?.op !== 'sub') return null;
  const [x, m] = z.parents as [Tensor, Tensor];
  const axis = maxAxis(x, m);
  return axis === null ? null : { x, axis };
}

/** Whether `s` is `e` summed along `axis` with keepDims. */
function sumsAlong(s: Tensor, e: Tensor, axis: number): boolean {
  const a = opAttributes(s);
  return a?.op === 'sum' && s.parents[0] === e && a.attributes.axis === axis && a.attributes.keepDims;
}

/** The composite `t` completes, or null when `t` is exported as its own op. */
export function compositeOf(t: Tensor): Composite | null {
  const x = sigmoidInput(t);
  if (x !== null) return { kind: 'sigmoid', x };
  if (t.op === 'div') {
    // softmax: e / Σ e with e = exp(x - m)
    const [e, s] = t.parents as [Tensor, Tensor];
    const z = e.op === 'exp' ? shifted(e.parents[0]) : null;
    if (z !== null && sumsAlong(s, e, z.axis)) return { kind: 'softmax', ...z };
  }
  if (t.op === 'sub') {
    // log-softmax: z - log Σ exp(z) with z = x - m
    const [zt, l] = t.parents as [Tensor, Tensor];
    const z = shifted(zt);
    const s = l.op === 'log' ? l.parents[0]! : null;
    const e = s?.parents[0];
    if (z !== null && s && e?.op === 'exp' && e.parents[0] === zt && sumsAlong(s, e, z.axis)) {
      return { kind: 'logSoftmax', ...z };
    }
    const own = shifted(t);
    if (own !== null) return { kind: 'subMax', ...own };
  }
  if (t.op === 'add') {
    // logSumExp with keepDims: log Σ exp(x - m) + m
    const [l, m] = t.parents as [Tensor, Tensor];
    const s = l.op === 'log' ? l.parents[0]! : null;
    const e = s?.parents[0];
    const zt = e?.op === 'exp' ? e.parents[0] : undefined;
    const z = shifted(zt);
    if (z !== null && zt!.parents[1] === m && sumsAlong(s!, e!, z.axis)) return { kind: 'logSumExp', ...z };
  }
  return null;
}
