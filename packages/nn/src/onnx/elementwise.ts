// The engine's elementwise ops as ONNX operators: one operator where ONNX has it with the engine's meaning
// and onnxruntime runs it in the model's dtype, else a composition (math.ts) that computes the same value.

import type { OnnxGraph } from './graph.js';
import { lowerMask } from './masks.js';
import { acos, asin, atan, atan2, cosh, erf, expm1, log1p, sinh, tan } from './math.js';

const BINARY = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', maximum: 'Max', minimum: 'Min' } as const;
const UNARY = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  tanh: 'Tanh',
  relu: 'Relu',
  reciprocal: 'Reciprocal',
  abs: 'Abs',
  sign: 'Sign',
  sqrt: 'Sqrt',
  sin: 'Sin',
  cos: 'Cos',
} as const;

/** 2/√π and the tanh GELU's constants, as the engine's activations.ts computes them. */
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const GELU_BETA = Math.SQRT2 * TWO_OVER_SQRT_PI * 0.5;
const GELU_KAPPA = 0.044715;

/** An elementwise op's numeric parameter. */
function num(params: Readonly<Record<string, number | string>> | null, key: string): number {
  return params![key] as number;
}

/**
 * The output name of the elementwise op `op` over `ins` (input names) with its recorded parameters,
 * or null when `op` is not elementwise. `pow`'s number exponent is `params.exponent`.
 */
export function lowerElementwise(
  g: OnnxGraph,
  op: string,
  params: Readonly<Record<string, number | string | null>> | null,
  ins: readonly string[],
): string | null {
  const [x] = ins as [string];
  const node = (type: string, ...inputs: string[]) => g.node(type, inputs);
  const p = params as Readonly<Record<string, number | string>> | null;
  if (Object.hasOwn(BINARY, op)) return node(BINARY[op as keyof typeof BINARY], ...ins);
  if (Object.hasOwn(UNARY, op)) return node(UNARY[op as keyof typeof UNARY], x);
  switch (op) {
    case 'pow': {
      const exponent = params?.exponent as number | null;
      // the engine's kernel computes x^0.5 as Math.sqrt, exactly
      if (exponent === 0.5) return node('Sqrt', x);
      return node('Pow', x, exponent === null ? ins[1]! : g.scalar(exponent));
    }
    case 'square':
      return node('Mul', x, x);
    case 'rsqrt':
      return node('Reciprocal', node('Sqrt', x));
    case 'clamp': {
      // min(max(x, min), max) as the engine computes it (a bound of ±Infinity changes nothing)
      const [lo, hi] = [num(p, 'min'), num(p, 'max')];
      const low = lo === Number.NEGATIVE_INFINITY ? x : node('Max', x, g.scalar(lo));
      return hi === Number.POSITIVE_INFINITY ? node('Identity', low) : node('Min', low, g.scalar(hi));
    }
    case 'expm1':
      return expm1(g, x);
    case 'log1p':
      return log1p(g, x);
    case 'log2':
      return node('Div', node('Log', x), g.scalar(Math.LN2));
    case 'log10':
      return node('Div', node('Log', x), g.scalar(Math.LN10));
    case 'tan':
      return tan(g, x);
    case 'asin':
      return asin(g, x);
    case 'acos':
      return acos(g, x);
    case 'atan':
      return atan(g, x);
    case 'atan2':
      return atan2(g, ins[0]!, ins[1]!);
    case 'sinh':
      return sinh(g, x);
    case 'cosh':
      return cosh(g, x);
    case 'erf':
      return erf(g, x);
    case 'leakyRelu': {
      // ONNX's alpha is a float attribute, 32 bits: exact only in a float32 model
      const slope = num(p, 'slope');
      if (g.dtype === 'float32') return g.node('LeakyRelu', [x], { alpha: { float: slope } });
      return node('Where', node('Greater', x, g.scalar(0)), x, node('Mul', x, g.scalar(slope)));
    }
    case 'elu': {
      const alpha = num(p, 'alpha');
      if (g.dtype === 'float32') return g.node('Elu', [x], { alpha: { float: alpha } });
      return node('Where', node('Greater', x, g.scalar(0)), x, node('Mul', expm1(g, x), g.scalar(alpha)));
    }
    case 'softplus': {
      // ln(1 + e^(βx))/β, and x itself where βx > threshold (ONNX's Softplus has neither β nor threshold)
      const [beta, threshold] = [num(p, 'beta'), num(p, 'threshold')];
      const bx = beta === 1 ? x : node('Mul', x, g.scalar(beta));
      const smooth = log1p(g, node('Exp', bx));
      const scaled = beta === 1 ? smooth : node('Div', smooth, g.scalar(beta));
      return node('Where', node('Greater', bx, g.scalar(threshold)), x, scaled);
    }
    case 'silu':
      // x / (1 + e^-x), the engine's own form
      return node('Div', x, node('Add', g.scalar(1), node('Exp', node('Neg', x))));
    case 'gelu': {
      const half = g.scalar(0.5);
      const one = g.scalar(1);
      if (p!.approximate === 'none') {
        const phi = node('Add', one, erf(g, node('Mul', x, g.scalar(Math.SQRT1_2))));
        return node('Mul', node('Mul', x, half), phi);
      }
      const cube = node('Mul', node('Mul', x, x), x);
      const inner = node('Mul', g.scalar(GELU_BETA), node('Add', x, node('Mul', g.scalar(GELU_KAPPA), cube)));
      return node('Mul', node('Mul', half, x), node('Add', one, node('Tanh', inner)));
    }
    default:
      return lowerMask(g, op, ins);
  }
}
