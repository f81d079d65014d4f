// Pictures written under out/: an SVG from @chainrule/viz and its PNG, and how the examples name them.

import { svgToPng } from '@chainrule/viz/node';
import { displayPath, writeOut } from './files.js';

/** A picture written as SVG and PNG, and the PNG's size in pixels. */
export interface Picture {
  svg: string;
  png: string;
  width: number;
  height: number;
}

/** Writes `svg` to `dir/name.svg` and its PNG rendering (`svgToPng`, twice the size) to `dir/name.png`. */
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
