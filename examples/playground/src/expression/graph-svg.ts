// The graph as SVG: toDot's text laid out by Graphviz compiled to WebAssembly, one node filled to
// highlight it. (Stands in until @chainrule/viz's graphSvg is on main.) Graphviz is loaded on first
// use, in a chunk of its own, so the network lab never downloads it.

import { toDot, type Value } from '@chainrule/engine';
import type { Graphviz } from '@hpcc-js/wasm-graphviz';
import { forwardOrder } from './steps.js';

let graphviz: Promise<Graphviz> | null = null;

/** The graph below `root` as SVG text, `highlight` (if given) filled. */
export async function graphSvg(root: Value, options: { highlight?: Value } = {}): Promise<string> {
  let dot = toDot(root);
  if (options.highlight !== undefined) {
    // toDot numbers its nodes n0, n1, ... in the forward order
    const id = `n${forwardOrder(root).indexOf(options.highlight)}`;
    dot = dot.replace(`  ${id} [shape=record,`, `  ${id} [style=filled, fillcolor="#ffd54f", shape=record,`);
  }
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load());
  return (await graphviz).dot(dot);
}
