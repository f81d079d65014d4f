// The demo runs every listed example, survives one that throws, and prints the summary table.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Example, recordingContext } from '@chainrule/example-kit';
import { afterAll, expect, test } from 'vitest';
import { examples } from '../src/examples.js';
import { runExamples, summaryTable } from '../src/run.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const broken: Example = {
  name: 'broken',
  reproduces: 'nothing',
  seedFigure: '1',
  run: () => Promise.reject(new Error('broken: on purpose')),
};

test('every example reproduces its seed, a throwing one becomes a failed row, and the table lists them', async () => {
  const log: string[] = [];
  const rows = await runExamples(
    [...examples, broken],
    (example) => recordingContext(join(dir, example.name)),
    (text) => log.push(text),
  );
  expect(rows.map((r) => [r.example, r.ok])).toEqual([
    ...examples.map((e) => [e.name, true]),
    ['broken', false],
  ]);
  expect(log.join('\n')).toContain('broken: on purpose');
  const table = summaryTable(rows);
  for (const header of ['example', 'reproduces', "seed's figure", 'ours']) expect(table).toContain(header);
  expect(table).toContain('sigmoid-chain-rule');
  expect(table).toContain('FAIL');
});
