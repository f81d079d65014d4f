// The example kit: files land under the given folder, pictures are written and read back, progress prints once off a terminal.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decisionBoundarySvg, lineChartSvg } from '@chainrule/viz';
import { afterAll, expect, test, vi } from 'vitest';
import {
  displayPath,
  outDirFor,
  pictureFiles,
  recordingContext,
  repoRoot,
  terminalContext,
  writeOut,
  writePicture,
} from '../src/index.js';
import { readPngSize, readSvg } from '../src/testing.js';

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

test('a chart from @chainrule/viz is written as SVG and a PNG twice its size, which readSvg reads back', () => {
  const x = Array.from({ length: 50 }, (_, i) => i);
  const svg = lineChartSvg(
    [
      { name: 'a', x, y: x.map((i) => 1 / (i + 1)) },
      { name: 'b', x, y: x.map((i) => 2 / (i + 1)) },
    ],
    { title: 'falling', xTitle: 'step', yTitle: 'loss', yScale: 'log' },
  );
  const picture = writePicture(dir, 'line', svg);
  const read = readSvg(picture.svg);
  expect(read.markCounts['mark-line']).toBe(2);
  expect(read.texts).toEqual(expect.arrayContaining(['falling', 'step', 'loss', 'a', 'b']));
  expect(readPngSize(picture.png)).toEqual({ width: 2 * read.width, height: 2 * read.height });
  expect(pictureFiles(picture)).toEqual([displayPath(picture.svg), displayPath(picture.png)]);
});

test('readSvg counts the cells and the points of a decision boundary', () => {
  const svg = decisionBoundarySvg(
    (grid) => grid.map(([x, y]) => (x > y ? 1 : 0.5)),
    [
      [0.2, 0.8],
      [0.8, 0.2],
    ],
    [0, 1],
    { xDomain: [0, 1], yDomain: [0, 1], resolution: 10, splits: ['train', 'test'] },
  );
  const read = readSvg(writeOut(dir, 'boundary.svg', svg));
  expect(read.markCounts['mark-rect']).toBe(19); // row j: j + 1 cells at 0.5 then the rest at 1 (the top row all 0.5)
  expect(read.markCounts['mark-symbol']).toBe(2);
  expect(read.texts).toEqual(expect.arrayContaining(['train', 'test', 'class 0', 'class 1', 'P(class 1)']));
});

test('readSvg refuses text that is not well-formed XML', () => {
  expect(() => readSvg(writeOut(dir, 'bad.svg', '<svg><g></svg>'))).toThrow(/not well-formed/);
});

test('a recording context runs quickly unless told otherwise; a terminal one only when asked', () => {
  expect(recordingContext(dir).fast).toBe(true);
  expect(recordingContext(dir, { fast: false }).fast).toBe(false);
  expect(terminalContext(dir, { bars: false }).fast).toBe(false);
});
