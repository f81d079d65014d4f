// lineChartSvg and decisionBoundarySvg: one polyline per series through the points given, every cell and point drawn.

import { tensor } from '@chainrule/engine';
import { decisionBoundarySvg, lineChartSvg } from '@chainrule/viz';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { decode } from './support/svg.js';

/** The polylines of a chart: series name, stroke and vertices. */
function polylines(svg: string): { series: string; stroke: string; points: [number, number][] }[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  return [
    ...svg.matchAll(/<polyline class="line" data-series="([^"]*)" stroke="([^"]+)" points="([^"]*)"/g),
  ].map((m) => ({
    series: decode(m[1]!),
    stroke: m[2]!,
    points: m[3]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]),
  }));
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!));

/** The children of `<g class="name">`. */
function marks(svg: string, name: string): string[] {
  const body = new RegExp(`<g class="${name}"[^>]*>([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? '';
  return body.split('\n').filter((l) => l.startsWith('<'));
}

describe('lineChartSvg', () => {
  test('one polyline per series, a vertex per point, x by step, y falling upwards on the page', () => {
    const svg = lineChartSvg(
      { loss: [4, 3, 2, 1], accuracy: [0.5, 1, 1.5, 2] },
      { title: 'history', yTitle: 'value' },
    );
    const [loss, accuracy] = polylines(svg);
    expect(loss!.series).toBe('loss');
    expect(accuracy!.series).toBe('accuracy');
    expect(loss!.stroke).not.toBe(accuracy!.stroke);
    expect(loss!.points).toHaveLength(4);
    const xs = loss!.points.map((p) => p[0]);
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    for (const s of steps) expect(s).toBeCloseTo(steps[0]!, 1); // steps 0, 1, 2, 3 evenly spaced
    const ys = loss!.points.map((p) => p[1]);
    expect(ys[0]).toBeLessThan(ys[3]!); // 4 is drawn above 1
    // y is linear in the value: the loss at 2 and the accuracy at 2 sit at the same height
    expect(loss!.points[2]![1]).toBeCloseTo(accuracy!.points[3]![1], 5);
    expect(texts(svg)).toEqual(expect.arrayContaining(['history', 'step', 'value', 'loss', 'accuracy']));
  });

  test('takes a list of series with their own x, and thins a long one to maxPoints, keeping the last', () => {
    const x = Array.from({ length: 5000 }, (_, i) => 10 * i);
    const svg = lineChartSvg(
      [
        { name: 'a', x, y: x.map((i) => 1 / (i + 1)) },
        { name: 'b', x, y: x.map((i) => 2 / (i + 1)) },
      ],
      { yScale: 'log', maxPoints: 100, xTitle: 'epoch' },
    );
    const lines = polylines(svg);
    expect(lines.map((l) => l.points.length)).toEqual([101, 101]); // every 50th of 5000 points, and the last
    // on a log scale b = 2a sits a constant distance above a
    const gaps = lines[0]!.points.map((p, i) => p[1] - lines[1]!.points[i]![1]);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 1);
    expect(texts(svg)).toContain('epoch');
  });

  test('a step that diverged breaks the line instead of failing the chart', () => {
    const lines = polylines(lineChartSvg({ loss: [1, 0.5, Number.NaN, 0.4, 0.3] }));
    expect(lines.map((l) => l.points.length)).toEqual([2, 2]);
  });

  test('a single series needs no legend; yFormat writes the tick labels', () => {
    const svg = lineChartSvg(
      { accuracy: [0.5, 0.75, 1] },
      { yDomain: [0, 1], yFormat: (v) => `${v * 100}%` },
    );
    expect(svg).not.toContain('class="legend"');
    expect(texts(svg)).toEqual(expect.arrayContaining(['0%', '100%']));
  });

  test('refuses series it cannot draw, naming the function', () => {
    expect(() => lineChartSvg({ loss: [] })).toThrow(/^lineChartSvg: no series has any point/);
    expect(() => lineChartSvg([{ name: 'a', x: [1], y: [1, 2] }])).toThrow(
      /^lineChartSvg: series 'a' has 1 x values for 2 y values/,
    );
    expect(() => lineChartSvg({ loss: ['1' as unknown as number] })).toThrow(
      /^lineChartSvg: series 'loss' holds/,
    );
    expect(() => lineChartSvg({ loss: [1] }, { width: 0 })).toThrow(
      /^lineChartSvg: width must be a positive number/,
    );
  });
});

describe('lineChartSvg at the edges of floating point', () => {
  /** Every number in the chart's coordinates and tick labels: none may be NaN or infinite. */
  const coordinates = (svg: string) =>
    [...svg.matchAll(/ (?:x|y|x1|y1|x2|y2|points)="([^"]*)"/g)].flatMap((m) =>
      m[1]!.split(/[ ,]/).map(Number),
    );

  test.each([
    ['a loss stuck at ln 2, differing in its last digit', [Math.LN2, Math.LN2 + 2 ** -53]],
    ['two values one ulp apart', [1, 1 + 2 ** -52]],
    ['large values close together', [1e17, 1e17 + 16]],
    ['a span that overflows', [-1e308, 1e308]],
    ['a subnormal span', [0, 5e-324]],
  ])('%s is drawn, with finite coordinates and a line from the first point to the last', (_, y) => {
    for (const yScale of ['linear', 'log'] as const) {
      if (yScale === 'log' && !y.every((v) => v > 0)) continue;
      const svg = lineChartSvg({ loss: y }, { yScale });
      for (const c of coordinates(svg)) expect(Number.isFinite(c), `${yScale}: ${c}`).toBe(true);
      expect(polylines(svg).map((l) => l.points.length)).toEqual([2]);
      const ticks = texts(svg).filter((t) => t !== 'step');
      expect(new Set(ticks).size, `${yScale}: ${ticks}`).toBe(ticks.length); // no label twice
    }
  });

  test('refuses an x that is not finite, and a yDomain that is not two finite numbers in order', () => {
    expect(() => lineChartSvg([{ name: 'a', x: [0, Number.NaN], y: [1, 2] }])).toThrow(
      /^lineChartSvg: series 'a' has x NaN at index 1, not finite/,
    );
    for (const yDomain of [
      [0, Number.POSITIVE_INFINITY],
      [1, 0],
      [Number.NaN, 1],
      [2, 2],
    ] as [number, number][]) {
      expect(() => lineChartSvg({ loss: [1, 2] }, { yDomain, yScale: 'log' })).toThrow(
        /^lineChartSvg: yDomain must be two finite numbers \[min, max\] with min < max/,
      );
    }
  });
});

describe('decisionBoundarySvg', () => {
  test('asks for the whole grid once, at the cells’ centres, and shades it blue below 0.5 and orange above', () => {
    const asked: [number, number][][] = [];
    const svg = decisionBoundarySvg(
      (grid) => {
        asked.push(grid);
        return grid.map(([x]) => (x > 0.5 ? 1 : 0));
      },
      [
        [0.2, 0.8],
        [0.8, 0.2],
      ],
      [0, 1],
      { resolution: 10, xDomain: [0, 1], yDomain: [0, 1], splits: ['train', 'test'], title: 'half plane' },
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]).toHaveLength(100);
    expect(asked[0]![0]![0]).toBeCloseTo(0.05);
    // each row is two runs, x < 0.5 blue and x > 0.5 orange
    const cells = marks(svg, 'mark-rect');
    expect(cells).toHaveLength(20);
    expect(cells.filter((c) => c.includes('fill="#a6c8e6"'))).toHaveLength(10);
    const left = (c: string) => Number(/ x="([\d.]+)"/.exec(c)![1]);
    for (const blue of cells.filter((c) => c.includes('#a6c8e6'))) expect(left(blue)).toBe(64); // the left half
    expect(cells.filter((c) => c.includes('fill="#f9c08f"'))).toHaveLength(10);
    const points = marks(svg, 'mark-symbol');
    expect(points).toHaveLength(2);
    expect(points[0]).toMatch(/^<circle [^>]*class="point class-0 split-0" fill="#1f6fb4"/);
    expect(points[1]).toMatch(/^<polygon [^>]*class="point class-1 split-1" fill="#e8710a"/);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['half plane', 'train', 'test', 'class 0', 'class 1', 'P(class 1)']),
    );
  });

  test('takes tensors, fits the domain around the points, and draws every point', () => {
    const x = tensor([
      [0, 0],
      [1, 2],
      [2, 1],
      [3, 3],
    ]);
    const svg = decisionBoundarySvg(
      (grid) => new Float64Array(grid.length).fill(0.25),
      x,
      tensor([0, 1, 1, 0]),
    );
    expect(marks(svg, 'mark-symbol')).toHaveLength(4);
    expect(marks(svg, 'mark-rect')).toHaveLength(60); // one shade: one run per row
    expect(texts(svg)).toEqual(expect.arrayContaining(['0', '1', '2', '3'])); // ticks of the fitted domain
  });

  test('refuses points, labels and predictions that do not fit, naming the function', () => {
    const p = (grid: [number, number][]) => grid.map(() => 0.5);
    expect(() => decisionBoundarySvg(p, tensor([[1, 2, 3]]), [0])).toThrow(
      /^decisionBoundarySvg: points must have shape \[n,2\], got \[1,3\]/,
    );
    expect(() => decisionBoundarySvg(p, [[1, 2]], [2])).toThrow(
      /^decisionBoundarySvg: labels must be 0 or 1, got 2 at index 0/,
    );
    expect(() => decisionBoundarySvg(p, [[1, 2]], [0, 1])).toThrow(
      /^decisionBoundarySvg: 2 labels for 1 points/,
    );
    expect(() => decisionBoundarySvg(() => [0.5], [[1, 2]], [0])).toThrow(
      /^decisionBoundarySvg: predict returned 1 values for a grid of 3600 points/,
    );
  });

  test('points one ulp apart are drawn; a domain or a point that is not finite is refused', () => {
    const p = (grid: [number, number][]) => grid.map(() => 0.5);
    const svg = decisionBoundarySvg(
      p,
      [
        [1, 0],
        [1 + 2 ** -52, 1],
      ],
      [0, 1],
    );
    expect(marks(svg, 'mark-symbol')).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(() => decisionBoundarySvg(p, [[0, 0]], [0], { xDomain: [0, Number.POSITIVE_INFINITY] })).toThrow(
      /^decisionBoundarySvg: a domain is empty or not finite: x \[0, Infinity\]/,
    );
    expect(() =>
      decisionBoundarySvg(
        p,
        tensor([
          [0, 0],
          [1, Number.NaN],
        ]),
        [0, 1],
      ),
    ).toThrow(/^decisionBoundarySvg: point 1 must be two finite numbers \[x, y\], got NaN/);
  });
});
