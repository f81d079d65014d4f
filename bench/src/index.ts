// Runs every benchmark, each in a fresh node process so heap figures do not mix: pnpm bench [--quick] [name…]

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The benchmark files, in the order they run. Add new ones here (e.g. tensor.ts). */
const benchmarks = [
  'scalar.ts',
  'scalar-naive.ts',
  'tensor-matmul.ts',
  'matmul-wasm.ts',
  'elementwise.ts',
  'tensor-mlp.ts',
  'tensor-moons.ts',
  'memory.ts',
  'transforms.ts',
  'large-memory.ts',
];

const args = process.argv.slice(2);
/** Flags (--quick) go to every benchmark; other arguments pick benchmarks by file-name prefix. */
const flags = args.filter((a) => a.startsWith('--'));
const only = args.filter((a) => !a.startsWith('--'));
const here = dirname(fileURLToPath(import.meta.url));
let failed = 0;
for (const file of benchmarks) {
  if (only.length > 0 && !only.some((name) => file.startsWith(name))) continue;
  // The same flags as this process: --expose-gc, the source condition, tsx.
  const run = spawnSync(process.execPath, [...process.execArgv, join(here, file), ...flags], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
  console.log();
}
if (failed > 0) process.exitCode = 1;
