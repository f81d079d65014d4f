// erf in float64: a port of FreeBSD msun's s_erf.c (Sun's fdlibm), accurate to about 1 ulp.
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// The rational approximations and the interval boundaries are fdlibm's (see the comment block of
// s_erf.c for their error bounds, below 2^-57 on each interval), written here in the shortest form
// that reads back as the same double; the interval tests read the high word of the double as the C
// code does, so the same branch is taken for every input.

const erx = 0.8450629115104675;
const efx = 0.1283791670955126;
const efx8 = 1.0270333367641007;
const pp = [
  0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442,
  -2.3763016656650163e-5,
] as const;
const qq = [
  0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164,
  -3.960228278775368e-6,
] as const;
const pa = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668,
  0.035478304325618236, -0.002166375594868791,
] as const;
const qa = [
  0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905,
  0.011984499846799107,
] as const;
const ra = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347,
  -184.60509290671104, -81.2874355063066, -9.814329344169145,
] as const;
const sa = [
  19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783,
  108.63500554177944, 6.570249770319282, -0.0604244152148581,
] as const;
const rb = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896,
  -1025.0951316110772, -483.5191916086514,
] as const;
const sb = [
  30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644,
  474.52854120695537, -22.44095244658582,
] as const;
const tiny = 1e-300;

const word = new DataView(new ArrayBuffer(8));

/** The high 32 bits of x's IEEE representation, as fdlibm's GET_HIGH_WORD. */
function highWord(x: number): number {
  word.setFloat64(0, x);
  return word.getInt32(0);
}

/** x with its low 32 bits cleared, as fdlibm's SET_LOW_WORD(x, 0). */
function clearLowWord(x: number): number {
  word.setFloat64(0, x);
  word.setInt32(4, 0);
  return word.getFloat64(0);
}

/** c[0] + s·(c[1] + s·(… + s·c[n-1])), Horner's rule as fdlibm writes it. */
function horner(c: readonly number[], s: number): number {
  let r = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) r = c[i]! + s * r;
  return r;
}

/** 1 + s·(c[0] + s·(c[1] + …)): fdlibm's denominators. */
function hornerOne(c: readonly number[], s: number): number {
  return 1 + s * horner(c, s);
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt in float64 (Math has none), from fdlibm's s_erf.c.
 *
 * @internal
 */
export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // erf(NaN) = NaN, erf(±∞) = ±1
    const i = (hx >>> 31) << 1;
    return 1 - i + 1 / x;
  }
  if (ix < 0x3feb0000) {
    // |x| < 0.84375
    if (ix < 0x3e300000) {
      // |x| < 2^-28
      if (ix < 0x00800000) return 0.125 * (8.0 * x + efx8 * x); // avoid underflow
      return x + efx * x;
    }
    const z = x * x;
    const y = horner(pp, z) / hornerOne(qq, z);
    return x + x * y;
  }
  if (ix < 0x3ff40000) {
    // 0.84375 <= |x| < 1.25
    const s = Math.abs(x) - 1;
    const p = horner(pa, s);
    const q = hornerOne(qa, s);
    return hx >= 0 ? erx + p / q : -erx - p / q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - tiny : tiny - 1; // |x| >= 6
  const ax = Math.abs(x);
  const s = 1 / (ax * ax);
  let r: number;
  let q: number;
  if (ix < 0x4006db6e) {
    // |x| < 1/0.35
    r = horner(ra, s);
    q = hornerOne(sa, s);
  } else {
    r = horner(rb, s);
    q = hornerOne(sb, s);
  }
  const z = clearLowWord(ax);
  const e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);
  return hx >= 0 ? 1 - e / ax : e / ax - 1;
}
