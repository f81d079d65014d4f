// Seeds 000 and 003: a two-layer sigmoid network, no biases, trained on sum-of-squares error by backward().

import { createRng, Tensor, tensor } from '@chainrule/engine';
import { SGD } from '@chainrule/nn';

/** The seeds' table: three input bits per row; the target is 1 when exactly one of the first two is 1. */
export const INPUTS = [
  [0, 0, 1],
  [0, 1, 1],
  [1, 0, 1],
  [1, 1, 1],
];
export const TARGETS = [0, 1, 1, 0];

/** Options of `trainTwoLayerNetwork`. */
export interface TwoLayerOptions {
  /** Gradient-descent steps. Default 1500, as in the seeds. */
  iterations?: number;
  /** Seed of the initial weights. */
  seed?: number;
  /** Called after every step with the step (1-based) and the loss before that step's update. */
  onStep?: (step: number, loss: number) => void;
}

/** What the training produced. */
export interface TwoLayerResult {
  /** The loss at each iteration, before that iteration's update. */
  losses: number[];
  /** The network's output for each input row after training. */
  predictions: number[];
}

/**
 * Trains ŷ = σ(σ(X·W1)·W2) with W1 [3,4] and W2 [4,1] drawn uniformly from [0, 1), as the seeds'
 * `np.random.rand`, on the loss Σ (y - ŷ)². The seeds derive the weight updates by hand and add
 * them with no learning rate; that is gradient descent with step 1, so here `backward()` gives the
 * gradients and SGD with lr 1 subtracts them.
 */
export function trainTwoLayerNetwork(options: TwoLayerOptions = {}): TwoLayerResult {
  const iterations = options.iterations ?? 1500;
  const rng = createRng(options.seed ?? 1);
  const x = tensor(INPUTS); // [4, 3]
  const y = tensor(TARGETS.map((t) => [t])); // [4, 1]
  const w1 = Tensor.rand([3, 4], { rng, requiresGrad: true });
  const w2 = Tensor.rand([4, 1], { rng, requiresGrad: true });
  const optimizer = new SGD([w1, w2], { lr: 1 });

  const forward = () => x.matmul(w1).sigmoid().matmul(w2).sigmoid(); // [4, 1]
  const losses: number[] = [];
  for (let step = 1; step <= iterations; step++) {
    optimizer.zeroGrad();
    const loss = y.sub(forward()).pow(2).sum(); // sum of squared errors
    loss.backward(); // dLoss/dW1 and dLoss/dW2 by the chain rule, into w1.grad and w2.grad
    optimizer.step(); // W ← W - 1 · dLoss/dW
    losses.push(loss.item());
    options.onStep?.(step, loss.item());
  }
  return { losses, predictions: Array.from(forward().data) };
}
