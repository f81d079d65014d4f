// toDot: Graphviz text of a Value graph, checked by a small parser of the DOT subset it emits.

import { linear, tensor, toDot, type Value, value } from '@chainrule/engine';
import { describe, expect, test } from 'vitest';

interface ParsedDot {
  nodes: Map<string, Record<string, string>>;
  edges: [string, string][];
}

/** Parses `digraph name { stmt; ... }`, failing on anything malformed. */
function parseDot(text: string): ParsedDot {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^digraph \w+ \{$/);
  expect(lines[lines.length - 1]).toBe('}');
  const nodes = new Map<string, Record<string, string>>();
  const edges: [string, string][] = [];
  for (const line of lines.slice(1, -1)) {
    const stmt = line.trim();
    expect(stmt.endsWith(';'), `statement without ';': ${stmt}`).toBe(true);
    const body = stmt.slice(0, -1);
    const edge = /^(\w+) -> (\w+)$/.exec(body);
    if (edge) {
      edges.push([edge[1]!, edge[2]!]);
      continue;
    }
    if (/^\w+=\w+$/.test(body)) continue; // graph attribute
    const node = /^(\w+) \[(.*)\]$/.exec(body);
    expect(node, `not a DOT statement: ${stmt}`).not.toBeNull();
    const attrs: Record<string, string> = {};
    // attribute values: a bare word or a quoted string in which \" and \\ are escapes
    const attr = /\s*(\w+)=("(?:[^"\\]|\\.)*"|[\w.#]+)\s*(,|$)/y;
    const list = node![2]!;
    while (attr.lastIndex < list.length) {
      const m = attr.exec(list);
      expect(m, `bad attribute list: ${list}`).not.toBeNull();
      attrs[m![1]!] = m![2]!.startsWith('"') ? m![2]!.slice(1, -1) : m![2]!;
    }
    if (node![1] !== 'node' && node![1] !== 'edge') nodes.set(node![1]!, attrs);
  }
  for (const [from, to] of edges) {
    expect(nodes.has(from), `edge from undeclared ${from}`).toBe(true);
    expect(nodes.has(to), `edge to undeclared ${to}`).toBe(true);
  }
  return { nodes, edges };
}

/** The fields of a record label `{ a | b | c }`, unescaped; fails on unbalanced or stray braces. */
function recordFields(label: string): string[] {
  expect(label.startsWith('{ ') && label.endsWith(' }'), `not a record: ${label}`).toBe(true);
  const inner = label.slice(2, -2);
  const fields: string[] = [''];
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '\\') fields[fields.length - 1] += inner[++i]!;
    else if (ch === '|') fields.push('');
    else {
      expect('{}<>"'.includes(ch), `unescaped ${ch} in ${label}`).toBe(false);
      fields[fields.length - 1] += ch;
    }
  }
  return fields.map((f) => f.trim());
}

function sigmoidGraph(): { x: Value; s: Value } {
  const x = value(1, 'x');
  const s = x.sigmoid();
  s.backward();
  return { x, s };
}

describe('toDot', () => {
  test('writes the sigmoid graph as well-formed DOT with one ellipse per op', () => {
    const { nodes, edges } = parseDot(toDot(sigmoidGraph().s));
    const ops = [...nodes.values()].filter((a) => a['shape'] === 'ellipse').map((a) => a['label']);
    expect(ops.sort()).toEqual(['add', 'exp', 'neg', 'reciprocal']);
    const records = [...nodes.values()].filter((a) => a['shape'] === 'record');
    expect(records).toHaveLength(6); // x, A, B, the constant 1, C, D
    // every op ellipse has exactly one outgoing edge (to its result) and an edge in from each input
    for (const [id, attrs] of nodes) {
      if (attrs['shape'] !== 'ellipse') continue;
      expect(edges.filter(([from]) => from === id)).toHaveLength(1);
      expect(edges.filter(([, to]) => to === id)).toHaveLength(attrs['label'] === 'add' ? 2 : 1);
    }
    expect(edges).toHaveLength(4 + 5);
  });

  test('shows each node with its label, data and gradient', () => {
    const dot = toDot(sigmoidGraph().s);
    const fields = [...parseDot(dot).nodes.values()]
      .filter((a) => a['shape'] === 'record')
      .map((a) => recordFields(a['label']!));
    // numbers print with six significant digits; D = s(1), C = 1 + e^-1, dD/dC = -1/C², dD/dx = s(1)(1 - s(1))
    const six = (v: number): string => String(Number(v.toPrecision(6)));
    const c = 1 + Math.exp(-1);
    expect(fields).toContainEqual(['x', 'data 1', `grad ${six((1 / c) * (1 - 1 / c))}`]);
    expect(fields).toContainEqual([`data ${six(1 / c)}`, 'grad 1']);
    expect(fields).toContainEqual([`data ${six(c)}`, `grad ${six(-1 / (c * c))}`]);
  });

  test('escapes labels that contain DOT record syntax', () => {
    const x = value(2, 'w{0}|"q"<p>\\');
    const { nodes } = parseDot(toDot(x.mul(3)));
    const labels = [...nodes.values()].filter((a) => a['shape'] === 'record').map((a) => a['label']!);
    expect(labels.map(recordFields)).toContainEqual(['w{0}|"q"<p>\\', 'data 2', 'grad 0']);
  });

  test('draws a reused node once, with two edges into the op that uses it twice', () => {
    const x = value(3, 'x');
    const { nodes, edges } = parseDot(toDot(x.mul(x)));
    expect(nodes.size).toBe(3); // x, the product, the mul ellipse
    const xId = [...nodes].find(([, a]) => a['label']?.startsWith('{ x '))![0];
    expect(edges.filter(([from]) => from === xId)).toHaveLength(2);
  });

  test('names a dense layer for what it computed: linear+relu when the relu ran inside it', () => {
    const x = tensor([[1, -2]]);
    const w = tensor([[1, 0]], { requiresGrad: true });
    const ops = (y: Parameters<typeof toDot>[0]) =>
      [...parseDot(toDot(y)).nodes.values()].filter((a) => a['shape'] === 'ellipse').map((a) => a['label']);
    expect(ops(linear(x, w, null, { activation: 'relu' }))).toEqual(['linear+relu']);
    expect(ops(linear(x, w))).toEqual(['linear']);
    expect(ops(linear(x, w).relu())).toEqual(['linear', 'relu']);
  });

  test('prints the same text on every run and honours rankdir', () => {
    expect(toDot(sigmoidGraph().s)).toBe(toDot(sigmoidGraph().s));
    expect(toDot(value(1), { rankdir: 'TB' })).toContain('rankdir=TB;');
    expect(toDot(value(1))).toContain('rankdir=LR;');
  });

  test('rejects something that is not a graph node, naming toDot', () => {
    expect(() => toDot({} as Value)).toThrow(TypeError);
    expect(() => toDot({} as Value)).toThrow(/^toDot: .*plain object/);
  });
});
