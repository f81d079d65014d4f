// Weight initialisers, all seeded: PyTorch's default, Kaiming/He and Xavier/Glorot (normal and uniform), plain normal.

import type { Rng } from '@chainrule/engine';
import { checkInteger, kindOf } from './errors.js';
import { checkRng } from './random-option.js';

/**
 * How a layer's weights (and biases) are drawn. `fanIn` and `fanOut` are the layer's input and
 * output sizes.
 *
 * - `'pytorch'`: PyTorch's `nn.Linear` default: weight and bias uniform in ±1/√fanIn.
 * - `'kaimingNormal'`, `'kaimingUniform'`: He et al. for ReLU: variance 2/fanIn; bias 0.
 * - `'xavierNormal'`, `'xavierUniform'`: Glorot and Bengio for sigmoid and tanh: variance
 *   2/(fanIn + fanOut); bias 0.
 * - `{ normal: std }`: weight and bias normal with that standard deviation, as seed 002's
 *   `randn(...) * 0.1` is `{ normal: 0.1 }`.
 */
export type Init =
  | 'pytorch'
  | 'kaimingNormal'
  | 'kaimingUniform'
  | 'xavierNormal'
  | 'xavierUniform'
  | { normal: number };

/** The names `Init` accepts as strings. */
export const INIT_NAMES = [
  'pytorch',
  'kaimingNormal',
  'kaimingUniform',
  'xavierNormal',
  'xavierUniform',
] as const;

/** @internal Checks an `Init`, naming the op. */
export function checkInit(op: string, init: unknown): Init {
  if (typeof init === 'string' && (INIT_NAMES as readonly string[]).includes(init)) return init as Init;
  if (typeof init === 'object' && init !== null && !Array.isArray(init)) {
    const std = (init as { normal?: unknown }).normal;
    if (typeof std === 'number' && Number.isFinite(std) && std >= 0) return { normal: std };
  }
  throw new TypeError(
    `${op}: init must be one of ${INIT_NAMES.join(', ')} or { normal: std }, got ${kindOf(init)}`,
  );
}

/**
 * Fills a layer's weight (fanOut × fanIn numbers) and bias (fanOut numbers) in place as `init` says,
 * drawing weights first, then biases, from `rng`.
 *
 * @example
 * ```ts
 * const w = new Float64Array(8), b = new Float64Array(2);
 * initialize('kaimingNormal', w, b, 4, 2, createRng(0)); // w ~ N(0, 2/4), b = 0
 * ```
 */
export function initialize(
  init: Init,
  weight: Float64Array,
  bias: Float64Array | null,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): void {
  checkArguments(init, weight, bias, fanIn, fanOut, rng);
  const uniform = (out: Float64Array, bound: number): void => {
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
  };
  const normal = (out: Float64Array, std: number): void => {
    for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
  };
  if (typeof init === 'object') {
    normal(weight, init.normal);
    if (bias !== null) normal(bias, init.normal);
    return;
  }
  switch (init) {
    case 'pytorch': {
      // kaiming_uniform_(a=√5) gives bound √(6 / ((1 + 5)·fanIn)) = 1/√fanIn; the bias uses the same bound
      const bound = 1 / Math.sqrt(fanIn);
      uniform(weight, bound);
      if (bias !== null) uniform(bias, bound);
      return;
    }
    case 'kaimingNormal':
      normal(weight, Math.sqrt(2 / fanIn));
      break;
    case 'kaimingUniform':
      uniform(weight, Math.sqrt(6 / fanIn));
      break;
    case 'xavierNormal':
      normal(weight, Math.sqrt(2 / (fanIn + fanOut)));
      break;
    case 'xavierUniform':
      uniform(weight, Math.sqrt(6 / (fanIn + fanOut)));
      break;
  }
  bias?.fill(0);
}

/** Refuses arguments `initialize` cannot use, before anything is written: the call and what arrived. */
function checkArguments(...args: Parameters<typeof initialize>): void {
  const op = 'initialize';
  const [init, weight, bias, fanIn, fanOut, rng] = args as unknown[];
  const call = `${op}(init, weight, bias, fanIn, fanOut, rng)`;
  try {
    checkInit(op, init);
  } catch (e) {
    throw new TypeError(`${(e as Error).message}; the call is ${call}`);
  }
  if (!(weight instanceof Float64Array)) {
    throw new TypeError(`${op}: weight must be a Float64Array, got ${kindOf(weight)}; the call is ${call}`);
  }
  if (bias !== null && !(bias instanceof Float64Array)) {
    throw new TypeError(`${op}: bias must be a Float64Array or null, got ${kindOf(bias)}`);
  }
  checkInteger(op, 'fanIn', fanIn, 1);
  checkInteger(op, 'fanOut', fanOut, 1);
  checkRng(op, rng);
  if (weight.length !== (fanIn as number) * (fanOut as number)) {
    throw new RangeError(
      `${op}: weight has ${weight.length} elements, expected fanOut × fanIn = ${fanOut} × ${fanIn}`,
    );
  }
  if (bias !== null && bias.length !== fanOut) {
    throw new RangeError(`${op}: bias has ${bias.length} elements, expected fanOut = ${fanOut}`);
  }
}
