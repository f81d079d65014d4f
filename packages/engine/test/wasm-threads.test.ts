// The WASM thread pool seen from outside: a Node process that used it exits by itself, the thread
// count comes from CHAINRULE_THREADS, and a runtime with relaxed SIMD still gets the ts kernel's bits.

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { hasSimd } from '../src/kernels/wasm/index.js';

const child = fileURLToPath(new URL('./support/wasm-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

interface ChildReport {
  threads: number;
  workers: number;
  relaxed: boolean;
  identical: boolean;
  worst: number;
}

/** Runs wasm-child.ts in a fresh Node process; the timeout is what catches a process that never exits. */
function runChild(env: Record<string, string>, nodeFlags: string[] = []) {
  const run = spawnSync(
    process.execPath,
    [...nodeFlags, '--conditions=@chainrule/source', '--import', 'tsx', child],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  return {
    status: run.status,
    signal: run.signal,
    stderr: run.stderr,
    report: (line ? JSON.parse(line) : null) as ChildReport | null,
  };
}

describe.skipIf(!hasSimd())('wasm thread pool', () => {
  test('a Node process that used the pool exits by itself, with CHAINRULE_THREADS choosing the count', () => {
    const { status, signal, stderr, report } = runChild({ CHAINRULE_THREADS: '2' });
    expect(signal, stderr).toBeNull();
    expect(status, stderr).toBe(0);
    const threads = Math.min(2, availableParallelism());
    expect(report).toMatchObject({ threads, workers: threads - 1 });
    expect(report!.worst).toBeLessThan(1e-12);
  });

  test('CHAINRULE_THREADS above the machine’s parallelism is clamped to it', () => {
    const { status, stderr, report } = runChild({ CHAINRULE_THREADS: '64' });
    expect(status, stderr).toBe(0);
    const machine = Math.min(availableParallelism(), 64);
    expect(report).toMatchObject({ threads: machine, workers: machine - 1 });
  });

  test('one thread starts no workers', () => {
    const { status, report } = runChild({ CHAINRULE_THREADS: '1' });
    expect(status).toBe(0);
    expect(report).toMatchObject({ threads: 1, workers: 0 });
  });

  test("where the runtime offers relaxed SIMD, products keep the ts kernel's bits (no fused multiply-add)", () => {
    const flag = Number.parseInt(process.versions.node, 10) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
    const { status, stderr, report } = runChild({ CHAINRULE_THREADS: '2' }, flag);
    expect(status, stderr).toBe(0);
    expect(report).toMatchObject({
      relaxed: true,
      identical: true,
      workers: Math.min(2, availableParallelism()) - 1,
    });
  });
});
