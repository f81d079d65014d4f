// Pictures without system tools: DOT to SVG by Graphviz compiled to WebAssembly, SVG to PNG by resvg.

import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { Resvg } from '@resvg/resvg-js';

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

/**
 * Renders SVG text to PNG at `scale` pixels per SVG unit (2 by default, sharp on high-density
 * screens), on a white background. Text uses the system's fonts; generic sans-serif maps to DejaVu
 * Sans where it is installed.
 */
export function svgToPng(svg: string, scale = 2): Png {
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans', defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return { data: image.asPng(), width: image.width, height: image.height };
}
