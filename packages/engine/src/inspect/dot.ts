// toDot: the graph below a node as Graphviz DOT text, one record per node and one ellipse per op.

import { describe } from '../errors.js';
import { topoOrder } from '../graph/backward.js';
import { GraphNode } from '../graph/node.js';

/** Options of `toDot`. */
export interface DotOptions {
  /** Layout direction: 'LR' (left to right, the default) or 'TB' (top to bottom). */
  rankdir?: 'LR' | 'TB';
}

/**
 * The graph below `root` as Graphviz DOT: every node as a record with its label, data and gradient,
 * and every operation as an ellipse between its inputs and its output, as micrograd draws it. Render
 * it with any Graphviz (the examples use a WebAssembly build).
 *
 * @example
 * ```ts
 * const x = value(1, 'x'); const y = x.sigmoid(); y.backward();
 * const dot = toDot(y); // 'digraph chainrule { ... }'
 * ```
 */
export function toDot<N extends GraphNode<N>>(root: N, options: DotOptions = {}): string {
  if (!(root instanceof GraphNode)) {
    throw new TypeError(`toDot: expected a Value or a Tensor, got ${describe(root)}`);
  }
  const order = topoOrder(root);
  const ids = new Map<N, string>();
  for (const [i, node] of order.entries()) ids.set(node, `n${i}`);
  const lines = [
    'digraph chainrule {',
    `  rankdir=${options.rankdir ?? 'LR'};`,
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [color="#555555"];',
  ];
  for (const node of order) {
    const id = ids.get(node)!;
    const { label, data, grad } = node._summary();
    const fields = [label, `data ${data}`, `grad ${grad}`].filter((f) => f !== '').map(escapeRecord);
    lines.push(`  ${id} [shape=record, label="{ ${fields.join(' | ')} }"];`);
    if (node.op !== '') {
      lines.push(`  ${id}_op [shape=ellipse, label="${escapeRecord(node._opText())}"];`);
      lines.push(`  ${id}_op -> ${id};`);
      for (const parent of node.parents) lines.push(`  ${ids.get(parent)!} -> ${id}_op;`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Escapes the characters that mean something inside a DOT record label. */
function escapeRecord(text: string): string {
  return text.replace(/[\\{}|<>"]/g, (c) => `\\${c}`);
}
