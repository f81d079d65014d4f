// docs/ops.md is generated from the op declarations: it must be what the generator prints today.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { elementwiseOps } from '../src/ops/elementwise/index.js';
import { renderOpsPage } from '../src/ops/elementwise/reference-page.js';

const page = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/ops.md'), 'utf8');

test('docs/ops.md is what scripts/ops-page.ts generates from the declarations (rerun it after a change)', () => {
  expect(page).toBe(renderOpsPage());
});

test('docs/ops.md has a row for every public elementwise op', () => {
  const missing = Object.keys(elementwiseOps).filter((name) => !page.includes(`.${name}(`));
  expect(missing).toEqual([]);
});
