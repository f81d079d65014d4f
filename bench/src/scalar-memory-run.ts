// micrograd's demo step repeated, with the resident set every `every` steps: flat when old graphs are
// collected. node ... scalar-memory-run.ts [steps] [every]

import { chainruleEngine, moonsDemo } from './scalar-workloads.js';

const steps = Number(process.argv[2] ?? 2000);
const every = Number(process.argv[3] ?? 250);
const gc = (globalThis as { gc?: () => void }).gc;
for (let done = 0; done < steps; done += every) {
  moonsDemo(chainruleEngine, every);
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(
    `after ${done + every} steps: rss ${(rss / 2 ** 20).toFixed(0)} MiB, heap ${(heapUsed / 2 ** 20).toFixed(1)} MiB`,
  );
}
