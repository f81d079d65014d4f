// The example kit: files land under the given folder, pictures render, progress prints once off a terminal.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import {
  displayPath,
  dotToSvg,
  outDirFor,
  repoRoot,
  svgToPng,
  terminalContext,
  writeOut,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('out/ sits at the repository root, and paths inside it print relative to the root', () => {
  expect(outDirFor('x')).toBe(join(repoRoot(), 'out', 'x'));
  expect(displayPath(join(repoRoot(), 'out', 'x', 'a.png'))).toBe(join('out', 'x', 'a.png'));
  expect(displayPath('/elsewhere/a.png')).toBe('/elsewhere/a.png');
});

test('writeOut creates the folder and writes the file', () => {
  const path = writeOut(join(dir, 'a', 'b'), 'c.txt', 'hello');
  expect(readFileSync(path, 'utf8')).toBe('hello');
});

test('a DOT graph becomes SVG, and the SVG a PNG of the requested scale', async () => {
  const svg = await dotToSvg('digraph { a -> b }');
  expect(svg).toContain('<svg');
  expect(svg).toContain('class="node"');
  const one = svgToPng(svg, 1);
  const two = svgToPng(svg, 2);
  expect(Buffer.from(one.data.subarray(1, 4)).toString('ascii')).toBe('PNG');
  expect(Math.abs(two.width - 2 * one.width)).toBeLessThanOrEqual(1);
});

test('off a terminal a progress bar prints one line when it stops, with the last figures', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const bar = terminalContext(dir, { bars: false }).progress('training', 3);
    for (let step = 1; step <= 3; step++) bar.update(step, { loss: 1 / step });
    bar.stop();
    expect(log.mock.calls).toEqual([['  training: 3/3 loss 0.3333']]);
  } finally {
    log.mockRestore();
  }
});
