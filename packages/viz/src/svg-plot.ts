// What the charts share, written as plain SVG text (no DOM, no canvas): scales, ticks, axes, title, legend.

/** The look: sizes a reader can read once the chart is a PNG; DejaVu, which svgToPng ships, first. */
export const FONT = "'DejaVu Sans', Helvetica, Arial, sans-serif";
/** Series colours, in order; the first two are class 0 (blue) and class 1 (orange). */
export const COLOURS = [
  '#1f6fb4',
  '#e8710a',
  '#2a9d4a',
  '#c9302c',
  '#7b5ea7',
  '#8c564b',
  '#d16ba5',
  '#6b6b6b',
];

/** The space around the plotted area, in SVG units. */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** A map from data to SVG units along one axis, and the ticks to label it with. */
export interface Scale {
  (v: number): number;
  ticks: number[];
  format: (v: number) => string;
}

/** Escapes text for an SVG text node or attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number as an SVG coordinate: two decimals at most. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * About `count` round ticks (1, 2 or 5 times a power of ten) covering [lo, hi]; just `lo` when the
 * range is empty, not finite, or too narrow for its size to hold round ticks that twelve significant
 * digits tell apart (1 to 1 + 2^-52: the tick counter would pass 2^53, where k + 1 === k).
 */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo && Number.isFinite(lo) && Number.isFinite(hi))) return [lo];
  const raw = hi / count - lo / count; // not (hi - lo) / count, which overflows for ±1e308
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  if (step === undefined || !(step > 0 && Number.isFinite(step))) return [lo];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  if (!(Math.max(Math.abs(first), Math.abs(last)) < 1e10)) return [lo];
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** A linear scale from [lo, hi] onto [from, to], with round ticks. */
export function linearScale(lo: number, hi: number, from: number, to: number): Scale {
  const span = hi > lo ? hi - lo : 1;
  // in halves when the span overflows (-1e308 to 1e308), so that no point becomes NaN
  const share = Number.isFinite(span)
    ? (v: number) => (v - lo) / span
    : (v: number) => (v / 2 - lo / 2) / (hi / 2 - lo / 2);
  const scale = ((v: number) => from + share(v) * (to - from)) as Scale;
  scale.ticks = niceTicks(lo, hi);
  const step = scale.ticks.length > 1 ? scale.ticks[1]! - scale.ticks[0]! : 1;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  scale.format = (v) => v.toFixed(Math.min(decimals, 10)).replace(/^-(0\.?0*)$/, '$1');
  return scale;
}

/** A log10 scale from [lo, hi] (both > 0) onto [from, to], ticked at powers of ten. */
export function logScale(lo: number, hi: number, from: number, to: number): Scale {
  const a = Math.log10(lo);
  const b = hi > lo ? Math.log10(hi) : a + 1;
  const scale = ((v: number) => from + ((Math.log10(v) - a) / (b - a)) * (to - from)) as Scale;
  const ticks: number[] = [];
  for (let k = Math.ceil(a - 1e-9); k <= b + 1e-9; k++) ticks.push(10 ** k);
  scale.ticks = ticks.length >= 2 ? ticks : niceTicks(lo, hi, 4);
  // as many digits as the tick needs: 1e+17 and 1.05e+17 when a chart spans less than a decade
  scale.format = (v) => {
    const round = Number(v.toPrecision(6));
    return v >= 1e-3 && v < 1e4 ? String(round) : round.toExponential();
  };
  return scale;
}

/** The frame of a chart: white background, title, grid lines, axis ticks and titles, the plot's border. */
export function axes(
  x: Scale,
  y: Scale,
  area: { left: number; top: number; width: number; height: number },
  titles: { title?: string | undefined; x?: string | null | undefined; y?: string | null | undefined },
): string[] {
  const { left, top, width, height } = area;
  const bottom = top + height;
  const right = left + width;
  const parts = [`<g class="grid" stroke="#e6e6e6" stroke-width="1">`];
  for (const t of x.ticks)
    parts.push(`<line x1="${px(x(t))}" y1="${px(top)}" x2="${px(x(t))}" y2="${px(bottom)}"/>`);
  for (const t of y.ticks)
    parts.push(`<line x1="${px(left)}" y1="${px(y(t))}" x2="${px(right)}" y2="${px(y(t))}"/>`);
  parts.push('</g>');
  const text = (cls: string, at: [number, number], anchor: string, body: string, extra = '') =>
    `<text class="${cls}" x="${px(at[0])}" y="${px(at[1])}" text-anchor="${anchor}"${extra}>${esc(body)}</text>`;
  parts.push(`<g class="axis x-axis" font-size="12" fill="#333">`);
  for (const t of x.ticks) parts.push(text('tick', [x(t), bottom + 16], 'middle', x.format(t)));
  if (titles.x)
    parts.push(text('axis-title', [left + width / 2, bottom + 36], 'middle', titles.x, ' font-size="13"'));
  parts.push('</g>', `<g class="axis y-axis" font-size="12" fill="#333">`);
  for (const t of y.ticks) parts.push(text('tick', [left - 6, y(t) + 4], 'end', y.format(t)));
  if (titles.y) {
    const at: [number, number] = [left - 48, top + height / 2];
    parts.push(
      text(
        'axis-title',
        at,
        'middle',
        titles.y,
        ` font-size="13" transform="rotate(-90 ${px(at[0])} ${px(at[1])})"`,
      ),
    );
  }
  parts.push('</g>');
  if (titles.title)
    parts.push(text('title', [12, 24], 'start', titles.title, ' font-size="16" font-weight="bold"'));
  return parts;
}

/** The plot's border, drawn last so that cells and lines stay inside it. */
export function border(area: { left: number; top: number; width: number; height: number }): string {
  const { left, top, width, height } = area;
  return `<rect class="plot-border" x="${px(left)}" y="${px(top)}" width="${px(width)}" height="${px(height)}" fill="none" stroke="#999"/>`;
}

/** The whole document: an <svg> root of the given size, on white, around `body`. */
export function document(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="${FONT}">`,
    `<rect class="background" width="100%" height="100%" fill="white"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Checks a chart's size option: a positive finite number of SVG units. */
export function checkSize(fn: string, name: string, size: number): number {
  if (!Number.isFinite(size) || size <= 0) {
    throw new RangeError(`${fn}: ${name} must be a positive number, got ${size}`);
  }
  return size;
}

/** The smallest and largest of `values` (no spread: a history can be longer than the argument limit). */
export function extent(values: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
