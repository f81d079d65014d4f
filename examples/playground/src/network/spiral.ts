// Two interleaved spirals, which @chainrule/nn does not ship: the network lab trains on them and prints this source.
import { createRng } from '@chainrule/engine';
import type { Dataset } from '@chainrule/nn';

/** Two spiral arms of n/2 points each, 1.75 turns from the centre out to radius 1, then noise. */
export function makeSpiral(n: number, options: { noise?: number; seed?: number } = {}): Dataset {
  const rng = createRng(options.seed ?? 0);
  const noise = options.noise ?? 0;
  const x: number[][] = [];
  const y: number[] = [];
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const label = i < half ? 0 : 1;
    const r = label === 0 ? i / half : (i - half) / (n - half);
    const t = 1.75 * 2 * Math.PI * r + label * Math.PI;
    x.push([r * Math.sin(t) + rng.normal(0, noise), r * Math.cos(t) + rng.normal(0, noise)]);
    y.push(label);
  }
  return { x, y };
}
