// A scalar training loop's memory stays flat with no reset or dispose call (issue 19): old graphs, and
// the chunks holding their numbers, are collected once unreachable, whether or not a backward pass ran.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const child = fileURLToPath(new URL('./support/scalar-memory-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The spread allowed between checkpoints, in MiB. A leak of these loops keeps about 35 nodes a step,
 * some 60 bytes each, so 100,000 steps leak over 200 MiB; the noise is under one.
 */
const SLACK = 16;

interface Report {
  training: number[];
  forwardOnly: number[];
  loss: number;
}

/** Runs the child in a fresh Node process with --expose-gc. */
function run<R = Report>(...args: string[]): R {
  const proc = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=@chainrule/source', '--import', 'tsx', child, ...args],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  expect(proc.status, proc.stderr).toBe(0);
  return JSON.parse(proc.stdout.trim().split('\n').at(-1)!) as R;
}

const spread = (series: readonly number[]): number => Math.max(...series) - Math.min(...series);

test('100,000 ScalarMLP steps, and 100,000 forward passes never differentiated, keep memory flat', () => {
  const report = run('100000', '10000');
  expect(report.training).toHaveLength(10);
  expect(report.loss).toBeLessThan(1e-6); // the loop really trained
  expect(spread(report.training), report.training.join(', ')).toBeLessThan(SLACK);
  expect(spread(report.forwardOnly), report.forwardOnly.join(', ')).toBeLessThan(SLACK);
}, 150_000);

test('the check sees a leak: a loop that keeps every output grows past the bound', () => {
  const report = run('40000', '4000', 'keep');
  expect(spread(report.forwardOnly), report.forwardOnly.join(', ')).toBeGreaterThan(SLACK);
}, 150_000);

test('keeping a detached Value per step keeps a few bytes each, not the chunk of its step', () => {
  const report = run<{ grown: number; kept: number }>('2000', '1', 'detach');
  expect(report.kept).toBe(2000);
  // 2,000 handles and their numbers: well under a MiB of numbers, a few of handles; a chunk per step
  // would be about 200 MiB
  expect(report.grown).toBeLessThan(SLACK);
}, 150_000);

test('gradients recorded as graphs (createGraph) go with their nodes: such loops keep memory flat', () => {
  const report = run<{ large: number[]; small: number[]; kept: number }>('150', '15', 'createGraph');
  expect(report.kept).toBe(30_000);
  expect(report.large).toHaveLength(10);
  expect(spread(report.large), report.large.join(', ')).toBeLessThan(SLACK);
  expect(spread(report.small), report.small.join(', ')).toBeLessThan(SLACK);
}, 150_000);
