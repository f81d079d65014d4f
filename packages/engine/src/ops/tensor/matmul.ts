// The matrix product's rule and the fused dense layer's (linear), over the matmul kernels.

import { isRecording } from '../../graph/recording.js';
import { LINEAR_LAYOUT, type MatmulCall } from '../../kernels/backend.js';
import { kernels } from '../../kernels/index.js';
import { outputArray } from '../../kernels/output.js';
import { broadcastShapes, type Shape, sizeOf, stridesOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { applyElementwise } from './elementwise.js';
import { fusedProductBackward } from './fusion.js';
import type { TensorRules } from './rule.js';

/** The rules of matmul and linear. */
export const matmulRules: TensorRules<'matmul' | 'linear'> = {
  matmul: {
    forward: ([a, b], { transA, transB }) => {
      const ar = a!.shape.length;
      const br = b!.shape.length;
      const m = transA ? a!.shape[ar - 1]! : a!.shape[ar - 2]!;
      const k = transA ? a!.shape[ar - 2]! : a!.shape[ar - 1]!;
      const n = transB ? b!.shape[br - 2]! : b!.shape[br - 1]!;
      const batch = broadcastShapes(batchShape(a!.shape), batchShape(b!.shape), 'matmul');
      const shape = [...batch, m, n];
      // every kernel path overwrites the whole product (Kernels.matmul), so it needs no zero fill
      const data = outputArray(sizeOf(shape));
      batchedMatmul(a!, b!, data, batch, m, k, n, transA, transB);
      return { data, shape };
    },
    // C = op(A)·op(B): dA = G·op(B)ᵀ (or its transpose when A is read transposed), dB = op(A)ᵀ·G
    // (likewise); the transpose flags mean no transpose is ever materialised.
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const { transA, transB } = out._attrs;
      // a fused layer's product: relu's mask, the bias's sums and both products as one call
      const fused = !transA && !transB && !isRecording() ? fusedProductBackward(g, a!, b!, needs) : null;
      if (fused !== null) return [fused.dx && gradientOf(a!, fused.dx), fused.dw && gradientOf(b!, fused.dw)];
      const pair = kernels().matmulPair;
      if (needs[0] && needs[1] && pair && !isRecording() && a!.ndim === 2 && b!.ndim === 2) {
        // both gradients of one matrix product, which a backend may compute side by side
        const da = transA ? product(b!, transB, g, true) : product(g, false, b!, !transB);
        const db = transB ? product(g, true, a!, transA) : product(a!, !transA, g, false);
        pair(da, db);
        return [gradientOf(a!, da.out), gradientOf(b!, db.out)];
      }
      // each product is as large as the forward: compute only the gradients someone takes
      const da = needs[0] ? (transA ? b!._matmul(g, transB, true) : g._matmul(b!, false, !transB)) : null;
      const db = needs[1] ? (transB ? g._matmul(a!, true, transA) : a!._matmul(g, !transA, false)) : null;
      return [da && a!._gradientFor(da), db && b!._gradientFor(db)];
    },
  },
  // A dense layer fused: x [m, k], weight [n, k], optional bias [n]; relu(x·wᵀ + b) when `relu`.
  // The numbers are those of matmul, add and relu applied one after another, forward and backward.
  linear: {
    forward: ([x, w, b], { relu }) => {
      const [m, k] = x!.shape as [number, number];
      const n = w!.shape[0]!;
      const data = outputArray(m * n);
      kernels().linear(x!._data, w!._data, b?._data ?? null, data, m, k, n, relu, LINEAR_LAYOUT);
      return { data, shape: [m, n] };
    },
    // with y = relu(z), z = x·wᵀ + b: dz = [y > 0]·g (y > 0 exactly where z > 0, and NaN where z is),
    // then dx = dz·w, dw = dzᵀ·x, db = dz summed over the rows
    backward: (g, out, needs) => {
      const [x, w, b] = out.parents;
      const [m, k] = x!.shape as [number, number];
      const n = w!.shape[0]!;
      if (isRecording()) {
        const dz = out._attrs.relu ? g.mul(applyElementwise('step', [out], {})) : g;
        const dx = needs[0] ? dz._matmul(w!, false, false) : null;
        const dw = needs[1] ? dz._matmul(x!, true, false) : null;
        return b ? [dx, dw, needs[2] ? dz.sumTo(b.shape) : null] : [dx, dw];
      }
      // dx and dw are products, written whole; db arrives zeroed, as Kernels.linearBackward says
      const dx = needs[0] ? outputArray(m * k) : null;
      const dw = needs[1] ? outputArray(n * k) : null;
      const db = b && needs[2] ? new Float64Array(n) : null;
      const y = out._attrs.relu ? out._data : null;
      kernels().linearBackward(g._data, y, x!._data, w!._data, dx, dw, db, m, k, n, LINEAR_LAYOUT);
      const grads = [dx && gradientOf(x!, dx), dw && gradientOf(w!, dw)];
      return b ? [...grads, db && gradientOf(b, db)] : grads;
    },
  },
};

/** A kernel's fresh output as the gradient of input `t`, which a leaf may keep uncopied (`_gradientFor`). */
function gradientOf(t: Tensor, data: Float64Array): Tensor {
  return t._gradientFor(t._constant(data, t.shape));
}

function batchShape(shape: Shape): Shape {
  return shape.slice(0, -2);
}

/** op(x)·op(y) of two matrices as a kernel call, with a fresh output. */
function product(x: Tensor, transX: boolean, y: Tensor, transY: boolean): MatmulCall {
  const [xRows, xCols] = x.shape as [number, number];
  const [yRows, yCols] = y.shape as [number, number];
  const m = transX ? xCols : xRows;
  const k = transX ? xRows : xCols;
  const n = transY ? yRows : yCols;
  return { a: x._data, b: y._data, out: outputArray(m * n), m, k, n, transA: transX, transB: transY };
}

/** Runs the matmul kernel over broadcast batch dimensions, in one call when the batch strides allow. */
function batchedMatmul(
  a: Tensor,
  b: Tensor,
  out: Float64Array,
  batch: readonly number[],
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const k_ = kernels();
  const count = sizeOf(batch);
  const aBatch = sizeOf(batchShape(a.shape));
  const bBatch = sizeOf(batchShape(b.shape));
  if ((aBatch === count || aBatch === 1) && (bBatch === count || bBatch === 1)) {
    const aStride = aBatch === 1 ? 0 : m * k;
    const bStride = bBatch === 1 ? 0 : k * n;
    k_.matmul(a._data, b._data, out, m, k, n, transA, transB, count, aStride, bStride);
    return;
  }
  // Batch axes broadcast against each other ([2,1,…] with [1,3,…]): one call per output matrix.
  const aStrides = batchStrides(batchShape(a.shape), batch, m * k);
  const bStrides = batchStrides(batchShape(b.shape), batch, k * n);
  const index = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < count; t++) {
    let ai = 0;
    let bi = 0;
    for (let d = 0; d < batch.length; d++) {
      ai += index[d]! * aStrides[d]!;
      bi += index[d]! * bStrides[d]!;
    }
    k_.matmul(
      a._data.subarray(ai, ai + m * k),
      b._data.subarray(bi, bi + k * n),
      out.subarray(t * m * n, (t + 1) * m * n),
      m,
      k,
      n,
      transA,
      transB,
      1,
      0,
      0,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++index[d]! < batch[d]!) break;
      index[d] = 0;
    }
  }
}

/** Element strides of a batch shape read as the broadcast batch `to`, each matrix `matrix` long. */
function batchStrides(from: Shape, to: Shape, matrix: number): number[] {
  const own = stridesOf(from).map((s) => s * matrix);
  const out = new Array<number>(to.length).fill(0);
  for (let i = 0; i < from.length; i++) out[to.length - from.length + i] = from[i] === 1 ? 0 : own[i]!;
  return out;
}
