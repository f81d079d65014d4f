// graphSvg: every node's op, data and gradient as the engine computed them, highlighted nodes, labels, layout.

import { tensor, type Value, value } from '@chainrule/engine';
import { formatNumber, graphDot, graphNodes, graphSvg } from '@chainrule/viz';
import { describe, expect, test } from 'vitest';
import { nodeGroups, svgSize } from './support/svg.js';

/** Seed 001's chain at x = 1, after backward. */
function sigmoidAtOne(): { x: Value; y: Value } {
  const x = value(1, 'x');
  const y = x.sigmoid();
  y.backward();
  return { x, y };
}

/** A graph with a reused node, a constant on the left and several ops. */
function neuron(): Value {
  const x = value(-2, 'x');
  const w = value(0.75, 'w');
  const b = value(0.5, 'b');
  const xw = x.mul(w);
  const out = xw.add(b).tanh().mul(xw).sub(3);
  out.backward();
  return out;
}

describe('graphSvg', () => {
  test.each([
    ['the sigmoid chain', () => sigmoidAtOne().y],
    ['a neuron with a reused node', neuron],
  ])("%s: each node's group shows its op, data and gradient as the engine holds them", async (_, build) => {
    const root = build();
    const nodes = graphNodes(root);
    const groups = nodeGroups(await graphSvg(root));
    expect(groups.size).toBe(nodes.length + nodes.filter((n) => n.op !== '').length);
    for (const [i, node] of nodes.entries()) {
      const texts = groups.get(`node-${i}`)!.texts;
      expect(texts).toContain(`data ${node.data.toFixed(4)}`);
      expect(texts).toContain(`grad ${node.grad.toFixed(4)}`);
      if (node.label !== '') expect(texts).toContain(node.label);
      if (node.op !== '') expect(groups.get(`node-${i}-op`)!.texts).toEqual([node.op]);
    }
  });

  test("the sigmoid chain shows the seed's numbers: s(1) = 0.7311, dD/dC = -0.53, dD/dA = -0.20, dD/dx = 0.20", async () => {
    const texts = [...nodeGroups(await graphSvg(sigmoidAtOne().y)).values()].flatMap((g) => g.texts);
    expect(texts).toEqual(
      expect.arrayContaining(['data 0.7311', 'grad -0.5344', 'grad -0.1966', 'grad 0.1966', 'reciprocal']),
    );
  });

  test('a highlighted node and its op are filled and classed; no other node is', async () => {
    const { y } = sigmoidAtOne();
    const nodes = graphNodes(y);
    const at = nodes.indexOf(nodes.find((n) => n.op === 'exp')!);
    const groups = nodeGroups(await graphSvg(y, { highlight: nodes[at] }));
    for (const [id, group] of groups) {
      const mine = id === `node-${at}` || id === `node-${at}-op`;
      expect(group.classes.includes('highlight'), id).toBe(mine);
      expect(group.fills.includes('#ffd54f'), id).toBe(mine);
    }
    const several = nodeGroups(await graphSvg(y, { highlight: new Set([nodes[0]!, y]) }));
    const marked = [...several.values()].filter((g) => g.classes.includes('highlight')).map((g) => g.id);
    expect(marked.sort()).toEqual(['node-0', `node-${nodes.length - 1}`, `node-${nodes.length - 1}-op`]);
  });

  test('labels name nodes in place of their own label; showGrad hides the gradients not reached yet', async () => {
    const { x, y } = sigmoidAtOne();
    const groups = nodeGroups(
      await graphSvg(y, { labels: new Map([[y, 'D']]), showGrad: (n) => n === y || n === x }),
    );
    const last = groups.get(`node-${graphNodes(y).length - 1}`)!;
    expect(last.texts).toEqual(['D', 'data 0.7311', 'grad 1.0000']);
    expect(groups.get('node-0')!.texts).toEqual(['x', 'data 1.0000', 'grad 0.1966']);
    expect(groups.get('node-1')!.texts).toEqual(['data -1.0000', 'grad ?']);
  });

  test('rankdir lays the chain out left to right by default, top to bottom when asked', async () => {
    const { y } = sigmoidAtOne();
    const wide = svgSize(await graphSvg(y));
    const tall = svgSize(await graphSvg(y, { rankdir: 'TB' }));
    expect(wide.width).toBeGreaterThan(3 * wide.height);
    expect(tall.height).toBeGreaterThan(3 * tall.width);
  });

  test('a tensor node shows its shape, and its elements when it has four or fewer; a repeated input draws two edges', async () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, label: 't' },
    );
    const s = t.mul(t).sum();
    s.backward();
    const groups = nodeGroups(await graphSvg(s));
    expect(groups.get('node-0')!.texts).toEqual([
      't',
      'data [2,2] 1.0000 2.0000 3.0000 4.0000',
      'grad [2,2] 2.0000 4.0000 6.0000 8.0000',
    ]);
    expect(groups.get('node-2')!.texts).toEqual(['data [] 30.0000', 'grad [] 1.0000']);
    expect(graphDot(s).match(/n0 -> n1_op;/g)).toHaveLength(2);
    const big = tensor([1, 2, 3, 4, 5], { requiresGrad: true }).exp();
    expect(nodeGroups(await graphSvg(big)).get('node-1')!.texts).toEqual(['data [5]', 'grad none']);
  });

  test('labels with DOT record characters are escaped, not read as fields', async () => {
    const x = value(1, 'a|b {c} <d>');
    const groups = nodeGroups(await graphSvg(x.neg()));
    expect(groups.get('node-0')!.texts).toContain('a|b {c} <d>');
  });

  test('a label that looks like an XML entity shows as typed, not as the character it names', async () => {
    for (const label of ['&lt;', 'a &amp; b', '&#65;', 'R&D']) {
      const groups = nodeGroups(await graphSvg(value(1, label).neg()));
      expect(groups.get('node-0')!.texts[0]).toBe(label);
    }
  });

  test('graphSvg refuses what is not a node, and digits out of range', async () => {
    await expect(graphSvg(3 as unknown as Value)).rejects.toThrow(
      /^graphNodes: expected a Value or a Tensor, got/,
    );
    await expect(graphSvg(value(1), { digits: -1 })).rejects.toThrow(/^graphSvg: digits must be an integer/);
  });
});

describe('graphNodes', () => {
  test('orders each node after its parents, in parent order, each node once', () => {
    const a = value(1, 'a');
    const b = value(2, 'b');
    const c = a.mul(b);
    const d = c.add(a);
    expect(graphNodes(d).map((n) => n.label || n.op)).toEqual(['a', 'b', 'mul', 'add']);
  });

  test('walks a chain of 100000 nodes without running out of stack', () => {
    let x = value(0);
    for (let i = 0; i < 100_000; i++) x = x.add(1);
    expect(graphNodes(x)).toHaveLength(200_001);
  });
});

describe('formatNumber', () => {
  test('fixed decimals as micrograd prints, exponent form when they would show nothing or too much', () => {
    expect(
      [0.73105857, -0.5, 0, 3.1e-7, 1234567890, Number.NaN, -Infinity].map((x) => formatNumber(x)),
    ).toEqual(['0.7311', '-0.5000', '0', '3.1000e-7', '1.2346e+9', 'NaN', '-Infinity']);
    expect(formatNumber(0.123456, 2)).toBe('0.12');
  });
});
