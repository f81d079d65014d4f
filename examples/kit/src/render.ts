// Pictures without system tools: DOT to SVG by Graphviz compiled to WebAssembly, SVG to PNG by resvg.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { Resvg } from '@resvg/resvg-js';
import { displayPath, writeOut } from './files.js';

let graphviz: Promise<Graphviz> | null = null;

/** Lays out Graphviz DOT text with `dot` and returns the SVG text. */
export async function dotToSvg(dot: string): Promise<string> {
  graphviz ??= Graphviz.load();
  return (await graphviz).dot(dot);
}

/** A rendered PNG and its size in pixels. */
export interface Png {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The DejaVu fonts shipped in the npm package `dejavu-fonts-ttf`: the same text on every machine. */
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
 * Renders SVG text to PNG at `scale` pixels per SVG unit (2 by default, sharp on high-density
 * screens), on a white background. Text uses only the DejaVu fonts of `fontFiles()`, never the
 * system's, so a picture comes out the same on every machine: sans-serif families (Helvetica,
 * Arial, ...) and any unknown family fall back to DejaVu Sans, serif ones to DejaVu Serif.
 */
export function svgToPng(svg: string, scale = 2): Png {
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles(),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Serif',
      monospaceFamily: 'DejaVu Sans Mono',
    },
  }).render();
  return { data: image.asPng(), width: image.width, height: image.height };
}

/** A picture written as SVG and PNG, and the PNG's size in pixels. */
export interface Picture {
  svg: string;
  png: string;
  width: number;
  height: number;
}

/** Writes `svg` to `dir/name.svg` and its PNG rendering (see `svgToPng`) to `dir/name.png`. */
export function writePicture(dir: string, name: string, svg: string): Picture {
  const png = svgToPng(svg);
  return {
    svg: writeOut(dir, `${name}.svg`, svg),
    png: writeOut(dir, `${name}.png`, png.data),
    width: png.width,
    height: png.height,
  };
}

/** One line naming a picture's files for the reader: `The loss curve: out/x/loss.svg, .png (1352×794)`. */
export function pictureLine(what: string, picture: Picture): string {
  return `${what}: ${displayPath(picture.svg)}, .png (${picture.width}×${picture.height})`;
}

/** The pictures' files, each SVG then its PNG, as `ExampleResult.files` lists them. */
export function pictureFiles(...pictures: Picture[]): string[] {
  return pictures.flatMap((p) => [displayPath(p.svg), displayPath(p.png)]);
}
