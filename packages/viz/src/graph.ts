// Computation graphs as pictures: micrograd's draw_dot, each node with its op, data and gradient.

import { describe, formatShape, GraphNode, type Tensor, Value } from '@chainrule/engine';
import { dotToSvg } from './graphviz.js';

/** A node `graphSvg` can draw: a scalar `Value` or a `Tensor`. */
export type Node = Value | Tensor;

/** Options of `graphDot` and `graphSvg`. */
export interface GraphOptions {
  /** Layout direction: 'LR' (left to right, the default, as micrograd draws) or 'TB' (top to bottom). */
  rankdir?: 'LR' | 'TB';
  /**
   * A node, or several, drawn distinctly (filled amber, thick outline), with the op that produced
   * it: e.g. the node the backward pass is at. Nodes not in the graph are ignored.
   */
  highlight?: Node | Iterable<Node> | null;
  /** Names to show on nodes in place of their own `label` (e.g. A, B, C, D for seed 001's chain). */
  labels?: ReadonlyMap<Node, string>;
  /**
   * Which nodes show their gradient; the others show `grad ?` (e.g. those the backward pass has not
   * reached yet). Default: every node.
   */
  showGrad?: (node: Node) => boolean;
  /** Decimal places of data and gradients. Default 4, as micrograd prints. */
  digits?: number;
}

/**
 * The nodes below `root` in topological order, each after its parents (inputs first, `root` last):
 * the order of the forward pass, and reversed, of the backward pass. `graphSvg` numbers its nodes in
 * this order: node `i` is the SVG group with `id="node-i"` (its op ellipse `id="node-i-op"`).
 *
 * @example
 * ```ts
 * const x = value(2, 'x'); const y = x.mul(x).add(1);
 * graphNodes(y).map((n) => n.op); // ["", "mul", "", "add"]
 * ```
 */
export function graphNodes<N extends Node>(root: N): N[] {
  if (!(root instanceof GraphNode)) {
    throw new TypeError(`graphNodes: expected a Value or a Tensor, got ${describe(root)}`);
  }
  // an explicit stack rather than recursion: a chain of a million nodes must not overflow
  const order: N[] = [];
  const seen = new Set<Node>([root]);
  const stack: { node: N; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const parent = top.node.parents[top.next++] as N | undefined;
    if (parent === undefined) {
      order.push(top.node);
      stack.pop();
    } else if (!seen.has(parent)) {
      seen.add(parent);
      stack.push({ node: parent, next: 0 });
    }
  }
  return order;
}

/**
 * The graph below `root` as Graphviz DOT text: each node a record with its label, data and
 * gradient, each op an ellipse between its inputs and its output, the highlighted nodes filled.
 * `graphSvg` lays this out; use it directly to render with another Graphviz.
 *
 * @example
 * ```ts
 * const x = value(1, 'x'); const y = x.tanh(); y.backward();
 * graphDot(y).includes('grad 0.4200'); // true
 * ```
 */
export function graphDot(root: Node, options: GraphOptions = {}): string {
  const nodes = graphNodes(root);
  const highlighted = highlightSet(options.highlight);
  const digits = options.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`graphSvg: digits must be an integer from 0 to 20, got ${digits}`);
  }
  const ids = new Map<Node, string>(nodes.map((n, i) => [n, `n${i}`]));
  const lines = [
    'digraph chainrule {',
    `  rankdir=${options.rankdir ?? 'LR'};`,
    '  node [fontname="Helvetica", fontsize=11, style=filled, fillcolor="white"];',
    '  edge [color="#555555"];',
  ];
  for (const [i, node] of nodes.entries()) {
    const id = ids.get(node)!;
    const label = options.labels?.get(node) ?? node.label;
    const grad = (options.showGrad?.(node) ?? true) ? gradText(node, digits) : '?';
    const fields = [label, `data ${dataText(node, digits)}`, `grad ${grad}`].filter((f) => f !== '');
    const look = highlighted.has(node) ? HIGHLIGHT : '';
    const cls = highlighted.has(node) ? 'data highlight' : 'data';
    lines.push(
      `  ${id} [id="node-${i}", class="${cls}", shape=record${look}, label="{ ${fields.map(escapeRecord).join(' | ')} }"];`,
    );
    if (node.op === '') continue;
    const opClass = highlighted.has(node) ? 'op highlight' : 'op';
    lines.push(
      `  ${id}_op [id="node-${i}-op", class="${opClass}", shape=ellipse${look}, label="${escapeRecord(node.op)}"];`,
    );
    lines.push(`  ${id}_op -> ${id};`);
    for (const parent of node.parents) lines.push(`  ${ids.get(parent)!} -> ${id}_op;`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * micrograd's `draw_dot` in one call: the graph below `root` as SVG text, laid out by Graphviz
 * compiled to WebAssembly (`@hpcc-js/wasm-graphviz`), in Node and in the browser. Each node shows
 * its label, data and gradient; each op is an ellipse; `highlight` marks nodes (class `highlight`
 * on their SVG groups, `id="node-i"` numbered as `graphNodes` orders them).
 *
 * @example
 * ```ts
 * const x = value(1, 'x'); const y = x.sigmoid(); y.backward();
 * const svg = await graphSvg(y, { highlight: y });
 * svg.includes('data 0.7311'); // true
 * ```
 */
export async function graphSvg(root: Node, options: GraphOptions = {}): Promise<string> {
  return dotToSvg(graphDot(root, options));
}

const HIGHLIGHT = ', fillcolor="#ffd54f", color="#b26a00", penwidth=2.5';

function highlightSet(highlight: GraphOptions['highlight']): Set<Node> {
  if (highlight === undefined || highlight === null) return new Set();
  if (highlight instanceof GraphNode) return new Set([highlight as Node]);
  return new Set(highlight as Iterable<Node>);
}

/** A Value's data; a Tensor's shape, with its elements when it has four or fewer. */
function dataText(node: Node, digits: number): string {
  return node instanceof Value ? formatNumber(node.data, digits) : tensorText(node, digits);
}

/** A Value's gradient; a Tensor's, or `none` before any backward pass reached it. */
function gradText(node: Node, digits: number): string {
  if (node instanceof Value) return formatNumber(node.grad, digits);
  return node.grad === null ? 'none' : tensorText(node.grad, digits);
}

function tensorText(t: Tensor, digits: number): string {
  if (t.size > 4) return formatShape(t.shape);
  return `${formatShape(t.shape)} ${Array.from(t.data, (v) => formatNumber(v, digits)).join(' ')}`;
}

/**
 * `x` with `digits` decimals, as micrograd prints (`0.7311`); in exponent form when that would
 * show no significant digit (`3.1e-7`) or too many (`1.2346e+9`).
 */
export function formatNumber(x: number, digits = 4): string {
  const size = Math.abs(x);
  if (!Number.isFinite(x) || x === 0) return String(x);
  if (size < 10 ** -digits / 2 || size >= 1e9) return x.toExponential(Math.max(1, digits));
  return x.toFixed(digits);
}

/**
 * Escapes the characters that mean something inside a DOT record label, and `&`, which Graphviz
 * would read as the start of an entity (a label `&lt;` would show as `<`).
 */
function escapeRecord(text: string): string {
  return text.replace(/[\\{}|<>"]/g, (c) => `\\${c}`).replaceAll('&', '&amp;');
}
