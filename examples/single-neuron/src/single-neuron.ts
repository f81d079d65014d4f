// Seed 004: one sigmoid neuron, trained by the seed's own rule: adjust w by error × input × sigmoid gradient.

import { createRng, noGrad, Tensor, tensor } from '@chainrule/engine';

/** The seed's table: four 3-bit inputs and the answers 0 1 1 0, which are the first bit of each input. */
export const INPUTS = [
  [0, 0, 1],
  [1, 1, 1],
  [1, 0, 1],
  [0, 1, 1],
];
export const TARGETS = [0, 1, 1, 0];
/** The situation the neuron has never seen. */
export const NEW_INPUT = [1, 0, 0];

/** Options of `trainSingleNeuron`. */
export interface SingleNeuronOptions {
  /** Training iterations. Default 20000. */
  iterations?: number;
  /** Seed of the initial weights. */
  seed?: number;
  /** Called after every iteration with the iteration (1-based) and the mean absolute error before its update. */
  onStep?: (step: number, error: number) => void;
}

/** What the training produced. */
export interface SingleNeuronResult {
  /** The three weights before training, uniform in [-1, 1). */
  initialWeights: number[];
  /** The three weights after training. */
  weights: number[];
  /** The neuron's outputs for the four training inputs after training. */
  outputs: number[];
  /** Its answer for [1, 0, 0]. */
  answer: number;
  /** The mean absolute error |y − output| at each iteration. */
  errors: number[];
  /**
   * The seed's first adjustment beside −dL/dw for L = ½ Σ (y − output)² from `backward()`: the hand
   * rule is gradient descent with step 1 on that loss.
   */
  firstStep: { rule: number[]; autograd: number[] };
}

/**
 * Trains output = σ(X·w) with the seed's update w ← w + Xᵀ·(error ⊙ output ⊙ (1 − output)), where
 * error = y − output: each weight moves in proportion to the error, to the input on its synapse (an
 * input of 0 leaves the weight alone) and to the sigmoid's slope output·(1 − output) at that output.
 */
export function trainSingleNeuron(options: SingleNeuronOptions = {}): SingleNeuronResult {
  const iterations = options.iterations ?? 20000;
  const rng = createRng(options.seed ?? 1);
  const x = tensor(INPUTS); // [4, 3]
  const y = tensor(TARGETS.map((t) => [t])); // [4, 1]
  let w = Tensor.rand([3, 1], { rng }).mul(2).sub(1); // uniform in [-1, 1)
  const initialWeights = Array.from(w.data);

  // Once, with the graph: the hand rule's adjustment equals −dL/dw for L = ½ Σ (y − σ(X·w))².
  const tracked = tensor(w, { requiresGrad: true });
  const out = x.matmul(tracked).sigmoid();
  y.sub(out).pow(2).sum().mul(0.5).backward();
  const firstStep = {
    rule: Array.from(adjustment(x, y, w).data),
    autograd: Array.from(tracked.grad!.neg().data),
  };

  const errors: number[] = [];
  noGrad(() => {
    for (let step = 1; step <= iterations; step++) {
      const error = y.sub(x.matmul(w).sigmoid()).abs().mean().item();
      w = w.add(adjustment(x, y, w));
      errors.push(error);
      options.onStep?.(step, error);
    }
  });
  return {
    initialWeights,
    weights: Array.from(w.data),
    outputs: Array.from(x.matmul(w).sigmoid().data),
    answer: tensor([NEW_INPUT]).matmul(w).sigmoid().item(),
    errors,
    firstStep,
  };
}

/** The seed's rule: Xᵀ · (error ⊙ σ'(output)), with error = y − output and σ' = output·(1 − output). */
function adjustment(x: Tensor, y: Tensor, w: Tensor): Tensor {
  const output = x.matmul(w).sigmoid();
  const error = y.sub(output);
  const slope = output.mul(output.neg().add(1));
  return x.T.matmul(error.mul(slope));
}
