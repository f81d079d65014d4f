// What the training benchmarks share without TensorFlow.js: initial weights and plain gradient descent.

import { linear, noGrad, type Rng, Tensor } from '@chainrule/engine';

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

/** How the layers are written: separate ops, or the library's fused dense layer. */
export type Style = 'ops' | 'fused';

/** A `Style`, or (`biased`, for moons-kernels.ts) `linear` without its activation and a separate relu. */
export type LayerStyle = Style | 'biased';

/** W (fanIn×fanOut, row-major) as fanOut×fanIn, the layout of a fused layer's weight. */
export function transposed(w: Float64Array, fanIn: number, fanOut: number): Float64Array {
  const t = new Float64Array(w.length);
  for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) t[j * fanIn + i] = w[i * fanOut + j]!;
  return t;
}

/** A chainrule network's layers, He-initialised from `rng`: W stored [in, out] for separate ops, [out, in] for linear. */
export interface ChainruleNet {
  layers: { w: Tensor; b: Tensor }[];
  params: Tensor[];
  /** The logits: relu after every layer but the last, by separate ops or through `linear`. */
  forward(x: Tensor): Tensor;
}

/** The relu network of `sizes` in chainrule, written in `style`. */
export function chainruleNet(sizes: readonly number[], rng: Rng, style: LayerStyle): ChainruleNet {
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
  const forward = (x: Tensor): Tensor => {
    let h = x;
    layers.forEach((l, i) => {
      const hidden = i < layers.length - 1;
      if (style === 'fused') h = linear(h, l.w, l.b, { activation: hidden ? 'relu' : 'none' });
      else if (style === 'biased') h = hidden ? linear(h, l.w, l.b).relu() : linear(h, l.w, l.b);
      else h = hidden ? h.matmul(l.w).add(l.b).relu() : h.matmul(l.w).add(l.b);
    });
    return h;
  };
  return { layers, params: layers.flatMap((l) => [l.w, l.b]), forward };
}
