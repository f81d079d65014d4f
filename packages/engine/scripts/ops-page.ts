// Writes docs/ops.md, the elementwise op reference, from the op declarations (src/ops/elementwise).
// Run: node --import tsx packages/engine/scripts/ops-page.ts   (test/ops-page.test.ts fails when the
// committed page differs from what this prints).

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderOpsPage } from '../src/ops/elementwise/reference-page.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/ops.md');
writeFileSync(target, renderOpsPage());
console.log('ops-page: wrote docs/ops.md');
