// The page's script: imports only the browser-safe entries, computes, and publishes what it found as
// `globalThis.chainrule` (and as text in the page) for the test, or a person, to read.

import { createRng, getBackend, linear, setBackend, Tensor, tensor, value } from '@chainrule/engine';
// internal, for the test only: whether the active kernels run the elementwise loops in WebAssembly
import { kernels, type WasmKernels } from '@chainrule/engine/internal';
import { Adam, Linear, mseLoss, Sequential, Tanh } from '@chainrule/nn';
import { decisionBoundarySvg, graphNodes, graphSvg, lineChartSvg } from '@chainrule/viz';

/** What the page computes; the test compares every field with known numbers. */
export interface PageResults {
  /** `getBackend()` before anything was chosen: 'wasm' wherever WebAssembly SIMD exists. */
  defaultBackend: string;
  /** Whether Node's `process` is visible to the page (it must not be). */
  hasProcess: boolean;
  /** The sigmoid walkthrough at x = 1: s(x) and ds/dx from `backward()`. */
  sigmoid: { data: number; grad: number };
  /** [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]], then `.sum().backward()`. */
  matmul: { product: number[][]; gradA: number[][]; gradB: number[][] };
  /** A 32×40·40×24 product (above the WebAssembly threshold) on each backend. */
  backends: { wasmBackend: string; tsBackend: string; maxAbsDiff: number; maxAbs: number };
  /**
   * Whether the elementwise kernels run in WebAssembly on the page's main thread (their module is
   * compiled synchronously, which a browser's main thread allows only for small modules), and
   * whether relu(a·b + bias) and its gradients are the same bits on both backends.
   */
  elementwise: { inWasm: boolean; identical: boolean };
  /**
   * Whether the fused dense layer, linear(x, W, b, { activation: 'relu' }), gives the bits of
   * x.matmul(Wᵀ).add(b).relu() forward and backward on the default backend: on a page the WebAssembly
   * memory is not shared, so this is the module build that Node's tests do not load.
   */
  fused: { identical: boolean };
  /** The loss of a 2-8-1 tanh network before each of a few Adam steps, and after the last. */
  losses: number[];
  /**
   * @chainrule/viz in the page: the sigmoid graph by `graphSvg` (Graphviz in WebAssembly), the
   * losses by `lineChartSvg`, a half-plane boundary by `decisionBoundarySvg`, each parsed by the
   * browser's own DOMParser: its node groups' texts, its polylines, its points, any parse error.
   */
  viz: {
    graphTexts: string[];
    nodes: number;
    highlighted: string[];
    polylines: number;
    points: number;
    parseErrors: number;
  };
}

/** What `viz` reports: three pictures drawn in the page and read back with the browser's DOMParser. */
async function pictures(losses: number[]): Promise<PageResults['viz']> {
  const x = value(1, 'x');
  const y = x.sigmoid();
  y.backward();
  const graph = await graphSvg(y, { highlight: y });
  const line = lineChartSvg({ loss: losses });
  const boundary = decisionBoundarySvg(
    (grid) => grid.map(([a, b]) => (a > b ? 1 : 0)),
    [
      [0, 1],
      [1, 0],
    ],
    [0, 1],
  );
  const parser = new (globalThis as unknown as { DOMParser: new () => DomParser }).DOMParser();
  const docs = [graph, line, boundary].map((svg) => parser.parseFromString(svg, 'image/svg+xml'));
  const [g, l, b] = docs as [SvgDocument, SvgDocument, SvgDocument];
  return {
    graphTexts: [...g.querySelectorAll('g.node text')].map((t) => t.textContent),
    nodes: graphNodes(y).length,
    highlighted: [...g.querySelectorAll('g.highlight')].map((e) => e.getAttribute('id') ?? ''),
    polylines: l.querySelectorAll('polyline.line').length,
    points: b.querySelectorAll('g.mark-symbol > *').length,
    parseErrors: docs.reduce((n, d) => n + d.querySelectorAll('parsererror').length, 0),
  };
}

/** The little of the DOM `pictures` uses (the package compiles without the DOM's types). */
interface SvgElement {
  textContent: string;
  getAttribute(name: string): string | null;
}
interface SvgDocument {
  querySelectorAll(selector: string): ArrayLike<SvgElement> & Iterable<SvgElement>;
}
interface DomParser {
  parseFromString(text: string, type: string): SvgDocument;
}

function compute(): Omit<PageResults, 'viz'> {
  const defaultBackend = getBackend();
  const hasProcess = typeof (globalThis as { process?: unknown }).process !== 'undefined';

  // seed 001's walkthrough: d sigmoid(x)/dx at x = 1
  const x = value(1, 'x');
  const s = x.sigmoid();
  s.backward();

  const a = tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true },
  );
  const b = tensor(
    [
      [7, 8],
      [9, 10],
      [11, 12],
    ],
    { requiresGrad: true },
  );
  const c = a.matmul(b);
  c.sum().backward();

  const rng = createRng(7);
  const left = Tensor.randn([32, 40], { rng });
  const right = Tensor.randn([40, 24], { rng });
  const onWasm = left.matmul(right);
  const wasmBackend = getBackend();
  setBackend('ts');
  const onTs = left.matmul(right);
  const tsBackend = getBackend();
  setBackend(defaultBackend);
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < onTs.data.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(onWasm.data[i]! - onTs.data[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(onTs.data[i]!));
  }

  const inWasm = (kernels() as Partial<WasmKernels>).wasm?.elementwise === true;
  // 32×40 = 1280 elements, above the WebAssembly threshold: forward, backward, every number kept
  const elementwiseOn = (backend: 'ts' | 'wasm'): number[] => {
    setBackend(backend);
    const p = new Tensor(left.data.slice(), left.shape, { requiresGrad: true });
    const bias = new Tensor(right.data.slice(0, 40), [40], { requiresGrad: true });
    const out = p.mul(p).add(bias).sub(0.5).relu();
    out.sum().backward();
    return [...out.data, ...p.grad!.data, ...bias.grad!.data];
  };
  const elementwiseWasm = elementwiseOn('wasm');
  const elementwiseTs = elementwiseOn('ts');
  setBackend(defaultBackend);
  const identical =
    elementwiseWasm.length === elementwiseTs.length &&
    elementwiseWasm.every((v, i) => Object.is(v, elementwiseTs[i]));
  // a 32×40 batch through a 40→24 relu layer, fused and as separate ops
  const layerOn = (fused: boolean): number[] => {
    const p = new Tensor(left.data.slice(), left.shape, { requiresGrad: true });
    const w = new Tensor(right.data.slice(), [24, 40], { requiresGrad: true });
    const bias = new Tensor(right.data.slice(0, 24), [24], { requiresGrad: true });
    const out = fused ? linear(p, w, bias, { activation: 'relu' }) : p.matmul(w.T).add(bias).relu();
    out.mul(out).sum().backward();
    return [...out.data, ...p.grad!.data, ...w.grad!.data, ...bias.grad!.data];
  };
  const [fusedLayer, separateLayer] = [layerOn(true), layerOn(false)];
  const fusedIdentical =
    fusedLayer.length === separateLayer.length && fusedLayer.every((v, i) => Object.is(v, separateLayer[i]));
  // a tiny regression, y = x0 - 2·x1, on a 4×4 grid
  const points: number[][] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) points.push([i / 3 - 0.5, j / 3 - 0.5]);
  const inputs = tensor(points);
  const targets = tensor(points.map(([p, q]) => [p! - 2 * q!]));
  const model = new Sequential(new Linear(2, 8, { seed: 1 }), new Tanh(), new Linear(8, 1, { seed: 2 }));
  const optimizer = new Adam(model.parameters(), { lr: 0.03 });
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    optimizer.zeroGrad();
    const loss = mseLoss(model.forward(inputs), targets);
    losses.push(loss.item());
    loss.backward();
    optimizer.step();
  }
  losses.push(mseLoss(model.forward(inputs), targets).item());

  return {
    defaultBackend,
    hasProcess,
    sigmoid: { data: s.data, grad: x.grad },
    matmul: {
      product: c.toArray() as number[][],
      gradA: a.grad!.toArray() as number[][],
      gradB: b.grad!.toArray() as number[][],
    },
    backends: { wasmBackend, tsBackend, maxAbsDiff, maxAbs },
    elementwise: { inWasm, identical },
    fused: { identical: fusedIdentical },
    losses,
  };
}

interface PageScope {
  chainrule?: PageResults | { error: string };
  document?: { getElementById(id: string): { textContent: string } | null };
}

const scope = globalThis as PageScope;
let published: PageResults | { error: string };
try {
  const results = compute();
  published = { ...results, viz: await pictures(results.losses) };
} catch (error) {
  published = {
    error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error),
  };
}
scope.chainrule = published;
const out = scope.document?.getElementById('out');
if (out) out.textContent = JSON.stringify(published, null, 2);
