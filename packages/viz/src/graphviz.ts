// Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): DOT text to SVG text, in Node and the browser.

import { describe } from '@chainrule/engine';
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let graphviz: Promise<Graphviz> | null = null;

/**
 * Lays out Graphviz DOT text with `dot` and returns the SVG text. The WebAssembly module loads once,
 * on the first call.
 *
 * @example
 * ```ts
 * const svg = await dotToSvg('digraph { a -> b }');
 * svg.includes('class="node"'); // true
 * ```
 */
export async function dotToSvg(dot: string): Promise<string> {
  if (typeof dot !== 'string') throw new TypeError(`dotToSvg: expected DOT text, got ${describe(dot)}`);
  graphviz ??= Graphviz.load();
  return (await graphviz).dot(dot);
}
