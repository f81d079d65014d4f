// AssemblyScript source of the WebAssembly elementwise kernels: f64x2 loops over operands the host
// has copied into this module's memory.
//
// Each op gives exactly the numbers of the TypeScript loop it replaces (src/kernels/ts-elementwise.ts):
// IEEE add, sub, mul and div round alike everywhere; f64x2.min and f64x2.max treat NaN and signed
// zeros as Math.min and Math.max do; the masks (step, sign, gtHalf, reluGrad) pick whole lanes with
// bitselect and give NaN where the comparison is unordered. So the backend can switch between the two
// at any size without changing a result. Every loop runs two lanes at a time and an odd last element
// through the same lane function, so there is one definition of each op. The op is a run-time
// argument: the switch inside a loop always takes the same branch, and the loops are bound by memory
// (a copy of each loop per op measured no faster). The op codes are the indices of the host's tables
// in src/kernels/wasm/wasm-elementwise.ts.

import { reluLanes } from './lanes';

const NEG: i32 = 0;
const RELU: i32 = 1;
const RECIPROCAL: i32 = 2;
const ABS: i32 = 3;
const STEP: i32 = 4;
const SIGN: i32 = 5;

const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;
const MAXIMUM: i32 = 4;
const MINIMUM: i32 = 5;
const GT_HALF: i32 = 6;
/** Exported for assembly/matmul.ts, whose dense-layer backward masks with the same lanes. */
export const RELU_GRAD: i32 = 7;

/** The first byte the host may use. */
export function heapBase(): usize {
  return __heap_base;
}

function pick(yes: f64, no: v128, mask: v128): v128 {
  return v128.bitselect(f64x2.splat(yes), no, mask);
}

function unaryLanes(op: i32, x: v128): v128 {
  const nan = f64x2.splat(NaN);
  switch (op) {
    case NEG:
      return f64x2.neg(x);
    case RELU:
      return reluLanes(x);
    case RECIPROCAL:
      return f64x2.div(f64x2.splat(1), x);
    case ABS:
      return f64x2.abs(x);
    case STEP:
      // 1 where x > 0, 0 where x <= 0, NaN where x is NaN
      return pick(1, pick(0, nan, f64x2.le(x, f64x2.splat(0))), f64x2.gt(x, f64x2.splat(0)));
    case SIGN: {
      // 1, -1, 0 at ±0, NaN at NaN
      const zero = f64x2.splat(0);
      return pick(1, pick(-1, pick(0, nan, f64x2.eq(x, zero)), f64x2.lt(x, zero)), f64x2.gt(x, zero));
    }
    default:
      return nan; // no such op: the host never sends one
  }
}

function binaryLanes(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD:
      return f64x2.add(a, b);
    case SUB:
      return f64x2.sub(a, b);
    case MUL:
      return f64x2.mul(a, b);
    case DIV:
      return f64x2.div(a, b);
    case MAXIMUM:
      return f64x2.max(a, b);
    case MINIMUM:
      return f64x2.min(a, b);
    case GT_HALF:
      // 1 where a > b, 1/2 where a = b, 0 where a < b, NaN where unordered
      return pick(1, pick(0.5, pick(0, f64x2.splat(NaN), f64x2.lt(a, b)), f64x2.eq(a, b)), f64x2.gt(a, b));
    case RELU_GRAD: {
      // a where b > 0, a·0 where b <= 0, NaN where b is NaN
      const zero = f64x2.splat(0);
      const off = v128.bitselect(f64x2.mul(a, zero), f64x2.splat(NaN), f64x2.le(b, zero));
      return v128.bitselect(a, off, f64x2.gt(b, zero));
    }
    default:
      return f64x2.splat(NaN); // no such op: the host never sends one
  }
}

/** out[i] = op(x[i]) for i < n, with the op codes above. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  const end = out + ((<usize>n) << 3);
  const pairs = out + ((<usize>(n & ~1)) << 3);
  for (; out < pairs; out += 16, x += 16) v128.store(out, unaryLanes(op, v128.load(x)));
  if (out < end) store<f64>(out, f64x2.extract_lane(unaryLanes(op, f64x2.splat(load<f64>(x))), 0));
}

/**
 * The rows of `out` (`rows` × `width`): row r reads `width` values of a from `a + r·aRow` and of b
 * from `b + r·bRow` (byte strides: a whole matrix steps by a row, a repeated row by 0).
 */
export function binaryRows(
  op: i32,
  a: usize,
  aRow: usize,
  b: usize,
  bRow: usize,
  out: usize,
  rows: i32,
  width: i32,
): void {
  const pairBytes = (<usize>(width & ~1)) << 3;
  const odd = (width & 1) !== 0;
  for (let r = 0; r < rows; r++) {
    let i: usize = 0;
    for (; i < pairBytes; i += 16) v128.store(out + i, binaryLanes(op, v128.load(a + i), v128.load(b + i)));
    if (odd) {
      const x = binaryLanes(op, f64x2.splat(load<f64>(a + i)), f64x2.splat(load<f64>(b + i)));
      store<f64>(out + i, f64x2.extract_lane(x, 0));
      i += 8;
    }
    out += i;
    a += aRow;
    b += bRow;
  }
}

/** out[i] = op(a[i], s) for i < n when `scalarFirst` is 0, op(s, a[i]) otherwise. */
export function binaryScalar(op: i32, a: usize, s: f64, scalarFirst: bool, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + ((<usize>n) << 3);
  const pairs = out + ((<usize>(n & ~1)) << 3);
  if (scalarFirst) {
    for (; out < pairs; out += 16, a += 16) v128.store(out, binaryLanes(op, sv, v128.load(a)));
    if (out < end) store<f64>(out, f64x2.extract_lane(binaryLanes(op, sv, f64x2.splat(load<f64>(a))), 0));
  } else {
    for (; out < pairs; out += 16, a += 16) v128.store(out, binaryLanes(op, v128.load(a), sv));
    if (out < end) store<f64>(out, f64x2.extract_lane(binaryLanes(op, f64x2.splat(load<f64>(a)), sv), 0));
  }
}

/**
 * Column sums of a `rows` × `width` matrix, each summed down the rows in order (as the TypeScript
 * loop adds them, so the numbers agree exactly): out[j] = ((0 + x[0, j]) + x[1, j]) + ….
 */
export function sumRows(x: usize, out: usize, rows: i32, width: i32): void {
  const bytes = (<usize>width) << 3;
  const pairBytes = (<usize>(width & ~1)) << 3;
  memory.fill(out, 0, bytes);
  for (let r = 0; r < rows; r++) {
    let i: usize = 0;
    for (; i < pairBytes; i += 16) v128.store(out + i, f64x2.add(v128.load(out + i), v128.load(x + i)));
    if (i < bytes) store<f64>(out + i, load<f64>(out + i) + load<f64>(x + i));
    x += bytes;
  }
}
