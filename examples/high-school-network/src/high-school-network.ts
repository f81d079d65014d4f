// Seed 001's mathematics with tensors: inner product, matrix product (and the error when shapes do not fit), a 10-5-2 network.

import { createRng, type Rng, ShapeError, Tensor } from '@chainrule/engine';
import { SGD } from '@chainrule/nn';

/** w·x = w1·x1 + w2·x2 + w3·x3 for two random 3-vectors, by `matmul` and by hand. */
export function innerProduct(rng: Rng): { w: number[]; x: number[]; product: number; byHand: number } {
  const w = Tensor.randn([3], { rng });
  const x = Tensor.randn([3], { rng });
  const byHand = w.data.reduce((sum, wi, i) => sum + wi * x.data[i]!, 0);
  return { w: Array.from(w.data), x: Array.from(x.data), product: w.matmul(x).item(), byHand };
}

/** One matrix product attempted: the operand shapes, and the result's shape or the error message. */
export interface MatrixProduct {
  left: number[];
  right: number[];
  shape?: number[];
  error?: string;
}

/** The seed's three products: [2,3]·[3,2] works, [3,2]·[3,2] does not, [1,4]·[4,2] works. */
export function matrixProducts(rng: Rng): MatrixProduct[] {
  const pairs: [number[], number[]][] = [
    [
      [2, 3],
      [3, 2],
    ],
    [
      [3, 2],
      [3, 2],
    ],
    [
      [1, 4],
      [4, 2],
    ],
  ];
  return pairs.map(([left, right]) => {
    try {
      const product = Tensor.randn(left, { rng }).matmul(Tensor.randn(right, { rng }));
      return { left, right, shape: [...product.shape] };
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      return { left, right, error: error.message };
    }
  });
}

/** Options of `trainHighSchoolNetwork`. */
export interface HighSchoolOptions {
  /** Gradient steps. Default 100, as in the seed. */
  steps?: number;
  /** Learning rate. Default 0.1, as in the seed. */
  lr?: number;
  /** Called after every step with the step (1-based) and its loss. */
  onStep?: (step: number, loss: number) => void;
}

/** One random input x (10 numbers) and target t (2 numbers), the weights and the loss at every step. */
export interface HighSchoolResult {
  target: number[];
  /** The network's output for x after training. */
  output: number[];
  losses: number[];
}

/**
 * The seed's `train.py`: fc1 (10 → 5, weights randn, no bias), sigmoid, fc2 (5 → 2), sigmoid, mean
 * squared error against a random target, plain gradient descent with lr 0.1 for 100 steps. The
 * seed's weights are [out, in] and act on a column vector, as here.
 */
export function trainHighSchoolNetwork(rng: Rng, options: HighSchoolOptions = {}): HighSchoolResult {
  const steps = options.steps ?? 100;
  const fc1 = Tensor.randn([5, 10], { rng, requiresGrad: true });
  const fc2 = Tensor.randn([2, 5], { rng, requiresGrad: true });
  const x = Tensor.randn([10, 1], { rng }); // training data
  const t = Tensor.randn([2, 1], { rng }); // teacher data
  const optimizer = new SGD([fc1, fc2], { lr: options.lr ?? 0.1 });
  const forward = () => fc2.matmul(fc1.matmul(x).sigmoid()).sigmoid(); // [2, 1]

  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad();
    const loss = forward().sub(t).pow(2).mean(); // (1/n) Σ (y_i − x_i)²
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    options.onStep?.(step, loss.item());
  }
  return { target: Array.from(t.data), output: Array.from(forward().data), losses };
}

/** The whole of seed 001's numeric part from one seed. */
export function highSchoolMath(seed = 1, options: HighSchoolOptions = {}) {
  const rng = createRng(seed);
  return {
    inner: innerProduct(rng),
    products: matrixProducts(rng),
    training: trainHighSchoolNetwork(rng, options),
  };
}
