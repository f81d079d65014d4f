// The demo: every example in sequence, then the summary table. Run from the repository root: pnpm demo [-- --fast]
import { terminalContext } from '@chainrule/example-kit';
import { examples } from './examples.js';
import { heading, runExamples, summaryTable } from './run.js';

const fast = process.argv.includes('--fast'); // each example's quick run, as the tests use
const rows = await runExamples(examples, (_example, outDir) => terminalContext(outDir, { fast }));
console.log(heading('Summary'));
console.log(summaryTable(rows));
const failed = rows.filter((r) => !r.ok).length;
const seconds = rows.reduce((t, r) => t + r.seconds, 0);
console.log(
  `\n${rows.length - failed} of ${rows.length} examples reproduce their seed (${seconds.toFixed(1)} s); pictures and data are in out/`,
);
if (failed > 0) process.exitCode = 1;
