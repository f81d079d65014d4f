// The fused steps of a dense layer on a matmul instance (matmul-instance.ts): two products side by
// side on two threads, and the whole backward pass in one trip through the memory, reading operands
// that earlier kernels left resident.

import type { Kernels, MatmulCall } from '../backend.js';
import { ALIGN, type MatmulInstance, roundUp } from './matmul-instance.js';
import { getNumThreads } from './thread-count.js';

/**
 * `Kernels.matmulPair`: with exactly two threads allowed and both products large enough to thread,
 * each runs whole on its own thread (no chunks to balance, and an operand the two share is copied
 * in once), so each result is exactly the one-thread product's; otherwise they run one after the
 * other, each exactly as `matmul` gives it.
 */
export function matmulPair(s: MatmulInstance, first: MatmulCall, second: MatmulCall): void {
  const large = (p: MatmulCall) => p.m * p.k * p.n >= Math.max(s.minFlops, s.threadMinFlops);
  const paired = getNumThreads() === 2 && large(first) && large(second) && side(s, first, second);
  if (paired) return;
  for (const p of [first, second]) s.matmul(p.a, p.b, p.out, p.m, p.k, p.n, p.transA, p.transB, 1, 0, 0);
}

/** Both products at once, one on the caller and one on a worker; false when that cannot be arranged. */
function side(s: MatmulInstance, first: MatmulCall, second: MatmulCall): boolean {
  if (s.threads(2) !== 2) return false;
  // every distinct operand once, then each product's C and its packing scratch
  const operands = [first.a, first.b, second.a, second.b];
  const lengths = [first.m * first.k, first.k * first.n, second.m * second.k, second.k * second.n];
  const needed = new Map<Float64Array, number>();
  operands.forEach((x, i) => {
    needed.set(x, Math.max(needed.get(x) ?? 0, lengths[i]!));
  });
  const places = new Map<Float64Array, number>();
  let at = s.heapBase;
  for (const [x, length] of needed) {
    places.set(x, at);
    at = roundUp(at + length * 8, ALIGN);
  }
  const layout = [first, second].map((p) => {
    const c = at;
    at = roundUp(c + p.m * p.n * 8, ALIGN);
    const kc = Math.min(s.kc, p.k);
    const packA = at;
    at = roundUp(packA + roundUp(Math.min(s.mc, p.m), 4) * kc * 8, ALIGN);
    const packB = at;
    at = roundUp(packB + roundUp(Math.min(s.nc, p.n), 4) * kc * 8, ALIGN);
    return { c, packA, packB };
  });
  if (!s.reserve(at)) return false;
  const view = s.view;
  for (const [x, length] of needed) view.set(x.subarray(0, length), places.get(x)! / 8);
  const argSets = [first, second].map((p, i) => {
    const { c, packA, packB } = layout[i]!;
    const flags = [p.transA ? 1 : 0, p.transB ? 1 : 0];
    return [
      packA,
      packB,
      places.get(p.a)!,
      places.get(p.b)!,
      c,
      p.m,
      p.k,
      p.n,
      ...flags,
      0,
      0,
      0,
      1,
      0,
      p.m,
      0,
      p.n,
      0,
      0,
    ];
  });
  s.pool!.runEach(argSets, 2, s.kernel);
  [first, second].forEach((p, i) => {
    const c = layout[i]!.c / 8;
    p.out.set(view.subarray(c, c + p.m * p.n));
  });
  return true;
}

/**
 * `Kernels.linearBackward` in one pass through the memory: g, y and x read where the forward pass
 * and the layer above left them when their copies are still resident (else copied in, as w is),
 * the mask and the bias's sums computed in place on g (linearGrad), both products reading dz where
 * it lies, side by side on two threads or one after the other on one, and the results copied out
 * (dx's copy left resident for the layer below). False where that would not give exactly what the
 * separate kernels give (more threads than two, a product that `matmul` would split or leave to
 * the base kernel) or the memory cannot hold it: the caller composes the separate kernels instead.
 */
export function fusedLinearBackward(
  s: MatmulInstance,
  ...[g, y, x, w, dx, dw, db, m, k, n, layout]: Parameters<Kernels['linearBackward']>
): boolean {
  const flops = m * n * k;
  if ((!dx && !dw) || flops === 0 || flops < s.minFlops) return false;
  // each product as one kernel call, as matmul runs it on one thread; or both at once, as matmulPair
  const threaded = getNumThreads() > 1 && flops >= s.threadMinFlops;
  if (threaded && (getNumThreads() !== 2 || !dx || !dw || s.threads(2) !== 2)) return false;
  let at = s.heapBase;
  const place = (length: number): number => {
    const start = at;
    at = roundUp(at + length * 8, ALIGN);
    return start;
  };
  // room for every operand in the scratch; those found resident are read from the ring instead
  const operands = { g: place(m * n), y: y ? place(m * n) : 0, x: dw ? place(m * k) : 0 };
  const wAt = dx ? place(n * k) : 0;
  const dbAt = db ? place(db.length) : 0;
  // dx = dz·op(w)ᵀ is m×k over a depth of n; w's gradient is n×k (dzᵀ·x) or k×n (xᵀ·dz) over m
  const shapes = [
    dx ? { rows: m, depth: n, cols: k } : null,
    dw ? (layout.wTransposed ? { rows: n, depth: m, cols: k } : { rows: k, depth: m, cols: n }) : null,
  ];
  const packs = shapes.map((shape) => {
    if (!shape) return null;
    const kc = Math.min(s.kc, shape.depth);
    return {
      a: place(roundUp(Math.min(s.mc, shape.rows), 4) * kc),
      b: place(roundUp(Math.min(s.nc, shape.cols), 4) * kc),
      c: place(shape.rows * shape.cols),
    };
  });
  if (!s.reserve(at)) return false;
  const view = s.view;
  const ring = s.resident;
  // g, y and x must be different arrays to be read in place: g is masked where it lies
  const inPlace = s.ringReady() && g !== y && g !== x && y !== x;
  const keep: [number, number][] = [];
  for (const [name, array] of [
    ['g', g],
    ['y', y],
    ['x', dw ? x : null],
  ] as const) {
    if (!array) continue;
    const found = inPlace ? ring.find(array) : -1;
    if (found >= 0) {
      operands[name] = found;
      keep.push([found, found + array.length * 8]);
    } else view.set(array, operands[name] / 8);
  }
  if (y) ring.forget(g);
  if (dx) view.set(w, wAt / 8);
  if (dx && inPlace) {
    const slot = ring.claim(dx, keep);
    if (slot >= 0) packs[0]!.c = slot;
  }
  s.exports.linearGrad(operands.g, operands.y, dbAt, m, n, layout.biasPerRow ? 1 : 0);
  // each product's operands and whether each is read transposed
  const factors: [a: number, b: number, transA: number, transB: number][] = [
    [operands.g, wAt, 0, layout.wTransposed ? 0 : 1],
    layout.wTransposed ? [operands.g, operands.x, 1, 0] : [operands.x, operands.g, 1, 0],
  ];
  const products: number[][] = [];
  const outputs: [Float64Array, number][] = [];
  [dx, dw].forEach((out, i) => {
    const [shape, pack] = [shapes[i], packs[i]];
    if (!out || !shape || !pack) return;
    const [a, b, transA, transB] = factors[i]!;
    const { rows, depth, cols } = shape;
    const call = [pack.a, pack.b, a, b, pack.c, rows, depth, cols, transA, transB, 0, 0];
    products.push([...call, 0, 1, 0, rows, 0, cols, 0, 0]); // one batch item, every row and column
    outputs.push([out, pack.c]);
  });
  if (threaded) s.pool!.runEach(products, 2, s.kernel);
  else for (const args of products) s.kernel(...args);
  for (const [out, c] of outputs) out.set(view.subarray(c / 8, c / 8 + out.length));
  if (db) db.set(view.subarray(dbAt / 8, dbAt / 8 + db.length));
  return true;
}
