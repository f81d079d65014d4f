// One training run of the network lab: the data, the model and optimizer, and one epoch at a time
// through nn's `fit`, exactly as the code the lab shows does it in one call.

import { createRng, noGrad, type Rng, type Tensor, tensor } from '@chainrule/engine';
import {
  Adam,
  accuracy,
  bceWithLogits,
  fit,
  MLP,
  type Module,
  type Optimizer,
  RMSprop,
  SGD,
  trainTestSplit,
} from '@chainrule/nn';
import { decisionBoundarySvg } from '@chainrule/viz';
import { makeDataset } from './datasets.js';
import type { NetworkSettings, OptimizerName } from './settings.js';

/** Accuracy of logits (the model's raw output) against 0/1 labels: a logit above 0 is class 1. */
export const logitAccuracy = (prediction: Tensor, target: Tensor): number =>
  accuracy(prediction, target, { threshold: 0 });

/** The optimizers, as the code shows them: each built over the model's parameters. */
export const OPTIMIZER_FACTORIES: Record<OptimizerName, (model: Module, lr: number) => Optimizer> = {
  adam: (m, lr) => new Adam(m.parameters(), { lr }),
  sgd: (m, lr) => new SGD(m.parameters(), { lr }),
  momentum: (m, lr) => new SGD(m.parameters(), { lr, momentum: 0.9 }),
  rmsprop: (m, lr) => new RMSprop(m.parameters(), { lr }),
};

/** 2-D points with their labels, as the page draws them. */
export interface Points {
  x: number[][];
  y: number[];
}

/** One epoch's figures: mean training loss and accuracy over the epoch, and the test set's after it. */
export interface EpochFigures {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
}

/** The square the decision boundary is drawn over: centre and half-width, the same on both axes. */
export interface Domain {
  cx: number;
  cy: number;
  half: number;
}

const column = (labels: readonly number[]) => tensor(labels.map((label) => [label]));

/** A training run, stepped an epoch at a time. */
export class TrainingSession {
  readonly settings: NetworkSettings;
  readonly train: Points;
  readonly test: Points;
  readonly domain: Domain;
  readonly model: Module;
  private readonly optimizer: Optimizer;
  private readonly rng: Rng;
  private readonly data: { x: Tensor; y: Tensor; testX: Tensor; testY: Tensor };
  /** Epochs run so far. */
  epoch = 0;

  constructor(settings: NetworkSettings) {
    this.settings = settings;
    const s = settings;
    const { x, y } = makeDataset(s);
    const split = trainTestSplit(x, y, { testSize: s.testShare, seed: s.seed });
    this.train = { x: split.xTrain, y: split.yTrain };
    this.test = { x: split.xTest, y: split.yTest };
    this.domain = domainOf(x);
    this.data = {
      x: tensor(split.xTrain),
      y: column(split.yTrain),
      testX: tensor(split.xTest),
      testY: column(split.yTest),
    };
    this.model = new MLP([2, ...s.hidden, 1], { activation: s.activation, seed: s.seed });
    this.optimizer = OPTIMIZER_FACTORIES[s.optimizer](this.model, s.learningRate);
    this.rng = createRng(s.seed);
  }

  /** Trains one more epoch (shuffled mini-batches, as `fit` runs them) and returns its figures. */
  step(): EpochFigures {
    const history = fit(this.model, {
      x: this.data.x,
      y: this.data.y,
      loss: bceWithLogits,
      optimizer: this.optimizer,
      epochs: 1,
      batchSize: this.settings.batchSize,
      rng: this.rng,
      metrics: { accuracy: logitAccuracy },
      validation: { x: this.data.testX, y: this.data.testY },
    });
    this.epoch++;
    return {
      epoch: this.epoch,
      loss: history.loss[0]!,
      accuracy: history.metrics['accuracy']![0]!,
      testLoss: history.valLoss[0]!,
      testAccuracy: history.valMetrics['accuracy']![0]!,
    };
  }

  /** The model's probability of class 1 at each point. */
  predict(points: readonly (readonly number[])[]): Float64Array {
    return noGrad(() => this.model.forward(tensor(points.map((p) => [...p]))).sigmoid()).data;
  }

  /**
   * The decision boundary as SVG (viz's `decisionBoundarySvg`): the domain shaded by the model's
   * P(class 1) on a `resolution`² grid, training points as circles and test points as triangles.
   */
  boundarySvg(resolution: number, size: number): string {
    const { cx, cy, half } = this.domain;
    return decisionBoundarySvg(
      (grid) => this.predict(grid),
      [...this.train.x, ...this.test.x],
      [...this.train.y, ...this.test.y],
      {
        splits: [...this.train.x.map(() => 'train'), ...this.test.x.map(() => 'test')],
        xDomain: [cx - half, cx + half],
        yDomain: [cy - half, cy + half],
        resolution,
        width: size,
        height: size,
      },
    );
  }
}

/** A square around every point with a margin, so that the boundary's shape shows around the data. */
function domainOf(x: readonly number[][]): Domain {
  const xs = x.map((p) => p[0]!);
  const ys = x.map((p) => p[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half: (Math.max(x1 - x0, y1 - y0) / 2) * 1.15 };
}
