// The ONNX page's script: trains a small network with nn, exports it with exportOnnx in the page, runs the
// bytes on onnxruntime-web (its WebAssembly backend, one thread, served from this server) and publishes how
// far the runtime's outputs are from chainrule's, as `globalThis.chainrule`.

import { Tensor, tensor } from '@chainrule/engine';
import {
  Adam,
  binaryCrossEntropy,
  exportOnnx,
  Linear,
  type OnnxDtype,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '@chainrule/nn';
import * as ort from 'onnxruntime-web/wasm';

/** What one exported model gave on onnxruntime-web. */
export interface OnnxRun {
  /** The output's shape on the runtime. */
  dims: number[];
  /** The largest |runtime − chainrule| over the outputs, and the largest |chainrule| for scale. */
  maxAbsDiff: number;
  maxAbs: number;
  /** The model file's size in bytes. */
  bytes: number;
}

/** What the page found. */
export interface OnnxPageResults {
  /** onnxruntime-web's version, as it reports it. */
  ortVersion: string;
  /** The network exported at a batch of 4 and run on 9 points, in float64 and in float32. */
  float64: OnnxRun;
  float32: OnnxRun;
}

async function runOn(model: Sequential, example: Tensor, x: Tensor, dtype: OnnxDtype): Promise<OnnxRun> {
  const bytes = exportOnnx(model, example, { dtype });
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const data = dtype === 'float64' ? x.data : Float32Array.from(x.data);
  const input = dtype === 'float64' ? x : tensor(Float32Array.from(x.data), { shape: x.shape });
  const results = await session.run({ input: new ort.Tensor(dtype, data, x.shape.slice()) });
  const output = results['output']!;
  const want = model.forward(input).data;
  const got = output.data as Float64Array | Float32Array;
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < want.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[i]! - want[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(want[i]!));
  }
  await session.release();
  return { dims: output.dims.slice(), maxAbsDiff, maxAbs, bytes: bytes.length };
}

async function compute(): Promise<OnnxPageResults> {
  // the WebAssembly files come from this page's server; a page that is not cross-origin isolated has
  // no SharedArrayBuffer, so one thread
  const page = (globalThis as unknown as { location: { href: string } }).location.href;
  ort.env.wasm.wasmPaths = new URL('/ort/', page).href;
  ort.env.wasm.numThreads = 1;
  // two classes of points on either side of a circle, a few Adam steps
  const points: number[][] = [];
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) points.push([i / 2.5 - 1, j / 2.5 - 1]);
  const x = tensor(points);
  const y = tensor(points.map(([p, q]) => [p! * p! + q! * q! < 0.5 ? 1 : 0]));
  const model = new Sequential(
    new Linear(2, 8, { seed: 1 }),
    new ReLU(),
    new Linear(8, 8, { seed: 2 }),
    new Tanh(),
    new Linear(8, 1, { seed: 3 }),
    new Sigmoid(),
  );
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  for (let step = 0; step < 30; step++) {
    optimizer.zeroGrad();
    binaryCrossEntropy(model.forward(x), y).backward();
    optimizer.step();
  }
  const example = x.slice([0, 4]);
  const fresh = new Tensor(
    Float64Array.from({ length: 18 }, (_, i) => Math.sin(i * 1.7) * 1.3),
    [9, 2],
  );
  return {
    ortVersion: ort.env.versions.web ?? 'unknown',
    float64: await runOn(model, example, fresh, 'float64'),
    float32: await runOn(model, example, fresh, 'float32'),
  };
}

interface PageScope {
  chainrule?: OnnxPageResults | { error: string };
  document?: { getElementById(id: string): { textContent: string } | null };
}

const scope = globalThis as PageScope;
compute().then(
  (results) => publish(results),
  (error: unknown) =>
    publish({
      error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error),
    }),
);

function publish(published: OnnxPageResults | { error: string }): void {
  scope.chainrule = published;
  const out = scope.document?.getElementById('out');
  if (out) out.textContent = JSON.stringify(published, null, 2);
}
