// The sigmoid walkthrough reproduces seed 001's numbers, and its pictures are well-formed.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingContext } from '@chainrule/example-kit';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  example,
  naiveDerivative,
  SEED_GRADIENTS,
  sigmoidAndDerivative,
  sigmoidChainRule,
  type Walkthrough,
  walkthrough,
} from '../src/index.js';

describe('the walkthrough at x = 1', () => {
  const chain = sigmoidChainRule(1);
  const grad = (name: string) => chain.nodes.find((n) => n.name === name)!.grad;

  test("sigmoid'(1) is 0.19661193 to 1e-8 and equals s(1)(1 - s(1))", () => {
    expect(Math.abs(chain.derivative - 0.19661193)).toBeLessThan(1e-8);
    expect(chain.derivative).toBeCloseTo(chain.closedForm, 15);
  });

  test('the nodes are x, A = neg, B = exp, C = add, D = reciprocal, in forward order', () => {
    expect(chain.nodes.map((n) => `${n.name}:${n.op}`)).toEqual([
      'x:leaf',
      'A:neg',
      'B:exp',
      'C:add',
      'D:reciprocal',
    ]);
    expect(chain.nodes.map((n) => n.data.toFixed(2))).toEqual(['1.00', '-1.00', '0.37', '1.37', '0.73']);
  });

  test("the four gradients match the seed's to two digits: -0.53, -0.53, -0.20, 0.20", () => {
    for (const [name, seed] of Object.entries(SEED_GRADIENTS)) {
      expect(Math.abs(grad(name) - seed), `dD/d${name}`).toBeLessThan(0.005);
    }
    expect(grad('D')).toBe(1);
  });

  test('explain prints one line per node with the gradients', () => {
    const lines = chain.explanation.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^A\s+neg\s+-x\s+-1\s+dA\/dx = -1\s+dD\/dA = -0\.196612/);
    expect(lines[4]).toMatch(/^C\s+add\s+B \+ 1\s+1\.36788\s+dC\/dB = 1\s+dD\/dC = -0\.534447/);
  });
});

describe('large inputs', () => {
  test('sigmoid and its derivative stay finite at x = ±1000', () => {
    expect(sigmoidAndDerivative(1000)).toEqual({ sigmoid: 1, derivative: 0 });
    expect(sigmoidAndDerivative(-1000)).toEqual({ sigmoid: 0, derivative: 0 });
  });

  test("the seed's chain written literally gives NaN at -1000, which is why sigmoid() switches form", () => {
    expect(naiveDerivative(-1000)).toBeNaN();
    expect(naiveDerivative(1)).toBeCloseTo(0.19661193, 8);
  });

  test('at x < 0 the recorded form is exp, add, reciprocal, mul', () => {
    expect(sigmoidChainRule(-1).nodes.map((n) => n.op)).toEqual(['leaf', 'exp', 'add', 'reciprocal', 'mul']);
    expect(sigmoidChainRule(-1).derivative).toBeCloseTo(0.19661193, 8);
  });
});

describe('the files', () => {
  let dir: string;
  let result: Walkthrough;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chainrule-sigmoid-'));
    result = await walkthrough(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the run reproduces the seed', () => {
    expect(result.ok).toBe(true);
  });

  test('the DOT text is a digraph with one record per node and one ellipse per op', () => {
    const dot = readFileSync(result.graph.dot, 'utf8');
    expect(dot).toMatch(/^digraph chainrule \{\n[\s\S]*\}\n$/);
    expect(dot.match(/shape=record/g)).toHaveLength(6); // x, the constant 1, A, B, C, D
    expect(dot.match(/shape=ellipse/g)).toHaveLength(4);
    expect(dot).toContain('label="{ D | data 0.731059 | grad 1 }"');
  });

  test('the SVG is well-formed XML with an <svg> root and one <g class="node"> per DOT node', () => {
    const svg = readFileSync(result.graph.svg, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
    expect(doc.svg).toBeDefined();
    const groups = [doc.svg.g.g].flat() as { class: string; title: string }[];
    const nodes = groups.filter((g) => g.class === 'node');
    expect(nodes).toHaveLength(10);
    expect(groups.filter((g) => g.class === 'edge')).toHaveLength(9);
    expect(svg).toContain('reciprocal');
  });

  test('the PNG decodes to the size reported: the SVG size at 96 dpi, times 2', () => {
    const png = PNG.sync.read(readFileSync(result.graph.png));
    expect([png.width, png.height]).toEqual([result.graph.width, result.graph.height]);
    const svg = readFileSync(result.graph.svg, 'utf8');
    const [, w, h] = svg.match(/<svg width="(\d+)pt" height="(\d+)pt"/)!;
    const px = (pt: string) => (2 * Number(pt) * 96) / 72; // a point is 1/72 inch, a CSS pixel 1/96
    expect(Math.abs(png.width - px(w!))).toBeLessThanOrEqual(1);
    expect(Math.abs(png.height - px(h!))).toBeLessThanOrEqual(1);
    expect(png.width).toBeGreaterThan(400);
  });
});

test("the demo entry reports the seed's figures and the files it wrote", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-sigmoid-'));
  try {
    const ctx = recordingContext(dir);
    const result = await example.run(ctx);
    expect(result).toMatchObject({ ok: true, ours: "-0.53, -0.53, -0.20, 0.20; sigmoid'(1) = 0.19661193" });
    expect(result.files).toHaveLength(3);
    expect(ctx.lines.join('\n')).toContain('dD/dC = -0.53   dD/dB = -0.53   dD/dA = -0.20   dD/dx = 0.20');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
