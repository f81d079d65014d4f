// The moons workload without TensorFlow.js: the data, and a chainrule epoch written with separate ops or
// with fused layers. tensor-moons.ts times it beside TensorFlow.js; moons-run.ts runs it alone.

import { createRng, linear, type Rng, sub, Tensor } from '@chainrule/engine';
import { heParams, sgdInPlace } from './train-kit.js';

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

/** How the layers are written: separate ops, or the library's fused dense layer. */
export type Style = 'ops' | 'fused';

/** W (fanIn×fanOut, row-major) as fanOut×fanIn, the layout of a fused layer's weight. */
function transposed(w: Float64Array, fanIn: number, fanOut: number): Float64Array {
  const t = new Float64Array(w.length);
  for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) t[j * fanIn + i] = w[i * fanOut + j]!;
  return t;
}

/**
 * One full-batch epoch in chainrule, public API only: relu hidden layers, sigmoid out (the engine's
 * composite), BCE = -mean(y·log p + (1-y)·log(1-p)), backward, gradient descent in place.
 */
export function chainruleEpoch(sizes: readonly number[], style: Style): () => void {
  const rng = createRng(2);
  const data = makeMoons(rng);
  const x = new Tensor(data.x, [points, 2]);
  const y = new Tensor(data.y, [points, 1]);
  const notY = sub(1, y);
  const layers = heParams(sizes, rng).map(({ w, b }, i) => {
    const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
    return {
      w:
        style === 'ops'
          ? new Tensor(w, [fanIn, fanOut], { requiresGrad: true })
          : new Tensor(transposed(w, fanIn, fanOut), [fanOut, fanIn], { requiresGrad: true }),
      b: new Tensor(b, [fanOut], { requiresGrad: true }),
    };
  });
  const params = layers.flatMap((l) => [l.w, l.b]);
  return () => {
    let h = x;
    layers.forEach((l, i) => {
      const hidden = i < layers.length - 1;
      if (style === 'fused') h = linear(h, l.w, l.b, { activation: hidden ? 'relu' : 'none' });
      else h = hidden ? h.matmul(l.w).add(l.b).relu() : h.matmul(l.w).add(l.b);
      if (!hidden) h = h.sigmoid();
    });
    const loss = y
      .mul(h.log())
      .add(notY.mul(sub(1, h).log()))
      .mean()
      .neg();
    loss.backward();
    sgdInPlace(params, lr);
  };
}
