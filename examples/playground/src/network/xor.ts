// XOR, which @chainrule/nn does not ship: the network lab trains on it and prints this source in its code.
import { createRng } from '@chainrule/engine';
import type { Dataset } from '@chainrule/nn';

/** n points uniform in the square [-1, 1]², class 1 where x·y > 0 (two opposite quadrants), then noise. */
export function makeXor(n: number, options: { noise?: number; seed?: number } = {}): Dataset {
  const rng = createRng(options.seed ?? 0);
  const noise = options.noise ?? 0;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    x.push([a + rng.normal(0, noise), b + rng.normal(0, noise)]);
    y.push(a * b > 0 ? 1 : 0);
  }
  return { x, y };
}
