// micrograd's demo step repeated, with the resident set every `every` steps: flat when old graphs are
// collected (the heap, and the array buffers holding the Values' chunks).
// node ... scalar-memory-run.ts [steps] [every]

import { chainruleEngine, moonsDemo } from './scalar-workloads.js';

const steps = Number(process.argv[2] ?? 2000);
const every = Number(process.argv[3] ?? 250);
const gc = (globalThis as { gc?: () => void }).gc;
for (let done = 0; done < steps; done += every) {
  moonsDemo(chainruleEngine, every);
  // twice: array buffers are freed by a sweep after a collection, which the next one waits for
  gc?.();
  gc?.();
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  const mib = (x: number): string => (x / 2 ** 20).toFixed(1);
  console.log(
    `after ${done + every} steps: rss ${mib(rss)} MiB, heap ${mib(heapUsed)} MiB, array buffers ${mib(arrayBuffers)} MiB`,
  );
}
