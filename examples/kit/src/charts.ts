// Charts as SVG text, drawn by Vega-Lite and Vega in Node (no browser, no canvas): curves and decision boundaries.

import * as vega from 'vega';
import * as vl from 'vega-lite';

/** One named curve of a line chart: y against x. */
export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
}

/** What `lineChart` draws. */
export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  series: readonly Series[];
  /** 'log' for losses that fall over orders of magnitude. Default 'linear'. */
  yScale?: 'linear' | 'log';
  /** Fixed y range, e.g. [0, 1] for accuracy. Default: fitted to the data. */
  yDomain?: [number, number];
  /** Format of the y axis labels (d3-format), e.g. '.0%'. */
  yFormat?: string;
  /** At most this many points per series are drawn, evenly spaced. Default 1000. */
  maxPoints?: number;
  width?: number;
  height?: number;
}

/** One point of a scatter over a decision boundary. */
export interface LabelledPoint {
  x: number;
  y: number;
  /** The class, 0 or 1. */
  label: number;
  /** Which part of the data it belongs to, e.g. 'train' or 'test'; each part gets its own shape. */
  split: string;
}

/** What `decisionBoundaryChart` draws. */
export interface DecisionBoundaryOptions {
  title: string;
  /** The model's probability of class 1 at each point [x, y] (called once, with the whole grid). */
  predict: (points: [number, number][]) => ArrayLike<number>;
  /** What `predict` returns, for the legend. Default 'P(class 1)'. */
  legendTitle?: string;
  /** The plotted area: [xMin, xMax] and [yMin, yMax]. */
  xDomain: [number, number];
  yDomain: [number, number];
  points: readonly LabelledPoint[];
  /** Cells per axis of the shaded grid. Default 60. */
  resolution?: number;
  width?: number;
  height?: number;
}

// Shared look: sizes a reader can read once the chart is a PNG, the same fonts on every machine.
const config = {
  font: 'DejaVu Sans',
  title: { fontSize: 16, fontWeight: 'bold', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, gridColor: '#e6e6e6' },
  legend: {
    labelFontSize: 12,
    titleFontSize: 13,
    orient: 'bottom',
    direction: 'horizontal',
    labelLimit: 320,
  },
  view: { stroke: '#999' },
  background: 'white',
  padding: 12,
} as const;

/** The two classes' colours (blue for 0, orange for 1), and the region shading between them. */
const CLASS_COLOURS = ['#1f6fb4', '#e8710a'];
const REGION_COLOURS = ['#a6c8e6', '#f7f7f7', '#f9c08f'];

/** The parts every chart's spec shares: schema, look, title and size. */
function frame(title: string, width: number, height: number) {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config, title, width, height };
}

/** Compiles a Vega-Lite spec and renders it headless to SVG text. */
export async function renderVegaLite(spec: vl.TopLevelSpec): Promise<string> {
  // Warnings would interleave with an example's output; errors still throw.
  const compiled = vl.compile(spec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/**
 * Curves of one or more series, e.g. a loss by iteration, with labelled axes and, when there is more
 * than one series, a legend.
 */
export function lineChart(options: LineChartOptions): Promise<string> {
  // a long history is drawn from evenly spaced points (the first and last always among them)
  const most = options.maxPoints ?? 1000;
  const rows = options.series.flatMap((s) => {
    const every = Math.max(1, Math.ceil(s.x.length / most));
    return s.x
      .map((x, i) => ({ series: s.name, x, y: s.y[i]! }))
      .filter((_, i) => i % every === 0 || i === s.x.length - 1);
  });
  const several = options.series.length > 1;
  const y: Record<string, unknown> = {
    field: 'y',
    type: 'quantitative',
    title: options.yTitle,
    scale: {
      type: options.yScale ?? 'linear',
      ...(options.yDomain !== undefined
        ? { domain: options.yDomain }
        : options.yScale === 'log'
          ? {}
          : { zero: false }),
    },
    ...(options.yFormat === undefined ? {} : { axis: { format: options.yFormat } }),
  };
  return renderVegaLite({
    ...frame(options.title, options.width ?? 560, options.height ?? 300),
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: { nice: false } },
      y,
      color: several
        ? { field: 'series', type: 'nominal', title: null, sort: options.series.map((s) => s.name) }
        : { value: CLASS_COLOURS[0] },
    },
  } as vl.TopLevelSpec);
}

/**
 * A classifier's decision boundary: the plane shaded by the predicted probability of class 1 (blue
 * below 0.5, orange above, white at the boundary), with the data on top, coloured by true class and
 * shaped by split (circles for the first split named, triangles for the next, ...).
 */
export function decisionBoundaryChart(options: DecisionBoundaryOptions): Promise<string> {
  const n = options.resolution ?? 60;
  const [x0, x1] = options.xDomain;
  const [y0, y1] = options.yDomain;
  const dx = (x1 - x0) / n;
  const dy = (y1 - y0) / n;
  const corners: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) corners.push([x0 + i * dx, y0 + j * dy]);
  const p = options.predict(corners.map(([x, y]) => [x + dx / 2, y + dy / 2])); // at each cell's centre
  // each cell overlaps its neighbours a little, so no hairline seams show between them
  const cells = corners.map(([x, y], k) => ({
    x,
    x2: Math.min(x1, x + 1.2 * dx),
    y,
    y2: Math.min(y1, y + 1.2 * dy),
    p: p[k]!,
  }));
  const splits = [...new Set(options.points.map((p) => p.split))];
  // points of later splits (test) are larger and outlined more heavily, so they stand out among the first
  const points = options.points.map((p) => {
    const first = p.split === splits[0];
    return { ...p, class: `class ${p.label}`, size: first ? 36 : 110, outline: first ? 0.6 : 1.8 };
  });
  const xAxis = { title: 'x₁', scale: { domain: options.xDomain, nice: false } };
  const yAxis = { title: 'x₂', scale: { domain: options.yDomain, nice: false } };
  return renderVegaLite({
    ...frame(options.title, options.width ?? 600, options.height ?? 420),
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', strokeWidth: 0 },
        encoding: {
          x: { field: 'x', type: 'quantitative', ...xAxis },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', ...yAxis },
          y2: { field: 'y2' },
          fill: {
            field: 'p',
            type: 'quantitative',
            title: options.legendTitle ?? 'P(class 1)',
            scale: { domain: [0, 0.5, 1], range: REGION_COLOURS },
            legend: { gradientLength: 160, format: '.1f' },
          },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, stroke: '#111', opacity: 0.9 },
        encoding: {
          x: { field: 'x', type: 'quantitative', ...xAxis },
          y: { field: 'y', type: 'quantitative', ...yAxis },
          color: {
            field: 'class',
            type: 'nominal',
            title: 'true class',
            scale: { domain: ['class 0', 'class 1'], range: CLASS_COLOURS },
          },
          shape: {
            field: 'split',
            type: 'nominal',
            title: 'data',
            scale: { domain: splits, range: ['circle', 'triangle-up', 'square', 'diamond'] },
          },
          size: { field: 'size', type: 'quantitative', scale: null },
          strokeWidth: { field: 'outline', type: 'quantitative', scale: null },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as vl.TopLevelSpec);
}
