// A 2-D binary classifier's decision boundary as plain SVG text: the plane shaded by P(class 1), the data on top.

import { describe, formatShape, Tensor } from '@chainrule/engine';
import { axes, border, COLOURS, checkSize, document, esc, extent, linearScale, px } from './svg-plot.js';

/** The model's probability of class 1 at each point `[x, y]` of a grid (called once, with the whole grid). */
export type Predict = (grid: [number, number][]) => ArrayLike<number>;

/** Options of `decisionBoundarySvg`. */
export interface DecisionBoundaryOptions {
  title?: string;
  /**
   * The part of the data each point belongs to, e.g. 'train' or 'test': each part gets its own
   * shape (circles for the first part named, triangles for the next, ...). Default: one part.
   */
  splits?: readonly string[];
  /** What `predict` returns, for the legend. Default 'P(class 1)'. */
  legendTitle?: string;
  /** The plotted area, [min, max] on each axis. Default: the points' range and a tenth more each side. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Cells per axis of the shaded grid. Default 60. */
  resolution?: number;
  /** Size of the plotted area in SVG units. Default 600 × 420. */
  width?: number;
  height?: number;
}

const FN = 'decisionBoundarySvg';

/**
 * A 2-D binary classifier's decision boundary: the plane shaded by `predict`'s probability of class
 * 1 (blue below 0.5, orange above, white on the boundary), with the points on top, coloured by their
 * label (0 or 1) and shaped by split. `points` is `[n,2]` (a Tensor or arrays), `labels` holds n
 * zeros and ones. `predict` is called once, with the centre of every grid cell. Plain SVG text with
 * no DOM, so it runs in Node, the browser and a worker alike: the cells are `<rect>`s in
 * `<g class="mark-rect">` (neighbours of one shade merged), the points one element each in
 * `<g class="mark-symbol">`.
 *
 * @example
 * ```ts
 * const points = [[0, 1], [1, 0], [0.2, 0.9], [0.8, 0.1]];
 * const svg = decisionBoundarySvg((grid) => grid.map(([x, y]) => (x > y ? 1 : 0)), points, [0, 1, 0, 1]);
 * svg.includes('P(class 1)'); // true
 * ```
 */
export function decisionBoundarySvg(
  predict: Predict,
  points: Tensor | readonly (readonly number[])[],
  labels: Tensor | ArrayLike<number>,
  options: DecisionBoundaryOptions = {},
): string {
  if (typeof predict !== 'function')
    throw new TypeError(`${FN}: predict must be a function, got ${describe(predict)}`);
  const xy = pairs(points);
  const classes = labelList(labels, xy.length);
  const splits = options.splits ?? xy.map(() => 'data');
  if (splits.length !== xy.length) {
    throw new RangeError(`${FN}: splits has ${splits.length} entries for ${xy.length} points`);
  }
  const n = options.resolution ?? 60;
  if (!Number.isInteger(n) || n < 2 || n > 500) {
    throw new RangeError(`${FN}: resolution must be an integer from 2 to 500, got ${n}`);
  }
  const [x0, x1] = options.xDomain ?? fitted(xy.map((p) => p[0]));
  const [y0, y1] = options.yDomain ?? fitted(xy.map((p) => p[1]));
  const dx = (x1 - x0) / n;
  const dy = (y1 - y0) / n;
  if (!(dx > 0 && dy > 0 && Number.isFinite(dx) && Number.isFinite(dy) && Number.isFinite(x0 + y0)))
    throw new RangeError(`${FN}: a domain is empty or not finite: x [${x0}, ${x1}], y [${y0}, ${y1}]`);
  const grid: [number, number][] = [];
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) grid.push([x0 + (i + 0.5) * dx, y0 + (j + 0.5) * dy]);
  const p = predict(grid);
  if (p?.length !== grid.length) {
    throw new RangeError(`${FN}: predict returned ${p?.length} values for a grid of ${grid.length} points`);
  }
  const width = checkSize(FN, 'width', options.width ?? 600);
  const height = checkSize(FN, 'height', options.height ?? 420);
  const area = { left: 64, top: options.title === undefined ? 16 : 44, width, height };
  const x = linearScale(x0, x1, area.left, area.left + width);
  const y = linearScale(y0, y1, area.top + height, area.top);
  const body = axes(x, y, area, { title: options.title, x: 'x₁', y: 'x₂' });
  // one rect per run of cells along a row with the same shade; each overlaps the next by a hair,
  // so no seams show between them
  body.push('<g class="mark-rect" shape-rendering="crispEdges">');
  const cellW = width / n;
  const cellH = height / n;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; ) {
      const shade = regionColour(p[j * n + i]!);
      let end = i + 1;
      while (end < n && regionColour(p[j * n + end]!) === shade) end++;
      const left = area.left + i * cellW;
      const top = area.top + height - (j + 1) * cellH;
      body.push(
        `<rect x="${px(left)}" y="${px(top)}" width="${px((end - i) * cellW + 0.5)}" height="${px(cellH + 0.5)}" fill="${shade}"/>`,
      );
      i = end;
    }
  }
  body.push('</g>');
  const parts = [...new Set(splits)];
  body.push('<g class="mark-symbol" stroke="#111" fill-opacity="0.9">');
  // points of later splits (test) are larger and outlined more heavily, so they stand out among the first
  for (const [k, [px0, py0]] of xy.entries()) {
    const part = parts.indexOf(splits[k]!);
    const size = part === 0 ? 3.5 : 6;
    const fill = COLOURS[classes[k]!]!;
    const attrs = `class="point class-${classes[k]} split-${part}" fill="${fill}" stroke-width="${part === 0 ? 0.6 : 1.5}"`;
    body.push(symbol(part, x(px0), y(py0), size, attrs));
  }
  body.push('</g>', border(area));
  const bottom = area.top + height + 48;
  body.push(
    ...legend(
      area.left,
      bottom,
      options.legendTitle ?? 'P(class 1)',
      options.splits === undefined ? [] : parts,
    ),
  );
  return document(area.left + width + 24, bottom + 40, body);
}

/** The shade of a probability: blue at 0, white at 0.5, orange at 1, in 32 steps each side. */
function regionColour(p: number): string {
  if (!Number.isFinite(p)) return '#cccccc';
  const t = Math.min(1, Math.max(0, p));
  const [from, to, u] = t < 0.5 ? [REGION[0]!, REGION[1]!, t * 2] : [REGION[1]!, REGION[2]!, t * 2 - 1];
  const step = Math.round(u * 32) / 32;
  const mix = from.map((c, i) => Math.round(c + (to[i]! - c) * step));
  return `#${mix.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** The region colours as RGB: light blue, near white, light orange. */
const REGION = [
  [0xa6, 0xc8, 0xe6],
  [0xf7, 0xf7, 0xf7],
  [0xf9, 0xc0, 0x8f],
];

/** A point's mark: a circle for the first split, then a triangle, a square, a diamond. */
function symbol(part: number, cx: number, cy: number, r: number, attrs: string): string {
  const at = (dx: number, dy: number) => `${px(cx + dx)},${px(cy + dy)}`;
  switch (part % 4) {
    case 0:
      return `<circle cx="${px(cx)}" cy="${px(cy)}" r="${px(r)}" ${attrs}/>`;
    case 1:
      return `<polygon points="${at(0, -r)} ${at(r * 0.9, r * 0.6)} ${at(-r * 0.9, r * 0.6)}" ${attrs}/>`;
    case 2:
      return `<rect x="${px(cx - r * 0.8)}" y="${px(cy - r * 0.8)}" width="${px(r * 1.6)}" height="${px(r * 1.6)}" ${attrs}/>`;
    default:
      return `<polygon points="${at(0, -r)} ${at(r, 0)} ${at(0, r)} ${at(-r, 0)}" ${attrs}/>`;
  }
}

/** The legend under the plot: the shading's scale, the two classes, and the splits' shapes when named. */
function legend(left: number, top: number, title: string, parts: string[]): string[] {
  const out = [
    `<g class="legend" font-size="12" fill="#333">`,
    `<text x="${px(left)}" y="${px(top + 10)}" font-size="13">${esc(title)}</text>`,
  ];
  const barX = left + 8 + 7.5 * title.length;
  for (let k = 0; k < 16; k++) {
    out.push(
      `<rect x="${px(barX + k * 8)}" y="${px(top)}" width="8.5" height="12" fill="${regionColour(k / 15)}" stroke="none"/>`,
    );
  }
  out.push(
    `<text x="${px(barX)}" y="${px(top + 26)}" text-anchor="middle">0</text>`,
    `<text x="${px(barX + 64)}" y="${px(top + 26)}" text-anchor="middle">0.5</text>`,
    `<text x="${px(barX + 128)}" y="${px(top + 26)}" text-anchor="middle">1</text>`,
  );
  let at = barX + 150;
  for (const k of [0, 1]) {
    out.push(symbol(0, at + 5, top + 6, 5, `fill="${COLOURS[k]}" stroke="#111" stroke-width="0.6"`));
    out.push(`<text x="${px(at + 14)}" y="${px(top + 10)}">class ${k}</text>`);
    at += 70;
  }
  for (const [k, name] of parts.entries()) {
    out.push(symbol(k, at + 5, top + 6, 5, 'fill="#888" stroke="#111" stroke-width="0.6"'));
    out.push(`<text x="${px(at + 14)}" y="${px(top + 10)}">${esc(name)}</text>`);
    at += 24 + 7 * name.length;
  }
  out.push('</g>');
  return out;
}

/** The points as [x, y] pairs, checked: a Tensor of shape [n,2] or n arrays of two numbers. */
function pairs(points: Tensor | readonly (readonly number[])[]): [number, number][] {
  if (points instanceof Tensor) {
    if (points.shape.length !== 2 || points.shape[1] !== 2) {
      throw new RangeError(`${FN}: points must have shape [n,2], got ${formatShape(points.shape)}`);
    }
    const d = points.data;
    const bad = d.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new TypeError(`${FN}: point ${bad >> 1} must be two finite numbers [x, y], got ${d[bad]}`);
    }
    return Array.from({ length: points.shape[0]! }, (_, i) => [d[2 * i]!, d[2 * i + 1]!]);
  }
  if (!Array.isArray(points))
    throw new TypeError(`${FN}: points must be a Tensor or arrays, got ${describe(points)}`);
  return points.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isFinite(v))) {
      throw new TypeError(`${FN}: point ${i} must be two finite numbers [x, y], got ${describe(p)}`);
    }
    return [p[0]!, p[1]!];
  });
}

/** The labels, checked: one per point, each 0 or 1. */
function labelList(labels: Tensor | ArrayLike<number>, count: number): number[] {
  const list = Array.from(labels instanceof Tensor ? labels.data : labels);
  if (list.length !== count) throw new RangeError(`${FN}: ${list.length} labels for ${count} points`);
  const bad = list.findIndex((l) => l !== 0 && l !== 1);
  if (bad >= 0) throw new RangeError(`${FN}: labels must be 0 or 1, got ${list[bad]} at index ${bad}`);
  return list;
}

/** A range holding every value, a tenth of its span more on each side (half a unit when the span is 0). */
function fitted(values: number[]): [number, number] {
  if (values.length === 0) return [-1, 1];
  const [lo, hi] = extent(values);
  const margin = hi > lo ? (hi - lo) / 10 : 0.5;
  return [lo - margin, hi + margin];
}
