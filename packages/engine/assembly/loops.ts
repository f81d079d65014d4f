// The elementwise loops as templates: each takes its op as an argument and is inlined by the
// dispatchers in generated/dispatch.ts once per op, with that op a constant, so the optimizer folds
// the lane function's switch away and each op's loop is compiled on its own. (One loop with the op a
// run-time argument, switched on for every pair of elements, took twice as long over a [900, 50]
// matrix.) They are a class's static methods only so that they can carry AssemblyScript's `@inline`,
// which TypeScript syntax allows on methods alone (as matmul.ts's Tile).
//
// Every loop runs two lanes at a time and an odd last element through the same lane function, so
// there is one definition of each op.

import { binaryLanes, unaryLanes } from './generated/ops';

// biome-ignore lint/complexity/noStaticOnlyClass: see above, a function cannot carry the decorator
export class Loop {
  /** out[i] = op(x[i]) for i < n, with the op's parameters p0, p1. */
  @inline
  static unary(op: i32, x: usize, out: usize, n: i32, p0: f64, p1: f64): void {
    const end = out + ((<usize>n) << 3);
    const pairs = out + ((<usize>(n & ~1)) << 3);
    for (; out < pairs; out += 16, x += 16) v128.store(out, unaryLanes(op, v128.load(x), p0, p1));
    if (out < end) store<f64>(out, f64x2.extract_lane(unaryLanes(op, f64x2.splat(load<f64>(x)), p0, p1), 0));
  }

  /**
   * The rows of `out` (`rows` × `width`): row r reads `width` values of a from `a + r·aRow` and of b
   * from `b + r·bRow` (byte strides: a whole matrix steps by a row, a repeated row by 0).
   */
  @inline
  static rows(
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

  /**
   * The rows of `out` (`rows` × `width`) from a matrix `full` of the same shape and a column `col` of
   * `rows` values, one per row: out[r, j] = op(full[r, j], col[r]), or op(col[r], full[r, j]) when
   * `colFirst` (a bias of shape [m, 1] added to an [m, n] matrix, the tutorial's column layout).
   */
  @inline
  static columns(op: i32, full: usize, col: usize, colFirst: bool, out: usize, rows: i32, width: i32): void {
    const pairBytes = (<usize>(width & ~1)) << 3;
    const bytes = (<usize>width) << 3;
    for (let r = 0; r < rows; r++, full += bytes, out += bytes, col += 8) {
      const c = f64x2.splat(load<f64>(col));
      let i: usize = 0;
      if (colFirst) {
        for (; i < pairBytes; i += 16) v128.store(out + i, binaryLanes(op, c, v128.load(full + i)));
        if (i < bytes) {
          store<f64>(out + i, f64x2.extract_lane(binaryLanes(op, c, f64x2.splat(load<f64>(full + i))), 0));
        }
      } else {
        for (; i < pairBytes; i += 16) v128.store(out + i, binaryLanes(op, v128.load(full + i), c));
        if (i < bytes) {
          store<f64>(out + i, f64x2.extract_lane(binaryLanes(op, f64x2.splat(load<f64>(full + i)), c), 0));
        }
      }
    }
  }

  /** out[i] = op(a[i], s) for i < n when `scalarFirst` is 0, op(s, a[i]) otherwise. */
  @inline
  static scalar(op: i32, a: usize, s: f64, scalarFirst: bool, out: usize, n: i32): void {
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
}
