// What every benchmark shares: forced garbage collection, heap readings, timing, medians, the table.

import { availableParallelism, cpus } from 'node:os';
import Table from 'cli-table3';

const gcFunction = (globalThis as { gc?: () => void }).gc;

/** Whether node was started with --expose-gc (memory figures need it). */
export const canCollect = gcFunction !== undefined;

/** Collects garbage (twice: the second pass frees what finalisers released) and returns the heap in use. */
export function settledHeap(): number {
  gcFunction?.();
  gcFunction?.();
  return process.memoryUsage().heapUsed;
}

/** Milliseconds that `fn` took, and what it returned. */
export function timed<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A right-aligned table of figures with a header row. */
export function figureTable(head: string[], rows: (string | number)[][]): string {
  const table = new Table({ head, style: { head: [], border: [] }, colAligns: head.map(() => 'right') });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}

/** Groups digits for reading: 1234567 → '1,234,567'. */
export function grouped(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** The machine in one line: node version, processors, platform. */
export function machine(): string {
  return `node ${process.version}, ${availableParallelism()} × ${cpuModel()}, ${process.platform}-${process.arch}`;
}

/** The processor's model name (on Linux, the `model name` of /proc/cpuinfo). */
export function cpuModel(): string {
  return cpus()[0]?.model.trim() ?? 'unknown processor';
}
