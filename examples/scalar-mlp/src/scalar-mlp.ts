// micrograd's demo: a 2-16-16-1 network of scalar Values learns two moons with a max-margin loss.

import { type Tensor, tensor, Value } from '@chainrule/engine';
import { type Dataset, hingeLoss, makeMoons, ScalarMLP, SGD } from '@chainrule/nn';

/** Options of `trainScalarMLP`. */
export interface ScalarMLPOptions {
  /** SGD steps over the whole dataset. Default 100, as in micrograd. */
  steps?: number;
  /** Seed of the data and the weights. */
  seed?: number;
  /** Called after every step with the step (1-based), its loss and its accuracy. */
  onStep?: (step: number, loss: number, accuracy: number) => void;
}

/** What the training produced. */
export interface ScalarMLPResult {
  data: Dataset;
  model: ScalarMLP;
  losses: number[];
  accuracies: number[];
  /** Number of parameters (337 for 2-16-16-1). */
  parameters: number;
}

/** L2 strength α of micrograd's regularisation α·Σ p². */
export const ALPHA = 1e-4;

/**
 * micrograd's demo: make_moons(100, noise 0.1) with labels mapped to -1 and 1; ScalarMLP(2, [16,
 * 16, 1]) with ReLU hidden layers and a linear score; loss = mean hinge max(0, 1 − y·score) +
 * α·Σ p²; plain SGD over all 100 points with the learning rate decaying from 1.0 to 0.1.
 */
export function trainScalarMLP(options: ScalarMLPOptions = {}): ScalarMLPResult {
  const steps = options.steps ?? 100;
  const seed = options.seed ?? 1;
  const data = makeMoons(100, { noise: 0.1, seed });
  const y = data.y.map((label) => 2 * label - 1); // 0/1 → -1/1
  const model = new ScalarMLP(2, [16, 16, 1], { seed });
  const params = model.parameters();
  const optimizer = new SGD(params, { lr: (step) => 1.0 - (0.9 * step) / 100 });

  const losses: number[] = [];
  const accuracies: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const scores = data.x.map((row) => model.forward(row)[0]!);
    // the margin loss, plus α·Σ p² to keep the weights small
    let l2: Value = new Value(0);
    for (const p of params) l2 = l2.add(p.mul(p));
    const loss = hingeLoss(scores, y).add(l2.mul(ALPHA));
    const right = scores.filter((s, i) => s.data > 0 === y[i]! > 0).length;

    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.data);
    accuracies.push(right / scores.length);
    options.onStep?.(step, loss.data, right / scores.length);
  }
  return { data, model, losses, accuracies, parameters: params.length };
}

/**
 * The trained model's scores for many points at once: the same weights read into one matrix per
 * layer, so a grid of thousands of points costs a few matrix products instead of a graph per point.
 */
export function scores(model: ScalarMLP, points: readonly (readonly number[])[]): number[] {
  let h: Tensor = tensor(points.map((p) => [...p]));
  for (const layer of model.layers) {
    const w = tensor(layer.neurons.map((n) => n.weights.map((v) => v.data))); // [out, in]
    const b = tensor(layer.neurons.map((n) => n.bias.data)); // [out]
    h = h.matmul(w.T).add(b);
    if (layer.neurons[0]!.activation === 'relu') h = h.relu();
  }
  return Array.from(h.data);
}
