// What the training benchmarks share without TensorFlow.js: initial weights and plain gradient descent.

import { noGrad, type Rng, type Tensor } from '@chainrule/engine';

/** He-initialised weights (fanIn×fanOut, row-major) and zero biases for the layers of `sizes`. */
export function heParams(sizes: readonly number[], rng: Rng): { w: Float64Array; b: Float64Array }[] {
  return sizes.slice(1).map((fanOut, i) => {
    const fanIn = sizes[i]!;
    const w = new Float64Array(fanIn * fanOut);
    const scale = Math.sqrt(2 / fanIn);
    for (let j = 0; j < w.length; j++) w[j] = rng.normal() * scale;
    return { w, b: new Float64Array(fanOut) };
  });
}

/** Plain gradient descent in place, as an optimizer does it: data -= lr·grad, then the gradient is reset. */
export function sgdInPlace(params: readonly Tensor[], lr: number): void {
  noGrad(() => {
    for (const p of params) {
      const g = p.grad!.data;
      const d = p.data;
      for (let i = 0; i < d.length; i++) d[i]! -= lr * g[i]!;
      p.zeroGrad();
    }
  });
}
