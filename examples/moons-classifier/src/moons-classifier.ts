// Seed 002: a network described by a list of layers, trained on two moons with binary cross-entropy.

import { noGrad, type Tensor, tensor } from '@chainrule/engine';
import {
  accuracy,
  binaryCrossEntropy,
  fit,
  fromArchitecture,
  type Init,
  type LayerDescription,
  makeMoons,
  type Sequential,
  SGD,
  trainTestSplit,
} from '@chainrule/nn';

/** The seed's architecture list: 2-4-6-6-4-1, ReLU inside, a sigmoid probability out. */
export const ARCHITECTURE: readonly LayerDescription[] = [
  { inputDim: 2, outputDim: 4, activation: 'relu' },
  { inputDim: 4, outputDim: 6, activation: 'relu' },
  { inputDim: 6, outputDim: 6, activation: 'relu' },
  { inputDim: 6, outputDim: 4, activation: 'relu' },
  { inputDim: 4, outputDim: 1, activation: 'sigmoid' },
];

/** The seed's data: 1000 points of two moons with noise 0.2, 10% of them held out for testing. */
export const SAMPLES = 1000;
export const NOISE = 0.2;
export const TEST_SIZE = 0.1;
/** The seed's training: plain gradient descent on all training points, learning rate 0.01, 10000 epochs. */
export const LEARNING_RATE = 0.01;
export const EPOCHS = 10000;

/** The moons as tensors: x [N, 2], y [N, 1] of 0 and 1, split into train and test. */
export interface MoonsData {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/** Generates and splits the data (seed 100, as the seed's `random_state=100`). */
export function moonsData(seed = 100): MoonsData {
  const { x, y } = makeMoons(SAMPLES, { noise: NOISE, seed });
  const split = trainTestSplit(x, y, { testSize: TEST_SIZE, seed });
  const column = (labels: number[]) => tensor(labels.map((label) => [label]));
  return {
    xTrain: tensor(split.xTrain),
    yTrain: column(split.yTrain),
    xTest: tensor(split.xTest),
    yTest: column(split.yTest),
  };
}

/** Options of `trainMoons`. */
export interface TrainMoonsOptions {
  /** How the weights start: nn's default (Kaiming for the ReLU layers) or the seed's `{ normal: 0.1 }`. */
  init?: Init;
  epochs?: number;
  /** Seed of the weights. */
  seed?: number;
  /** Called after each epoch (1-based) with that epoch's cost and training accuracy. */
  onEpoch?: (epoch: number, cost: number, accuracy: number) => void;
}

/** A trained model, its cost and accuracy history, and what the start looked like. */
export interface MoonsRun {
  model: Sequential;
  /** Binary cross-entropy on the training set, per epoch. */
  costs: number[];
  /** Training accuracy per epoch. */
  accuracies: number[];
  testAccuracy: number;
  /** Before training: the spread (standard deviation) of the output over the training points. */
  initialOutputSpread: number;
  /** Before training: the size (L2 norm) of the first layer's weight gradient. */
  initialFirstLayerGradient: number;
  /** The share of test points predicted as class 1 after training. */
  predictedOnes: number;
}

/**
 * Builds the network from `ARCHITECTURE` with `fromArchitecture` and trains it as the seed does:
 * full-batch gradient descent on binary cross-entropy, learning rate 0.01.
 */
export function trainMoons(data: MoonsData, options: TrainMoonsOptions = {}): MoonsRun {
  const model = fromArchitecture(ARCHITECTURE, {
    seed: options.seed ?? 2,
    ...(options.init === undefined ? {} : { init: options.init }),
  });

  // How the untrained network sees the data: does the input reach the output, does the gradient reach the input?
  const output = model.forward(data.xTrain);
  binaryCrossEntropy(output, data.yTrain).backward();
  const initialOutputSpread = spread(output.data);
  const initialFirstLayerGradient = norm(model.parameters()[0]!.grad!.data);
  model.zeroGrad();

  const history = fit(model, {
    x: data.xTrain,
    y: data.yTrain,
    loss: (p, t) => binaryCrossEntropy(p, t),
    optimizer: new SGD(model.parameters(), { lr: LEARNING_RATE }),
    epochs: options.epochs ?? EPOCHS,
    metrics: { accuracy: (p, t) => accuracy(p, t) },
    onEpoch: (log) => options.onEpoch?.(log.epoch + 1, log.loss, log.metrics['accuracy']!),
  });
  const test = predict(model, data.xTest);
  return {
    model,
    costs: history.loss,
    accuracies: history.metrics['accuracy']!,
    testAccuracy: accuracy(test, data.yTest),
    initialOutputSpread,
    initialFirstLayerGradient,
    predictedOnes: test.data.filter((p) => p > 0.5).length / test.size,
  };
}

/** The model's probabilities of class 1 for the rows of `x`, without recording a graph. */
export function predict(model: Sequential, x: Tensor): Tensor {
  return noGrad(() => model.eval().forward(x));
}

function spread(xs: Float64Array): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
}

function norm(xs: Float64Array): number {
  return Math.sqrt(xs.reduce((a, b) => a + b * b, 0));
}
