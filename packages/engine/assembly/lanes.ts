// Lane functions that both kernel modules use but neither exports to the host (a function over
// v128 values cannot be called from JavaScript).

/**
 * max(x, 0) lane by lane as Math.max gives it (NaN stays NaN, -0 becomes 0): pmax keeps x unless
 * x < 0, which lets NaN and -0 through, and adding 0 turns -0 into 0 and changes nothing else. Two
 * instructions on x64, where f64x2.max takes about eight to order NaN and signed zeros. Small enough
 * that the optimizer inlines it.
 */
export function reluLanes(x: v128): v128 {
  const zero = f64x2.splat(0);
  return f64x2.add(f64x2.pmax(x, zero), zero);
}
