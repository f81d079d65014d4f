// A newcomer's own .ts file at the repository root imports every package and runs, as getting-started says.

import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
// a name no one would commit, removed when the test file is done
const file = join(repo, `own-file-test-${process.pid}.ts`);
afterAll(() => rmSync(file, { force: true }));

test('a .ts file at the repository root imports engine, nn and viz and runs with the documented command', async () => {
  writeFileSync(
    file,
    [
      "import { value, valueAndGrad } from '@chainrule/engine';",
      "import { makeMoons } from '@chainrule/nn';",
      "import { saveStateDict } from '@chainrule/nn/node';",
      "import { graphSvg } from '@chainrule/viz';",
      "import { svgToPng } from '@chainrule/viz/node';",
      '',
      "const x = value(3, 'x');",
      'const y = x.mul(x);',
      'y.backward();',
      'const [v, g] = valueAndGrad((t: typeof x) => t.tanh())(0);',
      'const svg = await graphSvg(y);',
      'console.log(JSON.stringify({ grad: x.grad, v, g, points: makeMoons(4).x.length,',
      "  save: typeof saveStateDict, svg: svg.includes('grad 6.0000'), png: svgToPng(svg).width > 0 }));",
      '',
    ].join('\n'),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@chainrule/source', '--import', 'tsx', file],
    { cwd: repo },
  );
  expect(JSON.parse(stdout)).toEqual({
    grad: 6,
    v: 0,
    g: 1,
    points: 4,
    save: 'function',
    svg: true,
    png: true,
  });
});
