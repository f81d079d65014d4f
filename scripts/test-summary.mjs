// Runs the whole vitest suite on the default kernel backend, then the engine and nn suites again on the
// TypeScript backend (CHAINRULE_BACKEND=ts), and closes with one plain line: "tests: N passed, N failed".
// Arguments are passed to the first run only (e.g. a filter).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const results = '.vitest-results.json';

/** Runs vitest with a JSON report beside the usual one; returns its counts and exit status. */
function run(label, args, env) {
  console.log(`\n── ${label} ──`);
  rmSync(results, { force: true });
  const child = spawnSync(
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...args],
    { stdio: 'inherit', env: { ...process.env, ...env } },
  );
  try {
    const report = JSON.parse(readFileSync(results, 'utf8'));
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests,
      status: child.status ?? 1,
    };
  } catch {
    return { passed: 0, failed: 1, skipped: 0, status: child.status ?? 1 };
  } finally {
    rmSync(results, { force: true });
  }
}

const extra = process.argv.slice(2);
const runs = [run('every test, default backend', extra, {})];
if (extra.length === 0) {
  runs.push(
    run('engine and nn again on the TypeScript kernels', ['packages/engine', 'packages/nn'], {
      CHAINRULE_BACKEND: 'ts',
    }),
  );
}
const total = runs.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
const status = runs.some((r) => r.status !== 0) ? 1 : 0;
// a run that failed without a failing test (a file that did not load) still counts as a failure
const failed = status !== 0 && total.failed === 0 ? 1 : total.failed;
console.log(
  `\ntests: ${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(status);
