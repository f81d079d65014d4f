// What the examples' tests check in a picture: SVG that parses as XML, its marks and texts; PNG dimensions.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { afterAll } from 'vitest';

/** A fresh folder under the system's temporary folder, removed when the test file's tests are done. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `chainrule-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An SVG file read back: its size, the class of every group, the text of every <text>. */
export interface SvgSummary {
  width: number;
  height: number;
  /** The `class` attribute of every <g>, in document order (the charts group their marks as `mark-line`, `mark-rect`, `mark-symbol`). */
  groupClasses: string[];
  /** Every <text> element's content. */
  texts: string[];
  /** How many children each <g> with a `mark-*` class holds, by class: one per rect, point or line. */
  markCounts: Record<string, number>;
}

type Node = Record<string, unknown>;

/** Reads an SVG file, throws unless it is well-formed XML with an <svg> root, and summarises it. */
export function readSvg(path: string): SvgSummary {
  const text = readFileSync(path, 'utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new Error(`${path}: not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  }).parse(text);
  const svg = (doc.svg as Node[] | undefined)?.[0];
  if (svg === undefined) throw new Error(`${path}: the root element is not <svg>`);
  const summary: SvgSummary = {
    width: Number(svg['width']),
    height: Number(svg['height']),
    groupClasses: [],
    texts: [],
    markCounts: {},
  };
  const visit = (node: Node): void => {
    for (const [tag, children] of Object.entries(node)) {
      if (!Array.isArray(children)) continue;
      for (const child of children as unknown[]) {
        if (tag === 'text') summary.texts.push(textOf(child));
        if (typeof child !== 'object' || child === null) continue;
        const c = child as Node;
        if (tag === 'g' && typeof c['class'] === 'string') {
          const cls = c['class'];
          summary.groupClasses.push(cls);
          if (cls.startsWith('mark-')) {
            const count = Object.entries(c)
              .filter(([k, v]) => k !== 'class' && Array.isArray(v))
              .reduce((n, [, v]) => n + (v as unknown[]).length, 0);
            summary.markCounts[cls] = (summary.markCounts[cls] ?? 0) + count;
          }
        }
        visit(c);
      }
    }
  };
  visit(svg);
  return summary;
}

function textOf(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (typeof node !== 'object' || node === null) return '';
  const n = node as Node;
  if (n['#text'] !== undefined) return [n['#text']].flat().join('');
  return Object.entries(n)
    .filter(([k]) => k === 'tspan')
    .flatMap(([, v]) => (v as unknown[]).map(textOf))
    .join(' ');
}

/** Decodes a PNG file and returns its size in pixels; throws if it does not decode. */
export function readPngSize(path: string): { width: number; height: number } {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height };
}
