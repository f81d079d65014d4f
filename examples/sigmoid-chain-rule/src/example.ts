// The sigmoid chain-rule example as the demo runs it: the walkthrough, large inputs, the graph as pictures.

import { displayPath, type Example, writeOut } from '@chainrule/example-kit';
import { dotToSvg } from '@chainrule/viz';
import { svgToPng } from '@chainrule/viz/node';
import {
  naiveDerivative,
  type SigmoidChainRule,
  sigmoidAndDerivative,
  sigmoidChainRule,
} from './sigmoid-chain-rule.js';

/** The seed's hand-computed gradients dD/dC, dD/dB, dD/dA, dD/dx at x = 1, to two digits. */
export const SEED_GRADIENTS = { C: -0.53, B: -0.53, A: -0.2, x: 0.2 } as const;
/** sigmoid'(1) to eight digits. */
export const SEED_DERIVATIVE = 0.19661193;

/** The graph's files and the PNG's size in pixels. */
export interface GraphFiles {
  dot: string;
  svg: string;
  png: string;
  width: number;
  height: number;
}

/** What `walkthrough` computed and wrote. */
export interface Walkthrough {
  chain: SigmoidChainRule;
  /** sigmoid and its derivative at ±1000 through `sigmoid()`, and the seed's literal chain's derivative. */
  extremes: { x: number; sigmoid: number; derivative: number; naive: number }[];
  graph: GraphFiles;
  /** Whether every figure matches the seed. */
  ok: boolean;
}

/** Writes the DOT text, lays it out to SVG with Graphviz (WebAssembly) and renders that to PNG. */
export async function writeGraph(dot: string, dir: string, name: string): Promise<GraphFiles> {
  const svg = await dotToSvg(dot);
  const png = svgToPng(svg);
  return {
    dot: writeOut(dir, `${name}.dot`, dot),
    svg: writeOut(dir, `${name}.svg`, svg),
    png: writeOut(dir, `${name}.png`, png.data),
    width: png.width,
    height: png.height,
  };
}

/** Runs the whole example: the walkthrough at x = 1, x = ±1000, and the graph written under `outDir`. */
export async function walkthrough(outDir: string): Promise<Walkthrough> {
  const chain = sigmoidChainRule(1);
  const extremes = [1000, -1000].map((x) => ({ x, ...sigmoidAndDerivative(x), naive: naiveDerivative(x) }));
  const graph = await writeGraph(chain.dot, outDir, 'sigmoid-graph');
  const grads = Object.fromEntries(chain.nodes.map((n) => [n.name, n.grad]));
  const ok =
    Math.abs(chain.derivative - SEED_DERIVATIVE) < 1e-8 &&
    Object.entries(SEED_GRADIENTS).every(([name, g]) => round2(grads[name]!) === g) &&
    extremes.every((e) => Number.isFinite(e.sigmoid) && Number.isFinite(e.derivative));
  return { chain, extremes, graph, ok };
}

/** The walkthrough as the tutorial prints it. */
export function report({ chain, extremes, graph }: Walkthrough): string {
  const grad = (name: string) => round2(chain.nodes.find((n) => n.name === name)!.grad).toFixed(2);
  const row = (cells: (string | number)[]) =>
    cells
      .map((c) => String(c).padEnd(14))
      .join('')
      .trimEnd();
  return [
    `sigmoid(x) = 1 / (1 + exp(-x)) at x = ${chain.x}, recorded as four nodes and differentiated backwards:`,
    '',
    chain.explanation,
    '',
    'To two digits, as the seed computes by hand:',
    `  dD/dC = ${grad('C')}   dD/dB = ${grad('B')}   dD/dA = ${grad('A')}   dD/dx = ${grad('x')}`,
    '',
    `  sigmoid'(1) by backward()        ${chain.derivative}`,
    `  s(1)·(1 - s(1)), the closed form ${chain.closedForm}`,
    '',
    'Large inputs stay finite (for x < 0 sigmoid() records e^x / (1 + e^x) instead):',
    `  ${row(['x', 'sigmoid(x)', "sigmoid'(x)", "the seed's chain literally: d/dx"])}`,
    ...extremes.map((e) => `  ${row([e.x, e.sigmoid, e.derivative, e.naive])}`),
    '',
    `The graph: ${displayPath(graph.dot)}, .svg (Graphviz in WebAssembly), .png (${graph.width}×${graph.height})`,
  ].join('\n');
}

/** Rounds to two decimals, as the seed does by hand. */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The demo's entry for this example. */
export const example: Example = {
  name: 'sigmoid-chain-rule',
  reproduces: "seed 001: sigmoid's chain rule by hand",
  seedFigure: "dD/dC, dD/dB, dD/dA, dD/dx = -0.53, -0.53, -0.2, 0.2; sigmoid'(1) = 0.19661193",
  async run(ctx) {
    const result = await walkthrough(ctx.outDir);
    ctx.log(report(result));
    const g = (name: string) => round2(result.chain.nodes.find((n) => n.name === name)!.grad).toFixed(2);
    return {
      ours: `${g('C')}, ${g('B')}, ${g('A')}, ${g('x')}; sigmoid'(1) = ${result.chain.derivative.toFixed(8)}`,
      ok: result.ok,
      files: [result.graph.dot, result.graph.svg, result.graph.png].map(displayPath),
    };
  },
};
