// The moons workload without TensorFlow.js: the data, and a chainrule epoch written with separate ops
// (in rows or in the tutorial's columns) or with fused layers. tensor-moons.ts times it beside
// TensorFlow.js; moons-run.ts runs it alone. The epoch through nn is in moons-nn.ts, so that a process
// timing the engine alone does not load nn (and its ONNX exporter's protobuf code: bench/README.md,
// "Issue 14's performance must hold", for what that heap does to the collector).

import { createRng, type Rng, sub, Tensor } from '@chainrule/engine';
import { chainruleNet, heParams, type LayerStyle, sgdInPlace, transposed } from './train-kit.js';

export const points = 900;
export const lr = 0.1;

/** scikit-learn's two interleaving half circles with Gaussian noise 0.2: x is [points, 2], y is [points, 1]. */
export function makeMoons(rng: Rng): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(points * 2);
  const y = new Float64Array(points);
  const half = points / 2;
  for (let i = 0; i < points; i++) {
    const upper = i < half;
    const t = (Math.PI * (upper ? i : i - half)) / (half - 1);
    x[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + rng.normal(0, 0.2);
    x[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + rng.normal(0, 0.2);
    y[i] = upper ? 0 : 1;
  }
  return { x, y };
}

/**
 * One full-batch epoch in chainrule, public API only: relu hidden layers, sigmoid out (the engine's
 * composite), BCE = -mean(y·log p + (1-y)·log(1-p)), backward, gradient descent in place.
 */
export function chainruleEpoch(sizes: readonly number[], style: LayerStyle): () => void {
  const rng = createRng(2);
  const data = makeMoons(rng);
  const x = new Tensor(data.x, [points, 2]);
  const y = new Tensor(data.y, [points, 1]);
  const notY = sub(1, y);
  const net = chainruleNet(sizes, rng, style);
  return () => {
    const h = net.forward(x).sigmoid();
    const loss = y
      .mul(h.log())
      .add(notY.mul(sub(1, h).log()))
      .mean()
      .neg();
    loss.backward();
    sgdInPlace(net.params, lr);
  };
}

/**
 * The same epoch in the tutorial's column layout, separate ops throughout: activations are
 * [features, points], each layer is `W.matmul(A).add(b)` with W [out, in] and b [out, 1] (the bias a
 * column, broadcast across the points), relu between layers, sigmoid out, the loss spelled out with
 * log, mul, add and mean, and plain gradient descent writing `p.data`. The same weights as
 * `chainruleEpoch` (drawn from the same generator after the same data), so the same numbers.
 */
export function columnEpoch(sizes: readonly number[]): () => void {
  const rng = createRng(2);
  const data = makeMoons(rng);
  const x = new Tensor(transposed(data.x, points, 2), [2, points]);
  const y = new Tensor(data.y, [1, points]);
  const notY = sub(1, y);
  const layers = heParams(sizes, rng).map(({ w, b }, i) => {
    const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
    return {
      w: new Tensor(transposed(w, fanIn, fanOut), [fanOut, fanIn], { requiresGrad: true }),
      b: new Tensor(b, [fanOut, 1], { requiresGrad: true }),
    };
  });
  const params = layers.flatMap((l) => [l.w, l.b]);
  return () => {
    let a = x;
    layers.forEach((l, i) => {
      const z = l.w.matmul(a).add(l.b);
      a = i < layers.length - 1 ? z.relu() : z.sigmoid();
    });
    const loss = y
      .mul(a.log())
      .add(notY.mul(sub(1, a).log()))
      .mean()
      .neg();
    loss.backward();
    sgdInPlace(params, lr);
  };
}
