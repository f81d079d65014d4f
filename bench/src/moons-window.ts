// The moons epoch of moons-kit.ts timed in windows, for paired runs of two commits (each from its own
// worktree, in fresh processes taking turns): warm-up epochs first, then windows of epochs, and one line
// of JSON with the median and fastest window (ms per epoch), the mean, and the main thread's CPU time
// per epoch (from /proc, so Linux only; the worker threads' time is not in it), and the main thread's
// full collections and share of time in collector pauses (collector.ts). The median of windows
// and the CPU time are steadier than one long run's wall time on a shared machine.
// Usage: node … moons-window.ts <threads> <ops|columns|fused> [warm-up epochs, 300] [windows, 40]
// [epochs a window, 50] [MiB of other heap held, 0]; with FUSION=off in the environment, separate ops
// run apart (setFusion(false)), as before the engine fused them.
//
// The heap held stands in for what an application keeps besides the network (its modules, its
// data), without adding collector work of its own. It moves the process in and out of the collector
// mode of bench/README.md ("Item 9 on two threads: which process V8's collector mode takes"): V8 11
// starts marking the old generation only once that generation is over 8 MB, and with a young
// generation's worth of ArrayBuffers dying between two scavenges, a process from just over 8 MB to
// about 12 MB then runs a full collection after nearly every scavenge. This process alone sits at
// about 8 MB, where a few hundred KB of compiled code decide it.
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { setBackend, setNumThreads } from '@chainrule/engine';
import { setFusion } from '@chainrule/engine/internal';
import { watchCollector } from './collector.js';
import { chainruleEpoch, columnEpoch } from './moons-kit.js';

const [threads, style] = [Number(process.argv[2]), process.argv[3] ?? ''];
const warmup = Number(process.argv[4] ?? 300);
const windows = Number(process.argv[5] ?? 40);
const per = Number(process.argv[6] ?? 50);
const heldMiB = Number(process.argv[7] ?? 0);
if (
  !(threads >= 1) ||
  !['ops', 'columns', 'fused'].includes(style) ||
  !(windows >= 1 && per >= 1) ||
  !(heldMiB >= 0)
) {
  throw new Error(
    `moons-window: expected a thread count and ops, columns or fused, got ${process.argv.slice(2).join(' ')}`,
  );
}
setBackend('wasm');
setNumThreads(threads);
setFusion(process.env.FUSION !== 'off');
const sizes = [2, 25, 50, 50, 25, 1];
const epoch = style === 'columns' ? columnEpoch(sizes) : chainruleEpoch(sizes, style as 'ops' | 'fused');
/** The main thread's user and system time in ms: fields 14 and 15 of its stat, in 100 Hz ticks. */
const mainCpu = (): number => {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
/**
 * MiB in use in the old generation (old, code and large-object spaces), garbage not yet collected
 * included: a rough reading of where the process stands, not a verdict on the collector mode.
 */
const oldGenerationMB = (): number =>
  getHeapSpaceStatistics()
    .filter((s) => !s.space_name.startsWith('new') && s.space_name !== 'read_only_space')
    .reduce((sum, s) => sum + s.space_used_size, 0) /
  2 ** 20;
// arrays of doubles of exactly the size asked (512 KiB each, no pointers to mark): heap that the
// process holds and V8 counts, the cheapest kind to collect, so it adds no collector work of its own
const held: number[][] = [];
for (let left = Math.round(heldMiB * 2 ** 17); left > 0; left -= 2 ** 16) {
  held.push(new Array<number>(Math.min(left, 2 ** 16)).fill(0.5));
}
for (let i = 0; i < warmup; i++) epoch();
const oldAfterWarmup = oldGenerationMB();
const ms: number[] = [];
const collector = watchCollector();
const c0 = mainCpu();
const t0 = performance.now();
for (let w = 0; w < windows; w++) {
  const s = performance.now();
  for (let i = 0; i < per; i++) epoch();
  ms.push((performance.now() - s) / per);
}
const total = performance.now() - t0;
const cpu = (mainCpu() - c0) / (windows * per);
ms.sort((a, b) => a - b);
const gc = await collector();
console.log(
  JSON.stringify({
    threads,
    style,
    ...(process.env.FUSION === 'off' ? { fusion: 'off' } : {}),
    ...(heldMiB > 0 ? { heldMiB } : {}),
    median: +ms[ms.length >> 1]!.toFixed(3),
    min: +ms[0]!.toFixed(3),
    mean: +(total / (windows * per)).toFixed(3),
    mainCpu: +cpu.toFixed(3),
    oldGenerationMB: +oldAfterWarmup.toFixed(2),
    ...gc,
  }),
);
