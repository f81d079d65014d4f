// Options objects are read strictly: a misspelt key (`momentun`, `actvation`, `reductoin`) is refused,
// naming the call and the options it knows, instead of training without momentum, building a layer
// without its relu or summing where a mean was asked for. A missing options argument where one is
// required is refused by name, not with "Cannot read properties of undefined" (issue 14, item 8).

import { Tensor, tensor } from '@chainrule/engine';
import {
  Adam,
  AdamW,
  accuracy,
  batches,
  binaryCrossEntropy,
  cosineAnnealingLR,
  crossEntropy,
  Dropout,
  exponentialLR,
  fit,
  Linear,
  linearWarmup,
  MLP,
  makeBlobs,
  makeCircles,
  makeMoons,
  mseLoss,
  RMSprop,
  SGD,
  stepLR,
  trainTestSplit,
} from '@chainrule/nn';
import { describe, expect, test } from 'vitest';

/** Fails unless `f` throws a TypeError whose message is exactly `message`. */
function expectTypeError(f: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected "${message}"`).toBeInstanceOf(TypeError);
  expect((thrown as Error).message).toBe(message);
}

const param = () => Tensor.zeros([2], { requiresGrad: true });

describe('a misspelt option is refused, naming the call and the options it knows', () => {
  test('optimizers', () => {
    expectTypeError(
      () => new SGD([param()], { lr: 0.1, momentun: 0.9 } as never),
      "SGD: unknown option 'momentun'; the options are lr, momentum, dampening, weightDecay, nesterov, maximize",
    );
    expectTypeError(
      () => new Adam([param()], { beta: [0.8, 0.9] } as never),
      "Adam: unknown option 'beta'; the options are lr, betas, eps, weightDecay, amsgrad, maximize",
    );
    expectTypeError(
      () => new AdamW([param()], { weight_decay: 0.1 } as never),
      "AdamW: unknown option 'weight_decay'; the options are lr, betas, eps, weightDecay, amsgrad, maximize",
    );
    expectTypeError(
      () => new RMSprop([param()], { momentum: 0.9, centred: true } as never),
      "RMSprop: unknown option 'centred'; the options are lr, alpha, eps, weightDecay, momentum, centered, maximize",
    );
    expectTypeError(
      () => new SGD([param()], 0.1 as never),
      'SGD: options must be an object, got the number 0.1',
    );
  });

  test('layers', () => {
    expectTypeError(
      () => new Linear(2, 1, { actvation: 'relu' } as never),
      "Linear: unknown option 'actvation'; the options are seed, rng, bias, init, activation",
    );
    expectTypeError(
      () => new Linear(2, 1, 5 as never),
      'Linear: options must be an object, got the number 5',
    );
    expectTypeError(
      () => new MLP([2, 3, 1], { seeed: 1 } as never),
      "MLP: unknown option 'seeed'; the options are seed, rng, activation, outputActivation, init",
    );
    expectTypeError(
      () => new Dropout(0.5, { sed: 1 } as never),
      "Dropout: unknown option 'sed'; the options are seed, rng",
    );
  });

  test('losses and accuracy', () => {
    const p = tensor([[0.2], [0.9]]);
    const t = tensor([[0], [1]]);
    expectTypeError(
      () => mseLoss(p, t, { reductoin: 'sum' } as never),
      "mseLoss: unknown option 'reductoin'; the options are reduction",
    );
    expectTypeError(
      () => binaryCrossEntropy(p, t, { reduce: 'sum' } as never),
      "binaryCrossEntropy: unknown option 'reduce'; the options are reduction",
    );
    expectTypeError(
      () => crossEntropy(tensor([[1, 2]]), [0], { weight: [1, 2] } as never),
      "crossEntropy: unknown option 'weight'; the options are reduction",
    );
    expectTypeError(
      () => accuracy(p, t, { treshold: 0.1 } as never),
      "accuracy: unknown option 'treshold'; the options are threshold",
    );
    // the right spelling still works
    expect(mseLoss(p, t, { reduction: 'sum' }).item()).toBeCloseTo(0.05, 12);
  });

  test('datasets and data helpers', () => {
    expectTypeError(
      () => makeMoons(4, { noize: 0.1 } as never),
      "makeMoons: unknown option 'noize'; the options are seed, rng, noise, shuffle",
    );
    expectTypeError(
      () => makeCircles(4, { factr: 0.5 } as never),
      "makeCircles: unknown option 'factr'; the options are seed, rng, noise, shuffle, factor",
    );
    expectTypeError(
      () => makeBlobs(4, { features: 3 } as never),
      "makeBlobs: unknown option 'features'; the options are seed, rng, centers, nFeatures, clusterStd, centerBox, shuffle",
    );
    const x = Tensor.zeros([4, 2]);
    const y = Tensor.zeros([4, 1]);
    expectTypeError(
      () => trainTestSplit(x, y, { testsize: 0.5 } as never),
      "trainTestSplit: unknown option 'testsize'; the options are seed, rng, testSize, shuffle",
    );
    expectTypeError(
      () => batches(x, y, { batchSize: 2, droplast: true } as never),
      "batches: unknown option 'droplast'; the options are seed, rng, batchSize, shuffle, dropLast",
    );
  });

  test('fit: a misspelt option, and no options at all', () => {
    const model = new Linear(2, 1, { seed: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const options = { x: [[1, 2]], y: [[1]], loss: mseLoss, optimizer, epochs: 1 };
    expectTypeError(
      () => fit(model, { ...options, batchsize: 5 } as never),
      "fit: unknown option 'batchsize'; the options are x, y, loss, optimizer, epochs, batchSize, shuffle, metrics, validation, onEpoch, seed, rng",
    );
    expectTypeError(
      () => fit(model, undefined as never),
      'fit: expected options { x, y, loss, optimizer, epochs }, got undefined',
    );
    expectTypeError(
      () => fit(model, 5 as never),
      'fit: expected options { x, y, loss, optimizer, epochs }, got the number 5',
    );
    expect(fit(model, options).loss).toHaveLength(1);
  });
});

describe('a switch takes true or false, not a truthy stand-in that would turn it on', () => {
  test('optimizers, layers and data helpers', () => {
    const cases: [() => unknown, string][] = [
      [
        () => new Adam([param()], { amsgrad: 'false' } as never),
        'Adam: amsgrad must be true or false, got the string "false"',
      ],
      [
        () => new SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: 'no' } as never),
        'SGD: nesterov must be true or false, got the string "no"',
      ],
      [
        () => new RMSprop([param()], { centered: 1 } as never),
        'RMSprop: centered must be true or false, got the number 1',
      ],
      [
        () => new AdamW([param()], { maximize: 0 } as never),
        'AdamW: maximize must be true or false, got the number 0',
      ],
      [
        () => new Linear(2, 1, { bias: 'no' } as never),
        'Linear: bias must be true or false, got the string "no"',
      ],
      [
        () => batches([[1], [2]], [0, 1], { batchSize: 1, dropLast: 'yes' } as never),
        'batches: dropLast must be true or false, got the string "yes"',
      ],
      [
        () => trainTestSplit([[1], [2], [3]], [0, 1, 0], { shuffle: 0 } as never),
        'trainTestSplit: shuffle must be true or false, got the number 0',
      ],
      [
        () => makeMoons(10, { shuffle: 'no' } as never),
        'makeMoons: shuffle must be true or false, got the string "no"',
      ],
      [
        () => makeCircles(10, { shuffle: 1 } as never),
        'makeCircles: shuffle must be true or false, got the number 1',
      ],
      [
        () => makeBlobs(10, { shuffle: 'yes' } as never),
        'makeBlobs: shuffle must be true or false, got the string "yes"',
      ],
    ];
    for (const [f, message] of cases) expectTypeError(f, message);
  });

  test('schedules refuse an option they do not know', () => {
    const cases: [() => unknown, string][] = [
      [
        () => stepLR(0.1, { stepSize: 2, gama: 0.5 } as never),
        "stepLR: unknown option 'gama'; the options are stepSize, gamma",
      ],
      [
        () => cosineAnnealingLR(0.1, { tMax: 10, eta_min: 0.01 } as never),
        "cosineAnnealingLR: unknown option 'eta_min'; the options are tMax, etaMin",
      ],
      [
        () => exponentialLR(0.1, { gamma: 0.5, lastEpoch: 3 } as never),
        "exponentialLR: unknown option 'lastEpoch'; the options are gamma",
      ],
      [
        () => linearWarmup(0.1, { warmupSteps: 2, startFactor: 0.5 } as never),
        "linearWarmup: unknown option 'startFactor'; the options are warmupSteps",
      ],
    ];
    for (const [f, message] of cases) expectTypeError(f, message);
  });
});

describe('a mean over no samples is refused, not a silent NaN', () => {
  test('every loss on an empty batch, with the default mean; the sum is 0', () => {
    const empty = Tensor.zeros([0, 1]);
    const cases = [
      ['mseLoss', () => mseLoss(empty, empty)],
      ['binaryCrossEntropy', () => binaryCrossEntropy(empty, empty)],
      ['crossEntropy', () => crossEntropy(Tensor.zeros([0, 3]), Tensor.zeros([0]))],
    ] as const;
    for (const [op, f] of cases) {
      let thrown: unknown;
      try {
        f();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, op).toBeInstanceOf(RangeError);
      expect((thrown as Error).message).toMatch(
        new RegExp(
          `^${op}: no elements to average \\(the losses have shape \\[0(,1)?\\]\\); reduction 'sum' gives 0$`,
        ),
      );
    }
    expect(mseLoss(empty, empty, { reduction: 'sum' }).item()).toBe(0);
  });
});
