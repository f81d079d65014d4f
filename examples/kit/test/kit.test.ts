// The example kit: files land under the given folder, pictures render, progress prints once off a terminal.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import {
  decisionBoundaryChart,
  displayPath,
  dotToSvg,
  fontFiles,
  lineChart,
  outDirFor,
  pictureFiles,
  recordingContext,
  repoRoot,
  svgToPng,
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

test('the fonts come from the dejavu-fonts-ttf package, not the system', () => {
  const files = fontFiles();
  expect(files.map((f) => f.split('/').at(-1))).toContain('DejaVuSans.ttf');
  for (const f of files) expect(readFileSync(f).subarray(0, 4)).toEqual(Buffer.from([0, 1, 0, 0])); // TrueType
});

test('a line chart draws each series with labelled axes, thinned to maxPoints, and renders to PNG', async () => {
  const x = Array.from({ length: 5000 }, (_, i) => i);
  const svg = await lineChart({
    title: 'falling',
    xTitle: 'step',
    yTitle: 'loss',
    series: [
      { name: 'a', x, y: x.map((i) => 1 / (i + 1)) },
      { name: 'b', x, y: x.map((i) => 2 / (i + 1)) },
    ],
    yScale: 'log',
    maxPoints: 100,
  });
  const picture = writePicture(dir, 'line', svg);
  const read = readSvg(picture.svg);
  expect(read.markCounts['mark-line role-mark marks']).toBe(2);
  expect(read.texts).toEqual(expect.arrayContaining(['falling', 'step', 'loss', 'a', 'b']));
  const vertices = [...svg.matchAll(/aria-roledescription="line mark" d="([^"]+)"/g)].map(
    (m) => m[1]!.split('L').length,
  );
  expect(vertices).toEqual([101, 101]); // every 50th of 5000 points, and the last
  expect(readPngSize(picture.png)).toEqual({ width: 2 * read.width, height: 2 * read.height });
  expect(pictureFiles(picture)).toEqual([displayPath(picture.svg), displayPath(picture.png)]);
});

test('a decision boundary asks for the whole grid once and draws one cell per grid point and every point', async () => {
  let calls = 0;
  const svg = await decisionBoundaryChart({
    title: 'half plane',
    xDomain: [0, 1],
    yDomain: [0, 1],
    resolution: 10,
    predict: (grid) => {
      calls++;
      return grid.map(([x, y]) => (x > y ? 1 : 0));
    },
    points: [
      { x: 0.2, y: 0.8, label: 0, split: 'train' },
      { x: 0.8, y: 0.2, label: 1, split: 'test' },
    ],
  });
  expect(calls).toBe(1);
  const read = readSvg(writeOut(dir, 'boundary.svg', svg));
  expect(read.markCounts['mark-rect role-mark layer_0_marks']).toBe(100);
  expect(read.markCounts['mark-symbol role-mark layer_1_marks']).toBe(2);
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
