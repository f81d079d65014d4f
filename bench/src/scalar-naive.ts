// Issue 19's scalar workloads, chainrule's Value beside a naive closure-per-node engine in one run: the
// micrograd demo, a 1e6-deep tanh chain (in fresh processes, for its peak memory), a random DAG of 1e6
// nodes, and a second derivative through a 1e5-node expression.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuModel, figureTable, median, timed } from './measure.js';
import {
  type AnyScalar,
  type Engine,
  engines,
  moonsDemo,
  randomDag,
  secondDerivative,
} from './scalar-workloads.js';

const quick = process.argv.includes('--quick');

const cpu = cpuModel();
type Row = (string | number)[];
const rows: Row[] = [];

/** Median ms of `repeats` runs of `fn` per engine, alternating engines; one row per engine. */
function compare(
  workload: string,
  repeats: number,
  fn: (e: Engine<AnyScalar>) => number,
  nodes: number,
): void {
  const times = engines.map(() => [] as number[]);
  const results = engines.map(() => 0);
  for (let r = 0; r < repeats; r++) {
    engines.forEach((e, k) => {
      const run = timed(() => fn(e));
      times[k]!.push(run.ms);
      results[k] = run.result;
    });
  }
  const ms = times.map(median);
  engines.forEach((e, k) => {
    rows.push([
      workload,
      e.name,
      ms[k]!.toFixed(0),
      (((nodes / ms[k]!) * 1e3) / 1e6).toFixed(2),
      k === 0 ? '' : `${(ms[k]! / ms[0]!).toFixed(1)}×`,
      '',
      String(results[k]),
      cpu,
    ]);
  });
}

/** The chain in a fresh process per engine (and per repeat), for its peak resident memory. */
function chainInFreshProcesses(length: number, repeats: number): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const runs = engines.map(() => [] as { ms: number; peakAboveMiB: number; grad: number }[]);
  for (let r = 0; r < repeats; r++) {
    engines.forEach((_e, k) => {
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          join(here, 'scalar-chain-run.ts'),
          k === 0 ? 'chainrule' : 'naive',
          String(length),
        ],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`chain run failed: ${child.stderr}`);
      runs[k]!.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!));
    });
  }
  const ms = runs.map((rs) => median(rs.map((x) => x.ms)));
  engines.forEach((e, k) => {
    rows.push([
      `tanh chain ${length.toExponential()}`,
      e.name,
      ms[k]!.toFixed(0),
      ((((length + 1) / ms[k]!) * 1e3) / 1e6).toFixed(2),
      k === 0 ? '' : `${(ms[k]! / ms[0]!).toFixed(1)}×`,
      median(runs[k]!.map((x) => x.peakAboveMiB)).toFixed(0),
      String(runs[k]![0]!.grad),
      cpu,
    ]);
  });
}

const demoSteps = quick ? 20 : 100;
// about 65,000 nodes a step: 100 points through 2·16 + 16·16 + 16 multiply-adds, relus, the loss
compare(`micrograd demo, ${demoSteps} steps`, 1, (e) => moonsDemo(e, demoSteps).at(-1)!, demoSteps * 65_000);
chainInFreshProcesses(1e6, quick ? 1 : 3);
compare('random DAG 1e6', quick ? 1 : 3, (e) => randomDag(e, 1e6, 2), 1e6);
compare('2nd derivative, 1e5 nodes', quick ? 1 : 3, (e) => secondDerivative(e, 1e5), 1e5);

console.log(`scalar Values beside a naive closure-per-node engine (node ${process.version}, CPU: ${cpu})`);
console.log(
  figureTable(
    ['workload', 'engine', 'ms', 'M nodes/s', 'naive ÷ chainrule', 'peak RSS MiB', 'result', 'CPU'],
    rows,
  ),
);
console.log(
  'ms: median wall time (demo: the whole training; chain: build + backward, fresh process; DAG: build + backward;',
);
console.log(
  '2nd derivative: build, recorded backward, backward of the gradient). Equal results show both engines computed the same numbers.',
);
