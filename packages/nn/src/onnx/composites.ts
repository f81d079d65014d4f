// The engine's composites that exportOnnx writes as one ONNX operator: sigmoid in each of its recorded forms,
// softmax and log-softmax, and the subtraction of a detached maximum (a node of the trace without gradient).

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

/** Whether `m` is the node `op` (a mask, without gradient) of exactly `inputs`. */
function isNodeOf(m: Tensor | undefined, op: string, ...inputs: Tensor[]): boolean {
  return (
    m !== undefined &&
    m.op === op &&
    !m.requiresGrad &&
    m.parents.length === inputs.length &&
    inputs.every((x, i) => m.parents[i] === x)
  );
}

/**
 * The input of a sigmoid recorded by `Tensor.sigmoid`, whose nodes depend on the signs of the input:
 * 1/(1 + e^-x) when every element is ≥ 0, e^x·1/(e^x + 1) when every one is < 0, and for mixed signs
 * e^(x·m)·1/(e^-(x·s) + 1) with mask nodes m = [x < 0] and s = ±1 of x (where(m, x, 0) for x·m when
 * an element is +Infinity). Written as ONNX's Sigmoid, the model computes the logistic function for every
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
  if (inner.op !== 'mul') return null;
  // x·m, or where(m, x, 0) when an element is +Infinity
  const [negative, x, zero] =
    first.op === 'where'
      ? (first.parents as [Tensor, Tensor, Tensor])
      : [first.parents[1], first.parents[0], null];
  if (first.op !== 'mul' && !(first.op === 'where' && isNumber(zero!, 0))) return null;
  if (x === undefined || inner.parents[0] !== x || !isNodeOf(negative, 'isNegative', x)) return null;
  return isNodeOf(inner.parents[1], 'negativeSign', x) ? x : null;
}

/**
 * The axis along which `m` is the maximum of `x` with keepDims, as softmax, log-softmax and logSumExp
 * subtract it: finiteOrZero(max(x, axis, true)), nodes without gradient. Null for anything else.
 */
function maxAxis(x: Tensor, m: Tensor): number | null {
  const max = m.parents[0];
  if (!isNodeOf(m, 'finiteOrZero', max!) || !isNodeOf(max, 'max', x)) return null;
  const a = opAttributes(max!);
  return a?.op === 'max' && a.attributes.axis !== null && a.attributes.keepDims ? a.attributes.axis : null;
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
 * nodes of s without gradient (so that the gradient at 0 is 0): the model takes √s.
 */
function normInput(t: Tensor): Tensor | null {
  if (t.op !== 'mul') return null;
  const [r, away] = t.parents as [Tensor, Tensor];
  const p = opAttributes(r);
  const shifted = r.parents[0];
  if (p?.op !== 'pow' || p.attributes.exponent !== 0.5 || shifted?.op !== 'add') return null;
  const [s, atZero] = shifted.parents as [Tensor, Tensor];
  return isNodeOf(atZero, 'isExactZero', s) && isNodeOf(away, 'isNonZero', s) ? s : null;
}

/**
 * The [outer, len, inner] input of logcumsumexp as recorded: a Hillis–Steele scan whose rounds r = 0,
 * 1, ... combine a with a shifted 2^r places (−∞ filled in) by log(e^(a−m) + e^(b−m)) + m, m the
 * node finiteOrZero(max(a, b)) without gradient (for an input holding −∞: the log taken of the sum s
 * plus the mask [s = 0], and a itself chosen where that mask is set). Written as one operator: one
 * stable ReduceLogSumExp per prefix, which is −∞ where the recorded scan is.
 */
function logcumsumexpInput(t: Tensor): Tensor | null {
  const shifts: number[] = [];
  let out = t;
  for (;;) {
    const step = scanStep(out);
    if (step === null) break;
    const { a, b, m } = step;
    const [pad, cut] = b.op === 'concat' ? (b.parents as [Tensor, Tensor]) : [];
    if (pad === undefined || cut?.op !== 'slice' || cut.parents[0] !== a || a.ndim !== 3) break;
    if (!holds(pad, pad, () => Number.NEGATIVE_INFINITY)) break;
    const largest = m.parents[0];
    if (!isNodeOf(m, 'finiteOrZero', largest!) || !isNodeOf(largest, 'maximum', a, b)) break;
    shifts.push(pad.shape[1]!);
    out = a;
  }
  if (shifts.length === 0) return null;
  const len = out.shape[1]!;
  const expected = shifts.map((_, r) => Math.min(2 ** (shifts.length - 1 - r), len));
  const complete = 2 ** (shifts.length - 1) < len && 2 ** shifts.length >= len;
  return complete && shifts.every((d, i) => d === expected[i]) ? out : null;
}

/**
 * The operands of one logcumsumexp step, log(e^(a−m) + e^(b−m)) + m, or the same with the log of the
 * sum plus [sum = 0] and a chosen where that mask is set; null for anything else.
 */
function scanStep(out: Tensor): { a: Tensor; b: Tensor; m: Tensor } | null {
  let combined = out;
  let mask: Tensor | null = null;
  let chosen: Tensor | null = null;
  if (out.op === 'where') {
    [mask, chosen, combined] = out.parents as [Tensor, Tensor, Tensor];
  }
  if (combined.op !== 'add') return null;
  const [l, m] = combined.parents as [Tensor, Tensor];
  let sum = l.op === 'log' ? l.parents[0]! : null;
  if (sum !== null && mask !== null) {
    // the lifted sum, s + [s = 0]
    const lifted = sum;
    sum = lifted.op === 'add' && lifted.parents[1] === mask ? lifted.parents[0]! : null;
    if (sum === null || !isNodeOf(mask, 'isExactZero', sum)) return null;
  }
  const [ea, eb] = sum?.op === 'add' ? (sum.parents as [Tensor, Tensor]) : [];
  if (ea?.op !== 'exp' || eb?.op !== 'exp') return null;
  const [da, db] = [ea.parents[0]!, eb.parents[0]!];
  if (da.op !== 'sub' || db.op !== 'sub' || da.parents[1] !== m || db.parents[1] !== m) return null;
  const [a, b] = [da.parents[0]!, db.parents[0]!];
  return chosen === null || chosen === a ? { a, b, m } : null;
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
