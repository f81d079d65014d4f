import { Tensor, tensor } from '@chainrule/engine';
import {
  Adam,
  accuracy,
  binaryCrossEntropy,
  type EpochLog,
  fit,
  fromArchitecture,
  MLP,
  makeMoons,
  mseLoss,
  SGD,
} from '@chainrule/nn';
import { describe, expect, test } from 'vitest';
import { expectBitIdentical } from './support/close.js';
import { moonsArchitecture } from './support/moons.js';

function smallMoons() {
  const { x, y } = makeMoons(64, { noise: 0.1, seed: 2 });
  return { x: tensor(x), y: tensor(y).reshape([-1, 1]) };
}

describe('fit', () => {
  test('returns one loss, metric and validation figure per epoch, and the loss falls', () => {
    const { x, y } = smallMoons();
    const model = new MLP([2, 8, 1], { outputActivation: 'sigmoid', seed: 1 });
    const logs: EpochLog[] = [];
    const history = fit(model, {
      x,
      y,
      loss: binaryCrossEntropy,
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      epochs: 30,
      batchSize: 16,
      metrics: { accuracy },
      validation: { x, y },
      onEpoch: (log) => {
        logs.push(log);
      },
    });
    expect(history.loss.length).toBe(30);
    expect(history.metrics['accuracy']!.length).toBe(30);
    expect(history.valLoss.length).toBe(30);
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]! / 2);
    expect(logs.map((l) => l.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(logs[29]!.valMetrics!['accuracy']).toBe(history.valMetrics['accuracy']![29]);
    expect(model.training).toBe(true);
  });

  test('full-batch epoch loss is the loss before that epoch’s step, as seed 002 records it', () => {
    const { x, y } = smallMoons();
    const model = new MLP([2, 4, 1], { outputActivation: 'sigmoid', seed: 3 });
    const before = binaryCrossEntropy(model.forward(x), y).item();
    const history = fit(model, {
      x,
      y,
      loss: binaryCrossEntropy,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      epochs: 2,
    });
    expect(history.loss[0]).toBe(before);
  });

  test('onEpoch returning false stops early', () => {
    const { x, y } = smallMoons();
    const model = new MLP([2, 4, 1], { seed: 1 });
    const history = fit(model, {
      x,
      y,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 100,
      onEpoch: (log) => log.epoch < 4,
    });
    expect(history.loss.length).toBe(5);
  });

  test('is reproducible: the same seeds give the same history bit for bit', () => {
    const run = () => {
      const { x, y } = smallMoons();
      const model = fromArchitecture(moonsArchitecture, { seed: 4 });
      return fit(model, {
        x,
        y,
        loss: binaryCrossEntropy,
        optimizer: new Adam(model.parameters(), { lr: 0.01 }),
        epochs: 5,
        batchSize: 10,
        seed: 9,
      }).loss;
    };
    expectBitIdentical(run(), run());
  });

  test('a run saved mid-training (model, optimizer, data order) and restored continues bit for bit', () => {
    const { x, y } = smallMoons();
    const make = (seed: number) => {
      const model = fromArchitecture(moonsArchitecture, { seed });
      const optimizer = new Adam(model.parameters(), {
        lr: (step) => 0.02 * 0.99 ** step,
        weightDecay: 1e-4,
      });
      return { model, optimizer };
    };
    const train = (m: ReturnType<typeof make>, epochs: number, seed: number) =>
      fit(m.model, { x, y, loss: binaryCrossEntropy, optimizer: m.optimizer, epochs, batchSize: 16, seed })
        .loss;

    const a = make(1);
    train(a, 3, 100);
    const saved = JSON.stringify({ model: a.model.stateDict(), optimizer: a.optimizer.stateDict() });
    const lossesA = train(a, 4, 200);

    const b = make(2);
    const state = JSON.parse(saved);
    b.model.loadStateDict(state.model);
    b.optimizer.loadStateDict(state.optimizer);
    const lossesB = train(b, 4, 200);
    expectBitIdentical(lossesB, lossesA);
    for (const [i, p] of b.model.parameters().entries()) {
      expectBitIdentical(Array.from(p.data), Array.from(a.model.parameters()[i]!.data));
    }
  });

  test('refuses bad options, naming them', () => {
    const model = new MLP([2, 1]);
    const optimizer = new SGD(model.parameters());
    const base = {
      x: tensor([
        [1, 2],
        [3, 4],
      ]),
      y: tensor([[1], [2]]),
      loss: mseLoss,
      optimizer,
      epochs: 1,
    };
    expect(() => fit(model, { ...base, epochs: -1 })).toThrow('fit: epochs must be at least 0, got -1');
    expect(() => fit(model, { ...base, loss: (p) => p })).toThrow(
      'fit: the loss must return a one-element Tensor, got shape [2,1]',
    );
    expect(() => fit(model, { ...base, x: 'data' as never })).toThrow(
      'fit: x must be a Tensor or nested arrays, got the string "data"',
    );
  });

  test('refuses an optimizer over another model’s parameters, which would train nothing', () => {
    const model = new MLP([2, 1], { seed: 1 });
    const other = new MLP([2, 1], { seed: 2 });
    const before = JSON.stringify(model.stateDict());
    const run = (optimizer: SGD) =>
      fit(model, { x: [[1, 2]], y: [[1]], loss: mseLoss, optimizer, epochs: 1 });
    expect(() => run(new SGD(other.parameters()))).toThrow(
      "fit: the optimizer updates none of the model's 2 parameters (it holds 2 others); build it over model.parameters()",
    );
    expect(JSON.stringify(model.stateDict())).toBe(before);
    // over a part of the model (fine-tuning one layer) it trains that part
    run(new SGD([model.parameters()[1]!]));
    expect(JSON.stringify(model.stateDict())).not.toBe(before);
  });

  test('refuses data it cannot train on with errors that start with fit', () => {
    const model = new MLP([2, 1]);
    const base = { loss: mseLoss, optimizer: new SGD(model.parameters()), epochs: 1 };
    const x = [
      [1, 2],
      [3, 4],
    ];
    expect(() => fit(model, { ...base, x, y: [[1]] })).toThrow('fit: x has 2 samples but y has 1');
    expect(() => fit(model, { ...base, x: Tensor.zeros([0, 2]), y: Tensor.zeros([0, 1]) })).toThrow(
      'fit: x has no samples (shape [0,2]); fit needs at least one',
    );
    expect(() => fit(model, { ...base, x, y: [[1], [2]], batchSize: 0 })).toThrow(
      'fit: batchSize must be at least 1, got 0',
    );
    expect(() => fit(model, { ...base, x: tensor(5), y: tensor(1) })).toThrow(
      'fit: x must have a sample axis, got a 0-D tensor',
    );
    expect(() => fit(model, { ...base, x, y: [[1], [2]], validation: { x, y: [[1]] } })).toThrow(
      'fit: validation.x has 2 samples but validation.y has 1',
    );
  });
});
