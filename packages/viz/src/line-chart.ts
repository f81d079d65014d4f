// Line charts of a training history (loss, accuracy by step) as plain SVG text.

import { describe } from '@chainrule/engine';
import {
  axes,
  border,
  COLOURS,
  checkSize,
  document,
  esc,
  extent,
  linearScale,
  logScale,
  px,
} from './svg-plot.js';

/** One named curve of a line chart: `y` against `x` (by default 0, 1, 2, ...: the step). */
export interface Series {
  name: string;
  y: readonly number[];
  x?: readonly number[];
}

/** Options of `lineChartSvg`. */
export interface LineChartOptions {
  title?: string;
  /** Default 'step'. */
  xTitle?: string;
  /** Default: none. */
  yTitle?: string;
  /** 'log' for losses that fall over orders of magnitude. Default 'linear'. */
  yScale?: 'linear' | 'log';
  /** Fixed y range, e.g. [0, 1] for accuracy. Default: fitted to the data. */
  yDomain?: [number, number];
  /** Text of the y axis labels, e.g. `(v) => `${Math.round(v * 100)}%``. Default: as many decimals as the ticks need. */
  yFormat?: (value: number) => string;
  /** At most this many points per series are drawn, evenly spaced, the last always among them. Default 1000. */
  maxPoints?: number;
  /** Size of the plotted area in SVG units. Default 560 × 300. */
  width?: number;
  height?: number;
}

/**
 * A line chart of one or more series, e.g. a training history's loss by step, with labelled axes
 * and, when there is more than one series, a legend. `series` is a list of `{ name, y, x? }` or an
 * object of named arrays (`{ loss: history.loss, 'val loss': history.valLoss }`); empty arrays are
 * left out. Plain SVG text with no DOM, so it runs in Node, the browser and a worker alike. Each
 * series is a `<polyline class="line" data-series="name">` (a step that diverged to NaN or Infinity,
 * or is not positive on a log scale, breaks the line in two).
 *
 * @example
 * ```ts
 * const svg = lineChartSvg({ loss: [0.9, 0.5, 0.3, 0.2] }, { title: 'training', yTitle: 'loss' });
 * svg.match(/<polyline/g)?.length; // 1
 * ```
 */
export function lineChartSvg(
  series: readonly Series[] | Readonly<Record<string, readonly number[]>>,
  options: LineChartOptions = {},
): string {
  const all = toSeries(series);
  const most = options.maxPoints ?? 1000;
  if (!Number.isInteger(most) || most < 2) {
    throw new RangeError(`lineChartSvg: maxPoints must be an integer of at least 2, got ${most}`);
  }
  const log = options.yScale === 'log';
  const drawable = (y: number) => Number.isFinite(y) && (!log || y > 0);
  // a long history is drawn from evenly spaced points (the first and last always among them)
  const thinned = all.map((s) => {
    const every = Math.max(1, Math.ceil(s.y.length / most));
    const points = s.y
      .map((y, i) => ({ x: s.x?.[i] ?? i, y }))
      .filter((_, i) => i % every === 0 || i === s.y.length - 1);
    return { name: s.name, points };
  });
  const xs = thinned.flatMap((s) => s.points.map((p) => p.x));
  const ys = thinned.flatMap((s) => s.points.map((p) => p.y)).filter(drawable);
  if (ys.length === 0)
    throw new RangeError(
      'lineChartSvg: no point can be drawn (every y is NaN, infinite or, on a log scale, not positive)',
    );
  const width = checkSize('lineChartSvg', 'width', options.width ?? 560);
  const height = checkSize('lineChartSvg', 'height', options.height ?? 300);
  const several = thinned.length > 1;
  const area = { left: 72, top: options.title === undefined ? 16 : 44, width, height };
  const [x0, x1] = widen(extent(xs));
  const [y0, y1] = options.yDomain === undefined ? widen(extent(ys)) : checkDomain(options.yDomain);
  if (log && !(y0 > 0))
    throw new RangeError(`lineChartSvg: a log scale needs a positive y range, got [${y0}, ${y1}]`);
  const x = linearScale(x0, x1, area.left, area.left + width);
  const y = (log ? logScale : linearScale)(y0, y1, area.top + height, area.top);
  if (options.yFormat !== undefined) y.format = options.yFormat;
  const body = axes(x, y, area, { title: options.title, x: options.xTitle ?? 'step', y: options.yTitle });
  // a nested <svg> is the plot's viewport: it clips what a fixed yDomain leaves outside, with no ids
  body.push(
    `<svg class="plot" x="${px(area.left)}" y="${px(area.top)}" width="${px(width)}" height="${px(height)}" viewBox="${px(area.left)} ${px(area.top)} ${px(width)} ${px(height)}" overflow="hidden">`,
    '<g class="mark-line" fill="none" stroke-width="2" stroke-linejoin="round">',
  );
  for (const [k, s] of thinned.entries()) {
    const colour = COLOURS[k % COLOURS.length]!;
    for (const run of runs(s.points, drawable)) {
      const points = run.map((p) => `${px(x(p.x))},${px(y(p.y))}`).join(' ');
      body.push(
        `<polyline class="line" data-series="${esc(s.name)}" stroke="${colour}" points="${points}"/>`,
      );
    }
  }
  body.push('</g>', '</svg>', border(area));
  const bottom = area.top + height + 48;
  if (several) {
    body.push(`<g class="legend" font-size="12" fill="#333">`);
    let at = area.left;
    for (const [k, s] of thinned.entries()) {
      const colour = COLOURS[k % COLOURS.length]!;
      body.push(
        `<line x1="${px(at)}" y1="${px(bottom + 6)}" x2="${px(at + 18)}" y2="${px(bottom + 6)}" stroke="${colour}" stroke-width="3"/>`,
        `<text x="${px(at + 24)}" y="${px(bottom + 10)}">${esc(s.name)}</text>`,
      );
      at += 40 + 7 * s.name.length;
    }
    body.push('</g>');
  }
  return document(area.left + width + 24, bottom + (several ? 24 : 0), body);
}

/** The stretches of consecutive drawable points: each becomes one polyline. */
function runs<P extends { y: number }>(points: P[], drawable: (y: number) => boolean): P[][] {
  const out: P[][] = [[]];
  for (const p of points) {
    if (drawable(p.y)) out[out.length - 1]!.push(p);
    else if (out[out.length - 1]!.length > 0) out.push([]);
  }
  return out.filter((r) => r.length > 0);
}

/**
 * A range with room: a single value, or values that differ only in their last digits (a loss stuck
 * at 0.6931471805599453 and ...54), gets half a unit (or a tenth of itself) each side.
 */
function widen([lo, hi]: [number, number]): [number, number] {
  if (hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9) return [lo, hi];
  const mid = lo / 2 + hi / 2;
  const d = mid === 0 ? 0.5 : Math.abs(mid) / 10;
  return [mid - d, mid + d];
}

/** A fixed y range, checked: two finite numbers, the first below the second. */
function checkDomain(domain: readonly number[]): [number, number] {
  const [lo, hi] = domain;
  if (
    domain.length !== 2 ||
    !(typeof lo === 'number' && typeof hi === 'number' && Number.isFinite(lo) && Number.isFinite(hi)) ||
    !(lo < hi)
  ) {
    throw new RangeError(
      `lineChartSvg: yDomain must be two finite numbers [min, max] with min < max, got [${domain.join(', ')}]`,
    );
  }
  return [lo, hi];
}

/** The series as a list, checked: arrays of numbers, x as long as y, names distinct. */
function toSeries(series: readonly Series[] | Readonly<Record<string, readonly number[]>>): Series[] {
  if (typeof series !== 'object' || series === null) {
    throw new TypeError(
      `lineChartSvg: expected a list of series or an object of arrays, got ${describe(series)}`,
    );
  }
  const list: Series[] = Array.isArray(series)
    ? [...(series as readonly Series[])]
    : Object.entries(series as Readonly<Record<string, readonly number[]>>).map(([name, y]) => ({ name, y }));
  const names = new Set<string>();
  for (const s of list) {
    if (!Array.isArray(s?.y)) {
      throw new TypeError(`lineChartSvg: series '${s?.name}' has no array y, got ${describe(s?.y)}`);
    }
    if (names.has(s.name)) throw new Error(`lineChartSvg: two series are named '${s.name}'`);
    names.add(s.name);
    if (s.x !== undefined && s.x.length !== s.y.length) {
      throw new RangeError(
        `lineChartSvg: series '${s.name}' has ${s.x.length} x values for ${s.y.length} y values`,
      );
    }
    const bad = [...s.y, ...(s.x ?? [])].find((v) => typeof v !== 'number');
    if (bad !== undefined) {
      throw new TypeError(`lineChartSvg: series '${s.name}' holds ${describe(bad)}, not a number`);
    }
    // a y that diverged breaks the line; an x has no such meaning, and would put NaN in the picture
    const badX = s.x?.findIndex((v) => !Number.isFinite(v)) ?? -1;
    if (badX >= 0) {
      throw new RangeError(
        `lineChartSvg: series '${s.name}' has x ${s.x![badX]} at index ${badX}, not finite`,
      );
    }
  }
  if (list.every((s) => s.y.length === 0)) throw new RangeError('lineChartSvg: no series has any point');
  return list.filter((s) => s.y.length > 0);
}
