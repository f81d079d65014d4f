// Functions that ONNX lacks, or that onnxruntime runs in FLOAT only, written with operators it runs in DOUBLE:
// expm1 and log1p (Kahan's forms), atan, asin, acos and atan2 (fdlibm's atan), sinh, cosh, tan and erf
// (fdlibm's rational approximations). Each is correct to a few ulp in float64; in float32 the native
// operator is used where onnxruntime has one.

import type { OnnxGraph } from './graph.js';

/** The node `type` of `inputs`, its output's name. */
const op = (g: OnnxGraph, type: string, ...inputs: string[]): string => g.node(type, inputs);

/** `yes` where `cond`, else `no`. */
const where = (g: OnnxGraph, cond: string, yes: string, no: string) => op(g, 'Where', cond, yes, no);

/** c[0] + s·(c[1] + s·(… + s·c[n-1])), Horner's rule, with the coefficients as constants. */
function horner(g: OnnxGraph, c: readonly number[], s: string): string {
  let r = g.scalar(c[c.length - 1]!);
  for (let i = c.length - 2; i >= 0; i--) r = op(g, 'Add', g.scalar(c[i]!), op(g, 'Mul', s, r));
  return r;
}

/** The double whose high 32 bits are `high` and low 32 bits 0: fdlibm's interval bounds. */
function fromHighWord(high: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setInt32(0, high);
  return view.getFloat64(0);
}

/** Whether `x` is negative, -0 included (1/-0 is -Infinity). */
function negative(g: OnnxGraph, x: string): string {
  const zero = g.scalar(0);
  return op(g, 'Less', where(g, op(g, 'Equal', x, zero), op(g, 'Reciprocal', x), x), zero);
}

/** eˣ − 1 as Kahan writes it: u = eˣ, then x where u = 1, −1 where u − 1 = −1, (u − 1)·x / ln u else. */
export function expm1(g: OnnxGraph, x: string): string {
  const u = op(g, 'Exp', x);
  const d = op(g, 'Sub', u, g.scalar(1));
  const r = op(g, 'Div', op(g, 'Mul', d, x), op(g, 'Log', u));
  const finite = where(g, op(g, 'IsInf', u), u, r);
  const low = where(g, op(g, 'Equal', d, g.scalar(-1)), d, finite);
  return where(g, op(g, 'Equal', u, g.scalar(1)), x, low);
}

/** ln(1 + x) as Kahan writes it: u = 1 + x, then x where u = 1, ln u · x / (u − 1) else (∞ at ∞). */
export function log1p(g: OnnxGraph, x: string): string {
  const u = op(g, 'Add', x, g.scalar(1));
  const r = op(g, 'Div', op(g, 'Mul', op(g, 'Log', u), x), op(g, 'Sub', u, g.scalar(1)));
  const finite = where(g, op(g, 'IsInf', x), x, r);
  return where(g, op(g, 'Equal', u, g.scalar(1)), x, finite);
}

// fdlibm's s_atan.c: atan of the four interval points, as high and low parts, and the odd polynomial
const ATAN_HI = [4.636476090008061e-1, 7.853981633974483e-1, 9.827937232473291e-1, 1.5707963267948966];
const ATAN_LO = [
  2.2698777452961687e-17, 3.061616997868383e-17, 1.3903311031230998e-17, 6.123233995736766e-17,
];
const AT_EVEN = [
  3.333333333333293e-1, 1.4285714272503466e-1, 9.090887133436507e-2, 6.661073137387531e-2,
  4.9768779946159324e-2, 1.6285820115365782e-2,
];
const AT_ODD = [
  -1.9999999999876483e-1, -1.111111040546236e-1, -7.69187620504483e-2, -5.833570133790573e-2,
  -3.6531572744216916e-2,
];

/** atan x, fdlibm's: |x| reduced to |t| < 7/16 on five intervals, atan t = t − t·(s₁ + s₂), hi and lo added. */
function atanDouble(g: OnnxGraph, x: string): string {
  const ax = op(g, 'Abs', x);
  const below = (v: number) => op(g, 'Less', ax, g.scalar(v));
  const [c0, c1, c2, c3] = [below(0.4375), below(0.6875), below(1.1875), below(2.4375)];
  const one = g.scalar(1);
  const t1 = op(g, 'Div', op(g, 'Sub', op(g, 'Mul', ax, g.scalar(2)), one), op(g, 'Add', ax, g.scalar(2)));
  const t2 = op(g, 'Div', op(g, 'Sub', ax, one), op(g, 'Add', ax, one));
  const t3 = op(
    g,
    'Div',
    op(g, 'Sub', ax, g.scalar(1.5)),
    op(g, 'Add', op(g, 'Mul', ax, g.scalar(1.5)), one),
  );
  const t4 = op(g, 'Div', g.scalar(-1), ax);
  // below 7/16 the reduced argument is x itself, with its sign; above, |x|'s, the sign put back after
  const t = where(g, c0, x, where(g, c1, t1, where(g, c2, t2, where(g, c3, t3, t4))));
  const pick = (v: readonly number[]) =>
    where(
      g,
      c0,
      g.scalar(0),
      where(
        g,
        c1,
        g.scalar(v[0]!),
        where(g, c2, g.scalar(v[1]!), where(g, c3, g.scalar(v[2]!), g.scalar(v[3]!))),
      ),
    );
  const z = op(g, 'Mul', t, t);
  const w = op(g, 'Mul', z, z);
  const s = op(g, 'Add', op(g, 'Mul', z, horner(g, AT_EVEN, w)), op(g, 'Mul', w, horner(g, AT_ODD, w)));
  const r = op(g, 'Sub', pick(ATAN_HI), op(g, 'Sub', op(g, 'Sub', op(g, 'Mul', t, s), pick(ATAN_LO)), t));
  return where(g, c0, r, where(g, op(g, 'Less', x, g.scalar(0)), op(g, 'Neg', r), r));
}

/** atan x: onnxruntime's Atan in float32, fdlibm's in float64 (onnxruntime has no DOUBLE Atan). */
export function atan(g: OnnxGraph, x: string): string {
  return g.dtype === 'float32' ? op(g, 'Atan', x) : atanDouble(g, x);
}

/** asin x = atan(x / √((1 − x)(1 + x))): exact differences near ±1, ±π/2 at ±1, NaN outside [-1, 1]. */
export function asin(g: OnnxGraph, x: string): string {
  if (g.dtype === 'float32') return op(g, 'Asin', x);
  const one = g.scalar(1);
  const root = op(g, 'Sqrt', op(g, 'Mul', op(g, 'Sub', one, x), op(g, 'Add', one, x)));
  return atanDouble(g, op(g, 'Div', x, root));
}

/** acos x = 2·atan √((1 − x)/(1 + x)): 0 at 1, π at −1, NaN outside [-1, 1]. */
export function acos(g: OnnxGraph, x: string): string {
  if (g.dtype === 'float32') return op(g, 'Acos', x);
  const one = g.scalar(1);
  const root = op(g, 'Sqrt', op(g, 'Div', op(g, 'Sub', one, x), op(g, 'Add', one, x)));
  return op(g, 'Mul', atanDouble(g, root), g.scalar(2));
}

/**
 * atan2(y, x) as fdlibm's e_atan2.c: a = atan|y/x| (0 where y = 0, ±1 for ±∞ where both are infinite),
 * π − (a − π_lo) where x is negative (−0 included), the sign of y (−0 included) put on; NaN from either.
 */
export function atan2(g: OnnxGraph, y: string, x: string): string {
  const both = op(g, 'And', op(g, 'IsInf', y), op(g, 'IsInf', x));
  const yy = where(g, both, op(g, 'Sign', y), y);
  const xx = where(g, both, op(g, 'Sign', x), x);
  const ratio = where(g, op(g, 'Equal', y, g.scalar(0)), g.scalar(0), op(g, 'Abs', op(g, 'Div', yy, xx)));
  const a = atan(g, ratio);
  const flipped = op(g, 'Sub', g.scalar(Math.PI), op(g, 'Sub', a, g.scalar(1.2246467991473532e-16)));
  const v = where(g, negative(g, x), flipped, a);
  const signed = where(g, negative(g, y), op(g, 'Neg', v), v);
  return where(g, op(g, 'IsNaN', x), x, where(g, op(g, 'IsNaN', y), y, signed));
}

/** e^|x|/2 · e^|x|/2 · ½: cosh and sinh beyond 22, finite until e^|x|/2 itself overflows. */
function halfSquare(g: OnnxGraph, ax: string): string {
  const h = op(g, 'Exp', op(g, 'Mul', ax, g.scalar(0.5)));
  return op(g, 'Mul', op(g, 'Mul', h, g.scalar(0.5)), h);
}

/** sinh x, fdlibm's: ½(t + t/(t + 1)) with t = expm1|x| below 22, the sign of x put back. */
export function sinh(g: OnnxGraph, x: string): string {
  if (g.dtype === 'float32') return op(g, 'Sinh', x);
  const ax = op(g, 'Abs', x);
  const t = expm1(g, ax);
  const near = op(g, 'Mul', op(g, 'Add', t, op(g, 'Div', t, op(g, 'Add', t, g.scalar(1)))), g.scalar(0.5));
  const r = where(g, op(g, 'Less', ax, g.scalar(22)), near, halfSquare(g, ax));
  return where(g, op(g, 'Less', x, g.scalar(0)), op(g, 'Neg', r), where(g, op(g, 'IsNaN', x), x, r));
}

/** cosh x: ½(e^|x| + e^−|x|) below 22, then as sinh. */
export function cosh(g: OnnxGraph, x: string): string {
  if (g.dtype === 'float32') return op(g, 'Cosh', x);
  const ax = op(g, 'Abs', x);
  const e = op(g, 'Exp', ax);
  const near = op(g, 'Mul', op(g, 'Add', e, op(g, 'Reciprocal', e)), g.scalar(0.5));
  return where(g, op(g, 'Less', ax, g.scalar(22)), near, halfSquare(g, ax));
}

// π/2 in three parts of 33 bits each (fdlibm's pio2_1, pio2_2, pio2_3): k·part is exact for k < 2^20
const PIO2 = [1.5707963267341256, 6.077100506303966e-11, 2.0222662487111665e-21];

/**
 * tan x in float64 (onnxruntime has no DOUBLE Tan, and its Cos is accurate only absolutely, so sin/cos
 * loses digits near the poles): r = x − k·π/2 (Cody–Waite, |x| < 1.5e6), then sin r / cos r, or
 * −cos r / sin r for odd k; sin x / cos x beyond. Tan in float32.
 */
export function tan(g: OnnxGraph, x: string): string {
  if (g.dtype === 'float32') return op(g, 'Tan', x);
  const k = op(g, 'Round', op(g, 'Mul', x, g.scalar(2 / Math.PI)));
  let r = x;
  for (const part of PIO2) r = op(g, 'Sub', r, op(g, 'Mul', k, g.scalar(part)));
  const [s, c] = [op(g, 'Sin', r), op(g, 'Cos', r)];
  const odd = op(g, 'Equal', op(g, 'Abs', g.node('Mod', [k, g.scalar(2)], { fmod: 1 })), g.scalar(1));
  const reduced = where(g, odd, op(g, 'Neg', op(g, 'Div', c, s)), op(g, 'Div', s, c));
  const direct = op(g, 'Div', op(g, 'Sin', x), op(g, 'Cos', x));
  return where(g, op(g, 'Less', op(g, 'Abs', x), g.scalar(1.5e6)), reduced, direct);
}

// fdlibm's s_erf.c, as the engine's erf.ts holds them
const ERX = 0.8450629115104675;
const PP = [
  0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442,
  -2.3763016656650163e-5,
];
const QQ = [
  1, 0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164,
  -3.960228278775368e-6,
];
const PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668,
  0.035478304325618236, -0.002166375594868791,
];
const QA = [
  1, 0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905,
  0.011984499846799107,
];
const RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347,
  -184.60509290671104, -81.2874355063066, -9.814329344169145,
];
const SA = [
  1, 19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783,
  108.63500554177944, 6.570249770319282, -0.0604244152148581,
];
const RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896,
  -1025.0951316110772, -483.5191916086514,
];
const SB = [
  1, 30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644,
  474.52854120695537, -22.44095244658582,
];

/**
 * erf x, fdlibm's rational approximations on |x| < 0.84375, < 1.25, < 6 and beyond (±1), the tail's
 * e^(−x²) split as fdlibm splits it (x rounded to 24 bits, whose square is exact).
 */
function erfDouble(g: OnnxGraph, x: string): string {
  const ax = op(g, 'Abs', x);
  const one = g.scalar(1);
  const ratio = (p: readonly number[], q: readonly number[], s: string) =>
    op(g, 'Div', horner(g, p, s), horner(g, q, s));
  const small = op(g, 'Add', x, op(g, 'Mul', x, ratio(PP, QQ, op(g, 'Mul', x, x))));
  const middle = op(g, 'Add', g.scalar(ERX), ratio(PA, QA, op(g, 'Sub', ax, one)));
  const s = op(g, 'Reciprocal', op(g, 'Mul', ax, ax));
  const near = op(g, 'Less', ax, g.scalar(fromHighWord(0x4006db6e)));
  const rq = where(g, near, ratio(RA, SA, s), ratio(RB, SB, s));
  const z = g.node('Cast', [g.node('Cast', [ax], { to: 1 })], { to: 11 });
  const e = op(
    g,
    'Mul',
    op(g, 'Exp', op(g, 'Sub', op(g, 'Neg', op(g, 'Mul', z, z)), g.scalar(0.5625))),
    op(g, 'Exp', op(g, 'Add', op(g, 'Mul', op(g, 'Sub', z, ax), op(g, 'Add', z, ax)), rq)),
  );
  const tail = op(g, 'Sub', one, op(g, 'Div', e, ax));
  const far = op(g, 'Sub', one, g.scalar(1e-300));
  const positive = where(
    g,
    op(g, 'Less', ax, g.scalar(1.25)),
    middle,
    where(g, op(g, 'Less', ax, g.scalar(6)), tail, far),
  );
  const signed = where(g, op(g, 'Less', x, g.scalar(0)), op(g, 'Neg', positive), positive);
  const r = where(g, op(g, 'Less', ax, g.scalar(0.84375)), small, signed);
  return where(g, op(g, 'IsNaN', x), x, r);
}

/** erf x: onnxruntime's Erf in float32, fdlibm's in float64 (onnxruntime has no DOUBLE Erf). */
export function erf(g: OnnxGraph, x: string): string {
  return g.dtype === 'float32' ? op(g, 'Erf', x) : erfDouble(g, x);
}
