// Runs examples one after another under headings and collects one summary row per example.

import { type Example, type ExampleContext, outDirFor } from '@chainrule/example-kit';
import Table from 'cli-table3';

/** One row of the summary table. */
export interface SummaryRow {
  example: string;
  reproduces: string;
  seedFigure: string;
  ours: string;
  ok: boolean;
  seconds: number;
}

/**
 * Runs each example with the context `contextFor` gives it (by default writing to out/<name>). An
 * example that throws becomes a failed row, and the rest still run.
 */
export async function runExamples(
  examples: readonly Example[],
  contextFor: (example: Example, outDir: string) => ExampleContext,
  log: (text: string) => void = console.log,
): Promise<SummaryRow[]> {
  const rows: SummaryRow[] = [];
  for (const [i, example] of examples.entries()) {
    log(heading(`${i + 1}/${examples.length}  ${example.name}: ${example.reproduces}`));
    const start = performance.now();
    let ours: string;
    let ok: boolean;
    try {
      const result = await example.run(contextFor(example, outDirFor(example.name)));
      for (const file of result.files) log(`  wrote ${file}`);
      ({ ours, ok } = result);
    } catch (error) {
      log(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      ours = 'error';
      ok = false;
    }
    const seconds = (performance.now() - start) / 1000;
    rows.push({
      example: example.name,
      reproduces: example.reproduces,
      seedFigure: example.seedFigure,
      ours,
      ok,
      seconds,
    });
  }
  return rows;
}

/** A heading that stands out in a scrolling terminal. */
export function heading(title: string): string {
  const rule = '═'.repeat(Math.max(60, title.length + 4));
  return `\n${rule}\n  ${title}\n${rule}\n`;
}

/** The summary as a table: example, what it reproduces, the seed's figure, ours, and a verdict. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const table = new Table({
    head: ['example', 'reproduces', "seed's figure", 'ours', ''],
    style: { head: [], border: [] },
    colWidths: [21, 21, 23, 23, 6], // 100 columns with the borders
    wordWrap: true,
  });
  for (const r of rows) table.push([r.example, r.reproduces, r.seedFigure, r.ours, r.ok ? 'ok' : 'FAIL']);
  return table.toString();
}
