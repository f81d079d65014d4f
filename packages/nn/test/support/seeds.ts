// The fixed seeds the training checks run over, and the loop that prints each seed's figure.

/** Ten fixed seeds; no hand-picked one. */
export const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Runs `check` for every seed, prints each figure (✗ marks a failure), and returns how many passed. */
export function overSeeds(name: string, check: (seed: number) => { figure: number; pass: boolean }): number {
  const results = SEEDS.map((seed) => ({ seed, ...check(seed) }));
  const line = results.map((r) => `${r.seed}:${r.figure.toFixed(3)}${r.pass ? '' : '✗'}`).join(' ');
  console.log(`${name}: ${line}`);
  return results.filter((r) => r.pass).length;
}
