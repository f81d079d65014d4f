// Reading back what viz draws: Graphviz's node groups with their classes and texts, XML well-formedness.

import { XMLValidator } from 'fast-xml-parser';

/** One `<g>` Graphviz wrote for a node: its id, its classes, its texts (entities decoded), its shapes' fills. */
export interface SvgGroup {
  id: string;
  classes: string[];
  texts: string[];
  fills: string[];
}

/** Decodes the entities Graphviz and Vega write (`&#45;` for '-', `&lt;`, ...). */
export function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCharCode(Number.parseInt(code, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The node groups of a Graphviz SVG, by id (`node-3`, `node-3-op`). Throws unless the SVG is well-formed XML. */
export function nodeGroups(svg: string): Map<string, SvgGroup> {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const groups = new Map<string, SvgGroup>();
  for (const m of svg.matchAll(/<g id="([^"]+)" class="node([^"]*)">([\s\S]*?)<\/g>/g)) {
    const id = decode(m[1]!);
    groups.set(id, {
      id,
      classes: m[2]!.trim().split(/\s+/),
      texts: [...m[3]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => decode(t[1]!)),
      fills: [...m[3]!.matchAll(/<(?:polygon|ellipse)[^>]* fill="([^"]+)"/g)].map((f) => f[1]!),
    });
  }
  return groups;
}

/** The width and height an SVG root declares, in its units (Graphviz writes pt). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]* width="([\d.]+)(?:pt|px)?" height="([\d.]+)(?:pt|px)?"/.exec(svg);
  if (m === null) throw new Error('svgSize: no width and height on the <svg> root');
  return { width: Number(m[1]), height: Number(m[2]) };
}
