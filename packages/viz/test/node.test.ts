// @chainrule/viz/node: svgToPng gives a PNG of the size asked for, with text in the shipped fonts.

import { readFileSync } from 'node:fs';
import { value } from '@chainrule/engine';
import { graphSvg, lineChartSvg } from '@chainrule/viz';
import { fontFiles, svgToPng } from '@chainrule/viz/node';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { svgSize } from './support/svg.js';

describe('svgToPng', () => {
  test('a chart becomes a PNG twice its SVG size by default, and of the width asked for', () => {
    const svg = lineChartSvg({ loss: [3, 2, 1] }, { title: 'loss' });
    const size = svgSize(svg);
    const png = svgToPng(svg);
    const decoded = PNG.sync.read(Buffer.from(png.data));
    expect([decoded.width, decoded.height]).toEqual([2 * size.width, 2 * size.height]);
    expect([png.width, png.height]).toEqual([decoded.width, decoded.height]);
    const narrow = svgToPng(svg, { width: 300 });
    expect(narrow.width).toBe(300);
    expect(narrow.height).toBe(Math.round((300 * size.height) / size.width));
  });

  test('a graph in points becomes a PNG at the requested scale, on white', async () => {
    const x = value(1, 'x');
    const y = x.tanh();
    y.backward();
    const svg = await graphSvg(y);
    const one = svgToPng(svg, { scale: 1 });
    const three = svgToPng(svg, { scale: 3 });
    expect(Math.abs(three.width - 3 * one.width)).toBeLessThanOrEqual(1);
    const decoded = PNG.sync.read(Buffer.from(one.data));
    expect([...decoded.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]); // the corner is white
    const clear = PNG.sync.read(Buffer.from(svgToPng(svg, { scale: 1, background: 'transparent' }).data));
    expect(clear.width).toBe(decoded.width);
  });

  test('refuses a scale or a width that is not positive', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/^svgToPng: scale must be a positive number, got 0/);
    expect(() => svgToPng(svg, { width: 1.5 })).toThrow(
      /^svgToPng: width must be a positive integer, got 1.5/,
    );
    expect(() => svgToPng(3 as unknown as string)).toThrow(/^svgToPng: expected SVG text, got/);
  });

  test('refuses a PNG too large to allocate, with its size, instead of aborting the process', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"/>';
    expect(() => svgToPng(svg, { scale: 1e6 })).toThrow(
      /^svgToPng: a 100000000 × 50000000 PNG is too large \(at most 100 million pixels\)/,
    );
    expect(() => svgToPng(svg, { width: 100_000 })).toThrow(/^svgToPng: a 100000 × 50000 PNG is too large/);
    const huge = '<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000"/>';
    expect(() => svgToPng(huge)).toThrow(/^svgToPng: a 2000000 × 2000000 PNG is too large/);
    expect(svgToPng(svg, { width: 10_000 }).height).toBe(5000); // 50 million pixels: drawn
  });
});

test('the fonts come from the dejavu-fonts-ttf package, not the system', () => {
  const files = fontFiles();
  expect(files.map((f) => f.split('/').at(-1))).toContain('DejaVuSans.ttf');
  for (const f of files) expect(readFileSync(f).subarray(0, 4)).toEqual(Buffer.from([0, 1, 0, 0])); // TrueType
});
