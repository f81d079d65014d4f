// The Node-only entry of @chainrule/viz: SVG text to PNG by resvg, with fonts shipped in npm.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe } from '@chainrule/engine';
import { Resvg } from '@resvg/resvg-js';

/** A rendered PNG: its bytes and its size in pixels. */
export interface Png {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The most pixels `svgToPng` renders: 100 million, 400 MB before compression. */
const MAX_PIXELS = 100_000_000;

/** Options of `svgToPng`: the size, as a scale or a width, and the background. */
export interface PngOptions {
  /** Pixels per SVG unit. Default 2: sharp on high-density screens. */
  scale?: number;
  /** The PNG's width in pixels, the height following the SVG's aspect ratio (in place of `scale`). */
  width?: number;
  /** A CSS colour, or 'transparent'. Default 'white'. */
  background?: string;
}

/**
 * The DejaVu fonts shipped in the npm package `dejavu-fonts-ttf`, which `svgToPng` sets all text in.
 *
 * @example
 * ```ts
 * fontFiles().some((f) => f.endsWith('DejaVuSans.ttf')); // true
 * ```
 */
export function fontFiles(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return [
    'DejaVuSans.ttf',
    'DejaVuSans-Bold.ttf',
    'DejaVuSans-Oblique.ttf',
    'DejaVuSerif.ttf',
    'DejaVuSansMono.ttf',
  ].map((file) => join(dir, file));
}

/**
 * Renders SVG text (from `graphSvg`, `lineChartSvg`, `decisionBoundarySvg` or anywhere) to PNG with
 * resvg (`@resvg/resvg-js`, a prebuilt binary in the npm package: no system tools). Text is set only
 * in the DejaVu fonts of `fontFiles()`, never the system's, so a picture comes out the same on every
 * machine: sans-serif families (Helvetica, Arial, ...) and unknown ones fall back to DejaVu Sans,
 * serif ones to DejaVu Serif. A PNG of more than 100 million pixels is refused
 * with a RangeError (resvg would abort the process).
 *
 * @example
 * ```ts
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><circle cx="10" cy="10" r="5"/></svg>';
 * const png = svgToPng(svg, { scale: 2 });
 * [png.width, png.height]; // [60, 40]
 * ```
 */
export function svgToPng(svg: string, options: PngOptions = {}): Png {
  if (typeof svg !== 'string') throw new TypeError(`svgToPng: expected SVG text, got ${describe(svg)}`);
  const { scale = 2, width } = options;
  if (width !== undefined && !(Number.isInteger(width) && width > 0)) {
    throw new RangeError(`svgToPng: width must be a positive integer, got ${width}`);
  }
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError(`svgToPng: scale must be a positive number, got ${scale}`);
  }
  const resvg = new Resvg(svg, {
    fitTo: width === undefined ? { mode: 'zoom', value: scale } : { mode: 'width', value: width },
    ...(options.background === 'transparent' ? {} : { background: options.background ?? 'white' }),
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles(),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Serif',
      monospaceFamily: 'DejaVu Sans Mono',
    },
  });
  // resvg aborts the whole process when it cannot allocate the pixels: refuse first, with the size
  const w = width ?? Math.ceil(resvg.width * scale);
  const h =
    width === undefined ? Math.ceil(resvg.height * scale) : Math.ceil((resvg.height * width) / resvg.width);
  if (!(w * h <= MAX_PIXELS)) {
    throw new RangeError(
      `svgToPng: a ${w} × ${h} PNG is too large (at most ${MAX_PIXELS / 1e6} million pixels); ask for a smaller scale or width`,
    );
  }
  const image = resvg.render();
  return { data: image.asPng(), width: image.width, height: image.height };
}
