// AssemblyScript source of a dense layer's steps around its product (matmul.ts): the bias and relu
// applied to each finished block of C, and the relu mask and bias sums of the backward pass, on
// operands already in the matmul module's memory.

import { binaryColumns, binaryRows, RELU_GRAD, sumRows, unary } from './elementwise';
import { BINARY_ADD, UNARY_RELU } from './generated/ops';
import { reluLanes } from './lanes';
import { sumEachRow } from './reduce';

/**
 * A dense layer's epilogue on a block of C in place (`rows` × `cols`, rows `ldc` bytes apart): each
 * row plus the `cols` values at `bias` when `hasBias`, then max(·, 0) when `relu`. f64x2.add rounds
 * as JavaScript's + does and the relu lanes (lanes.ts) treat NaN and signed zeros as Math.max does,
 * so the numbers are those of the elementwise add and relu applied to the finished product.
 */
export function epilogueBlock(
  c: usize,
  ldc: usize,
  bias: usize,
  rows: i32,
  cols: i32,
  hasBias: bool,
  relu: bool,
): void {
  // a loop per case, so that nothing is decided inside one
  const pairs = (<usize>(cols & ~1)) << 3;
  const odd = (cols & 1) !== 0;
  for (let i = 0; i < rows; i++) {
    const row = c + <usize>i * ldc;
    if (hasBias && relu) {
      for (let j: usize = 0; j < pairs; j += 16) {
        v128.store(row + j, reluLanes(f64x2.add(v128.load(row + j), v128.load(bias + j))));
      }
    } else if (hasBias) {
      for (let j: usize = 0; j < pairs; j += 16)
        v128.store(row + j, f64x2.add(v128.load(row + j), v128.load(bias + j)));
    } else {
      for (let j: usize = 0; j < pairs; j += 16) v128.store(row + j, reluLanes(v128.load(row + j)));
    }
    if (odd) {
      let x = load<f64>(row + pairs);
      if (hasBias) x += load<f64>(bias + pairs);
      if (relu) x = max<f64>(x, 0);
      store<f64>(row + pairs, x);
    }
  }
}

/**
 * A bias of one value per row (the column layout's [m, 1]) on a finished m×n product C in place, then
 * max(·, 0) when `relu`: the elementwise module's column add and relu loops, so the numbers are those
 * of the separate add and relu kernels. A pass of its own after the product, which keeps the
 * product's loops (matmul.ts) as they were: a per-row case inside them made them slower.
 */
export function biasPerRow(c: usize, bias: usize, m: i32, n: i32, relu: bool): void {
  binaryColumns(BINARY_ADD, c, bias, false, c, m, n);
  if (relu) unary(UNARY_RELU, c, c, m * n, 0, 0);
}

/**
 * A dense layer's backward before its two products, in place on the output gradient g (m×n): masked
 * by relu's output at `y` when `y` is not 0 (the elementwise module's reluGrad lanes), then summed into
 * `db` when `db` is not 0: down the rows (its sumRows), or along each row when `perRow` (the
 * reductions' sumEachRow), so the numbers are exactly those of the separate kernels.
 */
export function linearGrad(g: usize, y: usize, db: usize, m: i32, n: i32, perRow: bool): void {
  if (y !== 0) binaryRows(RELU_GRAD, g, 0, y, 0, g, 1, m * n);
  if (db === 0) return;
  // as the host's sumTo does it: a sum of one element each (db as long as g) is a copy, so a -0
  // stays -0; every other sum starts from 0
  if (perRow) {
    if (n === 1 && m > 1) memory.copy(db, g, (<usize>m) << 3);
    else sumEachRow(g, db, m, n);
  } else if (m === 1 && n > 1) memory.copy(db, g, (<usize>n) << 3);
  else sumRows(g, db, m, n);
}
