// The loops that moved from the ops into the kernel interface (permute, gather, scatter-add, concat,
// slices, prod, argmax, the masks, fills, a custom op's map, the checks' searches) give the bits the
// old loops gave, on both backends: each old loop is copied here as it was and compared, element by
// element with Object.is, on ordinary and edge shapes (empty, [0, 3], [3, 0], 0-D).

import { defineOp, setBackend, Tensor, tensor } from '@chainrule/engine';
import { afterAll, describe, expect, test } from 'vitest';
import type { Kernels, UnaryKernelOp } from '../src/kernels/backend.js';
import { getBackend } from '../src/kernels/index.js';
import { tsKernels } from '../src/kernels/ts-kernels.js';
import { createWasmKernels } from '../src/kernels/wasm/index.js';
import { createRng } from '../src/random.js';
import { sizeOf, stridesOf } from '../src/shape.js';

const initialBackend = getBackend();
afterAll(() => setBackend(initialBackend));

const wasm = createWasmKernels(tsKernels, { minElements: 0, minFlops: 0, threadMinFlops: 1 });
const backends: [string, Kernels][] = [
  ['ts', tsKernels],
  ...(wasm ? [['wasm', wasm] as [string, Kernels]] : []),
];
const publicBackends = (wasm ? ['ts', 'wasm'] : ['ts']) as ('ts' | 'wasm')[];

const rng = createRng(314);
const specials = [0, -0, 1, -1, 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
/** Normal values with ties and the values masks must keep apart: ±0, ±∞, NaN. */
function values(n: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = rng.uniform();
    if (u < 0.15) return specials[Math.floor(rng.uniform() * specials.length)]!;
    if (u < 0.3) return Math.round(rng.normal()); // ties
    return rng.normal();
  });
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect(actual[i], `${what}: element ${i}`).toBe(expected[i]);
  }
}

const around = (shape: readonly number[], axis: number): [number, number, number] => [
  sizeOf(shape.slice(0, axis)),
  shape[axis]!,
  sizeOf(shape.slice(axis + 1)),
];

// ---- the old loops, as they were in the ops -------------------------------------------------------

function oldPermute(data: Float64Array, shape: readonly number[], dims: readonly number[]): Float64Array {
  const outShape = dims.map((d) => shape[d]!);
  const inStrides = stridesOf(shape);
  const readStrides = dims.map((d) => inStrides[d]!);
  const out = new Float64Array(data.length);
  const rank = outShape.length;
  if (rank === 0 || out.length === 0) {
    out.set(data);
    return out;
  }
  const n = outShape[rank - 1]!;
  const s = readStrides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let j = 0; j < n; j++) out[o + j] = data[src + j * s]!;
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      src += readStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      src -= readStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function oldCopyAlong(
  whole: Float64Array,
  wholeShape: readonly number[],
  part: Float64Array,
  partShape: readonly number[],
  axis: number,
  index: Int32Array,
  gather: boolean,
): void {
  const [outer, len, inner] = around(partShape, axis);
  const wholeLen = wholeShape[axis]!;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const p = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) {
        const w = (o * wholeLen + index[p + i]!) * inner + i;
        if (gather) part[p + i] = whole[w]!;
        else whole[w]! += part[p + i]!;
      }
    }
  }
}

function oldProd(x: Float64Array, outer: number, len: number, inner: number): Float64Array {
  const data = new Float64Array(outer * inner).fill(1);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const xb = (o * len + j) * inner;
      for (let i = 0; i < inner; i++) data[o * inner + i]! *= x[xb + i]!;
    }
  }
  return data;
}

function oldArgmax(x: Float64Array, outer: number, len: number, inner: number): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bestValue = x[o * len * inner + i]!;
      for (let j = 1; j < len && !Number.isNaN(bestValue); j++) {
        const v = x[(o * len + j) * inner + i]!;
        if (v > bestValue || Number.isNaN(v)) {
          best = j;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
  return out;
}

/** The old max mask: 1/count where an element equals its slice's maximum. */
function oldMaxMask(a: Float64Array, shape: readonly number[], axis: number): Float64Array {
  const [outer, len, inner] = around(shape, axis);
  const maxima = new Float64Array(outer * inner);
  tsKernels.maxAxis(a, outer, len, inner, maxima);
  const m = new Float64Array(a.length);
  const counts = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < len; j++)
      for (let i = 0; i < inner; i++) {
        const at = (o * len + j) * inner + i;
        m[at] = a[at] === maxima[o * inner + i] ? 1 : 0;
        counts[o * inner + i]! += m[at]!;
      }
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < len; j++)
      for (let i = 0; i < inner; i++) {
        const at = (o * len + j) * inner + i;
        m[at] = m[at]! / counts[o * inner + i]!;
      }
  return m;
}

/** The old per-element masks, by the expressions the methods used. */
const oldMasks: Record<string, (x: number) => number> = {
  isNegative: (x) => (x < 0 ? 1 : 0),
  negativeSign: (x) => (x < 0 ? -1 : 1),
  isExactZero: (x) => (x === 0 ? 1 : 0),
  isNonZero: (x) => 1 - (x === 0 ? 1 : 0),
  finiteOrZero: (x) => (Number.isFinite(x) ? x : 0),
};

const shapes: readonly (readonly number[])[] = [
  [],
  [1],
  [5],
  [0],
  [0, 3],
  [3, 0],
  [2, 3],
  [3, 1, 4],
  [2, 0, 4],
  [2, 3, 4, 2],
];

// ---- kernel by kernel, on both backends ---------------------------------------------------------------

describe.each(backends)('the moved kernels on %s give the old loops’ bits', (_, k) => {
  test('permute, every axis order', () => {
    for (const shape of shapes) {
      const x = values(sizeOf(shape));
      const orders = shape.length === 0 ? [[]] : permutations(shape.map((__, i) => i));
      for (const dims of orders) {
        const out = new Float64Array(x.length);
        k.permute(x, shape, dims, out);
        same(out, oldPermute(x, shape, dims), `permute ${JSON.stringify(shape)} by ${dims}`);
      }
    }
  });

  test('gather and scatterAdd along every axis, indices repeated', () => {
    for (const shape of shapes.filter((s) => s.length > 0)) {
      for (let axis = 0; axis < shape.length; axis++) {
        const len = shape[axis]!;
        for (const picked of len === 0 ? [0] : [1, len, len + 2]) {
          const partShape = shape.map((d, i) => (i === axis ? picked : d));
          const index = Int32Array.from({ length: sizeOf(partShape) }, () => Math.floor(rng.uniform() * len));
          const x = values(sizeOf(shape));
          const [outer, , inner] = around(partShape, axis);
          const got = new Float64Array(index.length);
          k.gather(x, len, index, outer, picked, inner, got);
          const want = new Float64Array(index.length);
          oldCopyAlong(x, shape, want, partShape, axis, index, true);
          same(got, want, `gather ${JSON.stringify(shape)} axis ${axis}`);
          const g = values(index.length);
          const back = new Float64Array(x.length);
          k.scatterAdd(g, index, outer, picked, inner, back, len);
          const wantBack = new Float64Array(x.length);
          oldCopyAlong(wantBack, shape, g, partShape, axis, index, false);
          same(back, wantBack, `scatterAdd ${JSON.stringify(shape)} axis ${axis}`);
        }
      }
    }
  });

  test('prodAxis and argmaxAxis over every axis, and over all elements', () => {
    for (const shape of shapes) {
      const x = values(sizeOf(shape));
      const views: [number, number, number][] = [[1, x.length, 1], ...shape.map((__, a) => around(shape, a))];
      for (const [outer, len, inner] of views) {
        const out = new Float64Array(outer * inner);
        k.prodAxis(x, outer, len, inner, out);
        same(
          out,
          oldProd(x, outer, len, inner),
          `prod ${JSON.stringify(shape)} [${outer}, ${len}, ${inner}]`,
        );
        if (len === 0 && outer * inner > 0) continue; // refused by the ops: no maximum over no elements
        const best = new Float64Array(outer * inner);
        k.argmaxAxis(x, outer, len, inner, best);
        same(
          best,
          oldArgmax(x, outer, len, inner),
          `argmax ${JSON.stringify(shape)} [${outer}, ${len}, ${inner}]`,
        );
      }
    }
  });

  test('the masks the methods pick forms with', () => {
    const x = values(200);
    for (const [op, f] of Object.entries(oldMasks)) {
      const out = new Float64Array(x.length);
      k.unary(op as UnaryKernelOp, x, out);
      same(out, Array.from(x, f), op);
    }
    const y = Float64Array.from(x, (v, i) => (i % 3 === 0 ? v : values(1)[0]!));
    const eq = new Float64Array(x.length);
    k.binary('isEqual', x, [x.length], y, [y.length], eq, [x.length]);
    same(
      eq,
      Array.from(x, (v, i) => (v === y[i] ? 1 : 0)),
      'isEqual',
    );
  });

  test('fills, ranges, diagonals, draws, maps and searches', () => {
    for (const n of [0, 1, 7]) {
      const out = new Float64Array(n);
      k.fill(out, -0);
      same(out, new Float64Array(n).fill(-0), 'fill');
      k.arange(out, 0.1, 0.3);
      same(
        out,
        Array.from({ length: n }, (__, i) => 0.1 + i * 0.3),
        'arange',
      );
      const a = createRng(n);
      const b = createRng(n);
      k.generate(out, () => a.normal());
      same(
        out,
        Array.from({ length: n }, () => b.normal()),
        'generate',
      );
      const u = values(n);
      const v = values(n);
      k.map([u, v], (p, q) => Math.atan2(p!, q!), out);
      same(
        out,
        Array.from(u, (p, i) => Math.atan2(p, v[i]!)),
        'map',
      );
      expect(k.findIndex(u, Number.isNaN)).toBe(u.findIndex(Number.isNaN));
      expect(k.findNaN(u)).toBe(u.findIndex(Number.isNaN));
      // the bounds the ops search with: a domain, a sign either way, the finite numbers
      for (const [min, max] of [
        [0, Number.POSITIVE_INFINITY],
        [-1, 1],
        [Number.NEGATIVE_INFINITY, -Number.MIN_VALUE],
        [-Number.MAX_VALUE, Number.MAX_VALUE],
      ] as const) {
        expect(k.findOutside(u, min, max)).toBe(u.findIndex((x) => x < min || x > max));
      }
      // x > -MIN_VALUE is x >= 0 (sigmoid's test that no element is >= 0), zeros of both signs included
      expect(k.findOutside(Float64Array.of(-1, -0), Number.NEGATIVE_INFINITY, -Number.MIN_VALUE)).toBe(1);
    }
    for (const [rows, cols] of [
      [0, 3],
      [3, 0],
      [2, 3],
      [3, 2],
      [3, 3],
    ] as const) {
      const out = new Float64Array(rows * cols);
      k.fillDiagonal(out, rows, cols, 1);
      const want = new Float64Array(rows * cols);
      for (let i = 0; i < Math.min(rows, cols); i++) want[i * cols + i] = 1;
      same(out, want, `diagonal ${rows}×${cols}`);
    }
    const picks = new Int32Array(4);
    expect(k.toIndices(Float64Array.of(0, 2, 1, 2), 3, picks)).toBe(-1);
    same(picks, [0, 2, 1, 2], 'toIndices');
    expect(k.toIndices(Float64Array.of(0, 1.5, 3), 3, new Int32Array(3))).toBe(1);
    expect(k.toIndices(Float64Array.of(0, 1, 3), 3, new Int32Array(3))).toBe(2);
    expect(k.toIndices(Float64Array.of(Number.NaN), 3, new Int32Array(1))).toBe(0);
  });
});

// ---- through the public methods, on both backends --------------------------------------------------

describe.each(publicBackends)('the methods over the moved kernels on %s', (backend) => {
  test('concat and slices (empty pieces included) keep the old bits; gradients land where they came from', () => {
    setBackend(backend);
    for (const [a, b] of [
      [
        [2, 3],
        [2, 1],
      ],
      [
        [0, 3],
        [0, 2],
      ],
      [
        [2, 0],
        [2, 4],
      ],
      [
        [3, 2, 2],
        [3, 0, 2],
      ],
    ] as const) {
      const x = new Tensor(values(sizeOf(a)), a, { requiresGrad: true });
      const y = new Tensor(values(sizeOf(b)), b, { requiresGrad: true });
      const z = Tensor.concat([x, y], 1);
      const [outer, , inner] = around(z.shape, 1);
      const want = new Float64Array(z.size);
      let offset = 0;
      for (const t of [x, y]) {
        const row = t.shape[1]! * inner;
        for (let o = 0; o < outer; o++)
          want.set(t.data.subarray(o * row, (o + 1) * row), o * z.shape[1]! * inner + offset);
        offset += row;
      }
      same(z.data, want, `concat ${a} ${b}`);
      const w = new Tensor(values(z.size), z.shape);
      z.mul(w).sum().backward();
      same(x.grad!.data, w.slice(null, [0, a[1]]).data, `concat's gradient ${a}`);
    }
    const t = new Tensor(values(4 * 5 * 3), [4, 5, 3], { requiresGrad: true });
    const s = t.slice([1, 4, 2], [4, 5], 1);
    const want: number[] = [];
    for (const i of [1, 3]) for (const j of [4]) want.push(t.data[(i * 5 + j) * 3 + 1]!);
    same(s.data, want, 'slice');
    s.sum().backward();
    const grad = new Float64Array(t.size);
    for (const i of [1, 3]) grad[(i * 5 + 4) * 3 + 1] = 1;
    same(t.grad!.data, grad, 'unslice');
    expect(tensor([[1, 2, 3]]).slice([1, 1]).shape).toEqual([0, 3]);
  });

  test("max's gradient mask, prod, argmax and argmin, with the [0, 3] edges", () => {
    setBackend(backend);
    for (const shape of [
      [4, 5],
      [3, 1, 4],
      [2, 3, 4, 2],
    ]) {
      for (let axis = 0; axis < shape.length; axis++) {
        const data = values(sizeOf(shape)).map((v) => (Number.isNaN(v) ? 0 : v));
        const x = new Tensor(data, shape, { requiresGrad: true });
        x.max(axis).sum().backward();
        same(x.grad!.data, oldMaxMask(data, shape, axis), `max's mask ${shape} axis ${axis}`);
        const [outer, len, inner] = around(shape, axis);
        same(x.prod(axis).data, oldProd(data, outer, len, inner), `prod ${shape} axis ${axis}`);
        same(x.argmax(axis).data, oldArgmax(data, outer, len, inner), `argmax ${shape} axis ${axis}`);
        const negated = data.map((v) => -v);
        same(x.argmin(axis).data, oldArgmax(negated, outer, len, inner), `argmin ${shape} axis ${axis}`);
      }
    }
    // PyTorch: only the reduced axis must have elements
    const empty = Tensor.zeros([0, 3]);
    for (const op of ['argmax', 'argmin'] as const) {
      expect(empty[op](1).shape).toEqual([0]);
      expect(empty[op](-1).size).toBe(0);
      expect(() => empty[op](0)).toThrow(
        `${op}: cannot take the ${op === 'argmax' ? 'maximum' : 'minimum'} over no elements: axis 0 of [0,3] is empty`,
      );
      expect(() => empty[op]()).toThrow(`${op}: cannot take the`);
    }
    expect(Tensor.zeros([3, 0]).prod(1).toArray()).toEqual([1, 1, 1]);
  });

  test('sigmoid, norm and logSumExp over their masks; fills; a custom op; gather’s index check', () => {
    setBackend(backend);
    const x = tensor([-3, -0, 0, 2, -1e-300, 40, -40]);
    const sig = x.sigmoid().data;
    const e = (v: number) => (v < 0 ? Math.exp(v) / (1 + Math.exp(v)) : 1 / (1 + Math.exp(-v)));
    for (let i = 0; i < sig.length; i++) expect(sig[i]).toBeCloseTo(e(x.data[i]!), 12);
    const z = tensor(
      [
        [0, 0],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    z.norm(2, 1).sum().backward();
    same(z.grad!.data.subarray(0, 2), [0, 0], "norm's gradient at the zero row");
    expect(z.grad!.data[3]).toBeCloseTo(0.8, 15);
    same(tensor([[-Infinity, -Infinity]]).logSumExp(1).data, [-Infinity], 'logSumExp of -∞');
    same(Tensor.full([2, 2], -0).data, [-0, -0, -0, -0], 'full');
    same(Tensor.arange(0, 1, 0.3).data, [0, 0.3, 0.6, 0.8999999999999999], 'arange');
    same(Tensor.eye(2, 3).data, [1, 0, 0, 0, 1, 0], 'eye');
    const draws = createRng(5);
    same(
      Tensor.randn([3], { rng: createRng(5) }).data,
      [draws.normal(), draws.normal(), draws.normal()],
      'randn',
    );
    const hypot = defineOp<Tensor>({
      name: 'hypot',
      forward: (a, b) => Math.hypot(a!, b!),
      backward: (g: Tensor, { inputs: [a, b], output }) => [g.mul(a!).div(output), g.mul(b!).div(output)],
    });
    same(hypot(tensor([3, 5]), tensor([4, 12])).data, [5, 13], 'a custom op’s map');
    expect(() => tensor([1, 2]).gather(0, tensor([0, 2]))).toThrow(
      'gather: index 2 (element 1) is out of range for axis 0 of size 2',
    );
  });
});

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]),
  );
}
