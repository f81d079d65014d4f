// The engine's composites that exportOnnx writes as one ONNX operator: sigmoid in each of its recorded forms,
// softmax and log-softmax, and the subtraction of a detached maximum (whose value was a constant of the trace).

import { opAttributes, type Tensor } from '@chainrule/engine';

/** A recognised composite: the ONNX operator it becomes and its one input. */
export type Composite =
  | { readonly kind: 'sigmoid' | 'sqrt' | 'logcumsumexp'; readonly x: Tensor }
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

/** Whether the constant `m` holds `f(i)` at each index `i` and has `like`'s shape. */
function holds(m: Tensor | undefined, like: Tensor, f: (i: number) => number): boolean {
  if (m === undefined || m.op !== '' || m.requiresGrad || m.size !== like.size) return false;
  if (m.ndim !== like.ndim || m.shape.some((d, i) => d !== like.shape[i])) return false;
  for (let i = 0; i < m.size; i++) if (!Object.is(m.data[i], f(i))) return false;
  return true;
}

/**
 * The sum of squares under a 2-norm as `norm` records it, (s + [s = 0])^0.5 · [s ≠ 0] with both masks
 * constants of the example's s (so that the gradient at 0 is 0): the model takes √s for every input.
 */
function normInput(t: Tensor): Tensor | null {
  if (t.op !== 'mul') return null;
  const [r, away] = t.parents as [Tensor, Tensor];
  const p = opAttributes(r);
  const shifted = r.parents[0];
  if (p?.op !== 'pow' || p.attributes.exponent !== 0.5 || shifted?.op !== 'add') return null;
  const [s, atZero] = shifted.parents as [Tensor, Tensor];
  const zero = (i: number) => (s.data[i] === 0 ? 1 : 0);
  return holds(atZero, s, zero) && holds(away, s, (i) => 1 - zero(i)) ? s : null;
}

/**
 * The [outer, len, inner] input of logcumsumexp as recorded: a Hillis–Steele scan whose rounds r = 0,
 * 1, ... combine a with a shifted 2^r places (−∞ filled in) by log(e^(a−m) + e^(b−m)) + m, m a
 * constant holding max(a, b) with non-finite maxima as 0. Written as one operator, the model computes
 * it for every input, not with the example's maxima.
 */
function logcumsumexpInput(t: Tensor): Tensor | null {
  const shifts: number[] = [];
  let out = t;
  for (;;) {
    if (out.op !== 'add') break;
    const [l, m] = out.parents as [Tensor, Tensor];
    const sum = l.op === 'log' ? l.parents[0]! : null;
    const [ea, eb] = sum?.op === 'add' ? (sum.parents as [Tensor, Tensor]) : [];
    if (ea?.op !== 'exp' || eb?.op !== 'exp') break;
    const [da, db] = [ea.parents[0]!, eb.parents[0]!];
    if (da.op !== 'sub' || db.op !== 'sub' || da.parents[1] !== m || db.parents[1] !== m) break;
    const [a, b] = [da.parents[0]!, db.parents[0]!];
    const [pad, cut] = b.op === 'concat' ? (b.parents as [Tensor, Tensor]) : [];
    if (pad === undefined || cut?.op !== 'slice' || cut.parents[0] !== a || a.ndim !== 3) break;
    if (!holds(pad, pad, () => Number.NEGATIVE_INFINITY)) break;
    const largest = (i: number) => {
      const v = Math.max(a.data[i]!, b.data[i]!);
      return Number.isFinite(v) ? v : 0;
    };
    if (!holds(m, a, largest)) break;
    shifts.push(pad.shape[1]!);
    out = a;
  }
  if (shifts.length === 0) return null;
  const len = out.shape[1]!;
  const expected = shifts.map((_, r) => Math.min(2 ** (shifts.length - 1 - r), len));
  const complete = 2 ** (shifts.length - 1) < len && 2 ** shifts.length >= len;
  return complete && shifts.every((d, i) => d === expected[i]) ? out : null;
}

/** The composite `t` completes, or null when `t` is exported as its own op. */
export function compositeOf(t: Tensor): Composite | null {
  const x = sigmoidInput(t);
  if (x !== null) return { kind: 'sigmoid', x };
  const s = normInput(t);
  if (s !== null) return { kind: 'sqrt', x: s };
  const scanned = logcumsumexpInput(t);
  if (scanned !== null) return { kind: 'logcumsumexp', x: scanned };
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
