// Where a dense layer written with separate ops runs as one kernel call each way: the one place that
// decides fusion (issue 14, items 2 and 9).
//
// `h.matmul(W).add(b).relu()` makes three tensors, and each would be a kernel call that writes a
// fresh [batch, out] array; its backward three more (relu's mask, the bias's sums, the products).
// Here the product is not computed when `matmul` is called: its tensor holds a plan (the operands,
// read later) and computes its elements the first time anything reads them. `add` of a bias to such
// a tensor is a plan too, and `relu` of a plan computes the whole layer at once (`Kernels.linear`).
// Backward, relu's masked gradient and the bias's sums of it are plans, and the product's rule runs
// the mask, the sums and both products as one call (`Kernels.linearBackward`). In a training loop
// nothing reads the product, its sum with the bias or the masked gradient, so they are never
// computed (micrograd's every node still has its `grad`: read, it is computed then).
//
// The numbers are exactly the separate ops' (the kernels' contract), whenever a plan runs. What a
// plan reads must still hold what it held when the op was called, so a plan keeps an array only
// while the engine alone can write it (it has not escaped: kernels/escape.ts), and every tensor whose
// array a plan reads (its owner, for an alias) lists the plan so that `settleReaders` computes it
// before the array escapes through `data`. A product keeps so only the arrays of recorded nodes (a
// layer's activations, which die with the step's graph); a leaf's or an escaped array is copied when
// it is at most a quarter of the product's size, and the product runs at once when it is not.

import type { DenseLayout } from '../../kernels/backend.js';
import { hasEscaped } from '../../kernels/escape.js';
import { kernels } from '../../kernels/index.js';
import { outputArray } from '../../kernels/output.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor/core.js';

/** A product `x·w` (m×k by k×n), plus a bias when `bias` is set, not yet computed. */
export interface DensePlan {
  readonly kind: 'dense';
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly bias: Float64Array | null;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly layout: DenseLayout;
  /** The tensors that own the arrays kept (not copied): each lists the plan among its readers. */
  readonly reads: readonly Tensor[];
  /**
   * Whether a bias or relu took this plan into one of its own: a second one computes the tensor's
   * elements instead (once), so that a product used by every step is not computed again each time.
   */
  taken: boolean;
}

/** The gradient relu passes down, g·[y > 0] (m×n), not yet computed. */
export interface MaskPlan {
  readonly kind: 'mask';
  readonly g: Float64Array;
  readonly y: Float64Array;
  readonly m: number;
  readonly n: number;
  readonly reads: readonly Tensor[];
  /** The bias's gradient planned from this one (its sums), which the fused backward fills; or null. */
  sums: Tensor | null;
}

/** The sums of a masked gradient down to a bias's shape (a row of n, or a column of m), not yet computed. */
export interface SumsPlan {
  readonly kind: 'sums';
  readonly of: Tensor;
  readonly shape: readonly number[];
  readonly perRow: boolean;
  readonly reads: readonly Tensor[];
}

export type Plan = DensePlan | MaskPlan | SumsPlan;

/** What an op's forward gives here: its elements now, or a plan for them. */
export type Fused =
  | { readonly data: Float64Array; readonly plan: null; readonly shape: number[] }
  | { readonly data: null; readonly plan: Plan; readonly shape: number[] };

/**
 * A product copies an operand it may not keep (a weight the optimizer writes, a leaf's data) only when
 * it has at most this share of the product's elements: the copy then costs a fraction of the calls
 * fusion saves, and a product with a larger one runs at once. Which happens changes no number.
 */
export const COPIED_SHARE = 1 / 4;

/**
 * A plan keeps an array only while fewer than this many plans wait on its tensor (one that lives
 * long and is read by every step's product); past it a product copies the array or runs at once.
 */
export const WAITING_MAX = 16;

/**
 * A product with more elements than this (128 MiB) runs at once: fusing its bias and relu would save
 * little beside it, and its allocation fails, if it does, where it was asked for.
 */
export const PLANNED_MAX = 2 ** 24;

const BIAS_PER_COLUMN: DenseLayout = Object.freeze({ wTransposed: false, biasPerRow: false });
const BIAS_PER_ROW: DenseLayout = Object.freeze({ wTransposed: false, biasPerRow: true });

/** Whether plans are made at all: on, except where a test or a benchmark compares without them. */
let enabled = true;

/**
 * @internal Turns the planning of dense layers off (or back on); every result is the same either way.
 * For tests and benchmarks that compare the two.
 */
export function setFusion(on: boolean): void {
  enabled = on;
}

/** The elements a plan stands for: one kernel call (two for sums whose gradient was not computed). */
export function runPlan(plan: Plan): Float64Array {
  const table = kernels();
  if (plan.kind === 'mask') {
    const { g, y, m, n } = plan;
    const out = outputArray(m * n);
    table.binary('reluGrad', g, [m, n], y, [m, n], out, [m, n]);
    return out;
  }
  if (plan.kind === 'sums') {
    const of = plan.of;
    // as sumTo's forward: into zeros, which the kernel adds onto
    const out = new Float64Array(sizeOf(plan.shape));
    table.sumTo(of._data, of.shape, out, plan.shape);
    return out;
  }
  return runDense(plan, false);
}

/** A dense plan's elements, then relu'd when `relu`: one kernel call. */
function runDense(plan: DensePlan, relu: boolean): Float64Array {
  const { x, w, bias, m, k, n, layout } = plan;
  const out = outputArray(m * n);
  const table = kernels();
  // a bare product is exactly what `matmul`'s forward runs
  if (bias === null && !relu) table.matmul(x, w, out, m, k, n, false, layout.wTransposed, 1, 0, 0);
  else table.linear(x, w, bias, out, m, k, n, relu, layout);
  return out;
}

/**
 * The forward of `op` when it takes part in a dense layer (a 2-D product, a bias added to one, relu
 * of either, and backward relu's mask of such a layer and its sums), or null for every other op and
 * case, which run as they are declared.
 *
 * @internal
 */
export function fusedForward(op: string, inputs: readonly Tensor[], attrs: unknown): Fused | null {
  if (!enabled) return null;
  switch (op) {
    case 'matmul':
      return plannedProduct(inputs[0]!, inputs[1]!, attrs as { transA: boolean; transB: boolean });
    case 'add':
      return inputs.length === 2 ? plannedBias(inputs[0]!, inputs[1]!) : null;
    case 'relu': {
      const plan = inputs[0]!._plan;
      if (plan?.kind !== 'dense' || plan.taken) return null;
      plan.taken = true;
      return { data: runDense(plan, true), plan: null, shape: inputs[0]!.shape.slice() };
    }
    case 'reluGrad':
      return plannedMask(inputs[0]!, inputs[1]!);
    case 'sumTo':
      return plannedSums(inputs[0]!, (attrs as { shape: readonly number[] }).shape);
    default:
      return null;
  }
}

/** A product of two matrices, as a plan; null when an operand it may not keep is too large to copy. */
function plannedProduct(
  a: Tensor,
  b: Tensor,
  { transA, transB }: { transA: boolean; transB: boolean },
): Fused | null {
  if (transA || transB || a.ndim !== 2 || b.ndim !== 2) return null;
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  if (m === 0 || k === 0 || n === 0 || m * n > PLANNED_MAX) return null;
  const copyMax = Math.floor(m * n * COPIED_SHARE);
  const x = kept(a, a.op !== '', copyMax);
  const w = x === null ? null : kept(b, b.op !== '', copyMax);
  if (x === null || w === null) return null;
  const reads = owners(a, x, b, w);
  return {
    data: null,
    plan: { kind: 'dense', x, w, bias: null, m, k, n, layout: BIAS_PER_COLUMN, reads, taken: false },
    shape: [m, n],
  };
}

/**
 * A bias added to a product that waits, as one plan (a copy of the bias, which is one value per
 * column, [n] or [1, n], or one per row, [m, 1]); null otherwise.
 */
function plannedBias(a: Tensor, b: Tensor): Fused | null {
  const plan = a._plan;
  if (plan?.kind !== 'dense' || plan.bias !== null || plan.taken || !plan.reads.every(hasRoom)) return null;
  const perRow = biasPerRow(b.shape, plan.m, plan.n);
  if (perRow === null) return null;
  plan.taken = true;
  const layout = perRow ? BIAS_PER_ROW : BIAS_PER_COLUMN;
  const joined: DensePlan = { ...plan, bias: b._data.slice(), layout, taken: false };
  return { data: null, plan: joined, shape: [plan.m, plan.n] };
}

/** Whether `shape` is a bias with one value per row of an m×n matrix (true), per column (false), or neither (null). */
function biasPerRow(shape: readonly number[], m: number, n: number): boolean | null {
  const [r, c] = shape;
  if ((shape.length === 1 && r === n) || (shape.length === 2 && r === 1 && c === n)) return false;
  return shape.length === 2 && r === m && c === 1 ? true : null;
}

/**
 * relu's backward, g·[y > 0], as a plan when y is the output of a fused dense layer (whose product's
 * rule runs the mask with both products, when the product takes gradients); null otherwise, and when
 * g or y has escaped (a copy would cost what the mask does).
 */
function plannedMask(g: Tensor, y: Tensor): Fused | null {
  const source = y.op === 'relu' ? y.parents[0] : undefined;
  if (source?._plan?.kind !== 'dense' || g.ndim !== 2 || y.ndim !== 2) return null;
  const [m, n] = y.shape as [number, number];
  if (g.shape[0] !== m || g.shape[1] !== n) return null;
  const gKept = kept(g, true, 0);
  const yKept = gKept === null ? null : kept(y, true, 0);
  if (gKept === null || yKept === null) return null;
  const reads = owners(g, gKept, y, yKept);
  return { data: null, plan: { kind: 'mask', g: gKept, y: yKept, m, n, reads, sums: null }, shape: [m, n] };
}

/** A bias's gradient from a masked gradient that waits, as a plan the fused backward fills; else null. */
function plannedSums(of: Tensor, shape: readonly number[]): Fused | null {
  const plan = of._plan;
  if (plan?.kind !== 'mask' || plan.sums !== null || !plan.reads.every(hasRoom)) return null;
  const perRow = biasPerRow(shape, plan.m, plan.n);
  if (perRow === null) return null;
  // it reads the masked gradient (settled before that escapes), which reads g and y (likewise)
  return {
    data: null,
    plan: { kind: 'sums', of, shape: shape.slice(), perRow, reads: [...plan.reads, of] },
    shape: shape.slice(),
  };
}

/**
 * The gradients of a product z = x·w (both 2-D) whose output gradient is relu's mask of a fused
 * layer, waiting: the mask, its sums for the bias (when planned) and both products as one call.
 * Null when that is not the case, and the product's rule runs as declared.
 *
 * @internal
 */
export function fusedProductBackward(
  g: Tensor,
  x: Tensor,
  w: Tensor,
  needs: readonly boolean[],
): { dx: Float64Array | null; dw: Float64Array | null } | null {
  const plan = g._plan;
  if (plan?.kind !== 'mask' || x.ndim !== 2 || w.ndim !== 2 || !(needs[0] || needs[1])) return null;
  const [m, k] = x.shape as [number, number];
  const n = w.shape[1]!;
  if (plan.m !== m || plan.n !== n) return null;
  const sums = plan.sums?._plan?.kind === 'sums' ? plan.sums : null;
  const perRow = sums !== null && (sums._plan as SumsPlan).perRow;
  const dx = needs[0] ? outputArray(m * k) : null;
  const dw = needs[1] ? outputArray(k * n) : null;
  // sums arrive zeroed (Kernels.linearBackward)
  const db = sums === null ? null : new Float64Array(perRow ? m : n);
  const layout = perRow ? BIAS_PER_ROW : BIAS_PER_COLUMN;
  kernels().linearBackward(plan.g, plan.y, x._data, w._data, dx, dw, db, m, k, n, layout);
  if (sums !== null) sums._settleWith(db!);
  return { dx, dw };
}

// ---- what a plan may keep -------------------------------------------------------------------------

/**
 * `t`'s elements as a plan may keep them: the array itself when `byReference` allows it, only the
 * engine can write it and fewer than `WAITING_MAX` plans wait on it; else a copy when it has at most
 * `copyMax` elements; else null.
 */
function kept(t: Tensor, byReference: boolean, copyMax: number): Float64Array | null {
  const array = t._data;
  if (byReference && !hasEscaped(array) && hasRoom(t._owner)) return array;
  return array.length <= copyMax ? array.slice() : null;
}

/**
 * Whether another plan may wait on `owner`'s array: fewer than `WAITING_MAX` do, once those computed
 * since are dropped (those that nobody will read stay until the array escapes or dies).
 */
function hasRoom(owner: Tensor): boolean {
  const waiting = owner._readers;
  if (waiting === null) return true;
  let count = 0;
  for (const u of waiting) if (u._plan !== null) waiting[count++] = u;
  waiting.length = count;
  return count < WAITING_MAX;
}

/** The owners of the arrays of `a` and `b` that a plan keeps as they are (`kept` copied the others). */
function owners(a: Tensor, aKept: Float64Array, b: Tensor, bKept: Float64Array): Tensor[] {
  const reads: Tensor[] = [];
  if (aKept === a._store) reads.push(a._owner);
  if (bKept === b._store && b._owner !== a._owner) reads.push(b._owner);
  return reads;
}

/**
 * Records that `t`'s plan reads the arrays it kept, on the tensors that own them (an alias made by
 * reshape or detach shares its owner's array), so that `settleReaders` computes the plan before an
 * array escapes; and a bias's sums on the masked gradient they sum, for the fused backward to fill.
 *
 * @internal
 */
export function recordReaders(t: Tensor, plan: Plan): void {
  for (const owner of plan.reads) {
    if (owner._readers === null) owner._readers = [t];
    else owner._readers.push(t);
  }
  if (plan.kind === 'sums') (plan.of._plan as MaskPlan).sums = t;
}

/**
 * Computes every plan that reads `t`'s array, before the array is handed to code outside the engine,
 * which may write into it.
 *
 * @internal
 */
export function settleReaders(t: Tensor): void {
  const owner = t._owner;
  const waiting = owner._readers;
  if (waiting === null) return;
  // the list goes only once all are computed: if one throws, the rest stay listed for the next call
  for (const u of waiting) if (u._plan !== null) u._settle();
  owner._readers = null;
}
