// explain: the chain-rule walkthrough of a scalar graph as text, one line per node.

import { describe, formatNumber } from '../errors.js';
import { allGradients } from '../graph/backward.js';
import { noGrad } from '../graph/recording.js';
import { Value } from '../value.js';

const EXPRESSIONS: Record<string, (a: string, b: string, exponent: number) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b, e) => `${a} ^ ${b === '' ? formatNumber(e) : b}`,
  neg: (a) => `-${a}`,
  reciprocal: (a) => `1 / ${a}`,
};

/**
 * The chain-rule walkthrough of a scalar graph, as seed 001 does it by hand: one line per node, in
 * the order the forward pass computes them, with the node's op, its value, its local derivatives
 * with respect to its inputs, its gradient d(root)/d(node), and how the chain rule assembled that
 * gradient from the nodes it feeds. Unlabelled computed nodes are named A, B, C, … in order;
 * unlabelled leaves are constants and show as their value. Accumulated gradients are not touched.
 *
 * @example
 * ```ts
 * console.log(explain(value(1, 'x').sigmoid()));
 * // node  op          expression  value     local derivative     gradient              chain rule
 * // x     leaf        x           1                              dD/dx = 0.196612      dD/dA·dA/dx
 * // A     neg         -x          -1        dA/dx = -1           dD/dA = -0.196612     dD/dB·dB/dA
 * // ...
 * ```
 */
export function explain(root: Value): string {
  if (!(root instanceof Value)) throw new TypeError(`explain: expected a Value, got ${describe(root)}`);
  const rows = allGradients(root, root._seed('explain'));
  const names = nameNodes(rows.map((r) => r.node));
  const rootName = names.get(root)!;
  // First pass: local derivatives of every node, and for each input the chain-rule terms it receives.
  const locals = new Map<Value, string[]>();
  const chains = new Map<Value, string[]>();
  const one = new Value(1);
  const units = noGrad(() => rows.map(({ node }) => (node.op === '' ? [] : node._vjp(one))));
  for (const [k, { node }] of rows.entries()) {
    if (node.op === '') continue;
    const name = names.get(node)!;
    const unit = units[k]!;
    const perParent = new Map<Value, number>();
    node.parents.forEach((parent, i) => {
      perParent.set(parent, (perParent.get(parent) ?? 0) + (unit[i]?.data ?? 0));
    });
    const texts: string[] = [];
    for (const [parent, d] of perParent) {
      if (isConstant(parent)) continue;
      const pname = names.get(parent)!;
      texts.push(`d${name}/d${pname} = ${formatNumber(d)}`);
      const terms = chains.get(parent) ?? [];
      terms.push(`d${rootName}/d${name}·d${name}/d${pname}`);
      chains.set(parent, terms);
    }
    locals.set(node, texts);
  }
  const table: string[][] = [
    ['node', 'op', 'expression', 'value', 'local derivative', 'gradient', 'chain rule'],
  ];
  for (const { node, grad } of rows) {
    if (isConstant(node)) continue;
    const name = names.get(node)!;
    const args = node.parents.map((p) => names.get(p)!);
    const [a = '', b = ''] = args;
    const expression =
      node.op === ''
        ? name
        : Object.hasOwn(EXPRESSIONS, node.op)
          ? EXPRESSIONS[node.op]!(a, b, node._params.b as number)
          : `${node.op}(${args.join(', ')})`;
    table.push([
      name,
      node.op === '' ? 'leaf' : node.op,
      expression,
      formatNumber(node.data),
      (locals.get(node) ?? []).join(', '),
      `d${rootName}/d${name} = ${formatNumber(grad === null ? 0 : grad.data)}`,
      node === root ? '(seed)' : (chains.get(node) ?? []).join(' + '),
    ]);
  }
  return formatTable(table);
}

/** An unlabelled leaf: a number that entered the graph as an operand. */
function isConstant(node: Value): boolean {
  return node.op === '' && node.label === '';
}

/** Labels where given; else A, B, C, … for computed nodes (skipping letters taken by labels) and the value for leaves. */
function nameNodes(order: readonly Value[]): Map<Value, string> {
  const taken = new Set(order.map((n) => n.label).filter((l) => l !== ''));
  const names = new Map<Value, string>();
  let next = 0;
  const fresh = (): string => {
    for (;;) {
      const n = next++;
      const name = n < 26 ? String.fromCharCode(65 + n) : `N${n - 25}`;
      if (!taken.has(name)) return name;
    }
  };
  for (const node of order) {
    if (node.label !== '') names.set(node, node.label);
    else if (node.op === '') names.set(node, formatNumber(node.data));
    else names.set(node, fresh());
  }
  return names;
}

function formatTable(rows: readonly string[][]): string {
  // a loop, not Math.max(...column): spreading a graph's worth of rows overflows the call stack
  const widths = rows[0]!.map(() => 0);
  for (const r of rows) {
    for (const [c, cell] of r.entries()) widths[c] = Math.max(widths[c]!, cell.length);
  }
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
