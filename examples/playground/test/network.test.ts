// The network lab without a browser: the settings' URL form, the datasets, a training session, and
// the code the lab shows, run in Node, which must train exactly as the lab's session does.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { networkCode } from '../src/network/codegen.js';
import { makeDataset } from '../src/network/datasets.js';
import { TrainingSession } from '../src/network/session.js';
import {
  DATASET_NAMES,
  DEFAULT_SETTINGS,
  type NetworkSettings,
  parseHidden,
  settingsFromParams,
  settingsToParams,
} from '../src/network/settings.js';

const settings = (changes: Partial<NetworkSettings> = {}): NetworkSettings => ({
  ...DEFAULT_SETTINGS,
  hidden: [...DEFAULT_SETTINGS.hidden],
  ...changes,
});

describe('settings', () => {
  test('survive the trip through URL parameters', () => {
    const s = settings({
      dataset: 'spiral',
      noise: 0.05,
      hidden: [16, 8, 4],
      optimizer: 'rmsprop',
      batchSize: 4,
    });
    expect(settingsFromParams(new URLSearchParams(settingsToParams(s).toString()))).toEqual(s);
  });

  test('a missing or unusable parameter takes its default, the others stay', () => {
    const params = new URLSearchParams('dataset=nope&noise=7&points=12.5&hidden=8,99&lr=0.1&activation=tanh');
    expect(settingsFromParams(params)).toEqual(settings({ learningRate: 0.1, activation: 'tanh' }));
  });

  test('hidden layers are read from a list of whole numbers from 1 to 32', () => {
    expect(parseHidden('8, 8')).toEqual([8, 8]);
    expect(parseHidden(' 4 2 ')).toEqual([4, 2]);
    expect(parseHidden('')).toEqual([]);
    expect(parseHidden('8, 0')).toBeNull();
    expect(parseHidden('8, 2.5')).toBeNull();
    expect(parseHidden('1,1,1,1,1,1,1')).toBeNull();
  });
});

test.each(DATASET_NAMES)(
  '%s: the requested number of 2-D points, both classes present, seeded',
  (dataset) => {
    const s = settings({ dataset, points: 101, noise: 0.1 });
    const { x, y } = makeDataset(s);
    expect(x).toHaveLength(101);
    expect(y).toHaveLength(101);
    for (const row of x) {
      expect(row).toHaveLength(2);
      for (const v of row) expect(Number.isFinite(v)).toBe(true);
    }
    expect(new Set(y)).toEqual(new Set([0, 1]));
    const again = makeDataset(s);
    expect({ x: again.x, y: again.y }).toEqual({ x, y });
    expect(makeDataset({ ...s, seed: 2 }).x).not.toEqual(x);
  },
);

test('xor puts class 1 in the quadrants where x·y > 0 when there is no noise', () => {
  const { x, y } = makeDataset(settings({ dataset: 'xor', noise: 0 }));
  x.forEach(([a, b], i) => {
    expect(y[i]).toBe(a! * b! > 0 ? 1 : 0);
  });
});

test('a session trains moons to a test accuracy of at least 0.9 in 40 epochs, and its loss falls', () => {
  const session = new TrainingSession(settings());
  expect(session.train.x).toHaveLength(240);
  expect(session.test.x).toHaveLength(60);
  const figures = Array.from({ length: 40 }, () => session.step());
  expect(figures.at(-1)!.epoch).toBe(40);
  expect(figures.at(-1)!.loss).toBeLessThan(figures[0]!.loss / 2);
  expect(figures.at(-1)!.testAccuracy).toBeGreaterThanOrEqual(0.9);
  // the model puts most training points on their own class's side, and the picture shows them all
  const p = session.predict(session.train.x);
  const right = session.train.y.filter((label, i) => (p[i]! > 0.5 ? 1 : 0) === label).length;
  expect(right / session.train.y.length).toBeGreaterThan(0.9);
  const svg = session.boundarySvg(20, 300);
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.match(/<g class="mark-symbol"[\s\S]*?<\/g>/)![0].match(/<(circle|path|polygon)/g)).toHaveLength(
    300,
  );
});

describe('the code the lab shows', () => {
  const cases: [string, Partial<NetworkSettings>, number][] = [
    ['moons with Adam', {}, 30],
    [
      'xor with SGD and momentum, tanh',
      { dataset: 'xor', optimizer: 'momentum', activation: 'tanh', points: 120 },
      5,
    ],
    [
      'spiral with RMSprop',
      { dataset: 'spiral', optimizer: 'rmsprop', hidden: [6], points: 80, batchSize: 1000 },
      5,
    ],
    ['circles with SGD', { dataset: 'circles', optimizer: 'sgd', points: 80 }, 5],
    [
      'blobs, sigmoid, no hidden layer',
      { dataset: 'blobs', activation: 'sigmoid', hidden: [], points: 80 },
      5,
    ],
  ];
  const outputs: string[] = [];
  // inside the workspace, so that the programs resolve the packages as a user's file there would
  const dir = mkdtempSync(join(import.meta.dirname, '..', '.codegen-'));

  beforeAll(() => {
    // one Node process runs every program in turn, each printing a marker line first
    const runner = cases.map((_, i) => `console.log('--- ${i}');\nawait import('./train-${i}.ts');`);
    cases.forEach(([, changes, epochs], i) => {
      writeFileSync(join(dir, `train-${i}.ts`), networkCode(settings(changes), epochs));
    });
    writeFileSync(join(dir, 'run.ts'), `${runner.join('\n')}\n`);
    const run = spawnSync(process.execPath, ['--conditions=@chainrule/source', '--import', 'tsx', 'run.ts'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`the generated code failed:\n${run.stderr}`);
    outputs.push(...run.stdout.split(/^--- \d+\n/m).slice(1));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(cases.map((c, i) => [...c, i] as const))(
    '%s: runs in Node and ends with the numbers of the lab’s own session',
    (_, changes, epochs, i) => {
      const s = settings(changes);
      const session = new TrainingSession(s);
      let last = session.step();
      for (let e = 1; e < epochs; e++) last = session.step();
      expect(outputs[i]!.trim().split('\n').at(-1)).toBe(
        `final: loss ${last.loss}, test loss ${last.testLoss}, test accuracy ${last.testAccuracy}`,
      );
      if (changes.dataset === undefined) expect(last.testAccuracy).toBeGreaterThanOrEqual(0.9);
    },
  );

  test('the code defines the playground’s own generators where nn has none, and imports what it uses', () => {
    const xor = networkCode(settings({ dataset: 'xor' }));
    expect(xor).toContain('function makeXor(');
    expect(xor).not.toContain('export function');
    expect(xor).toContain('type Dataset');
    const moons = networkCode(settings());
    expect(moons).not.toContain('function make');
    expect(moons).toMatch(/import \{ [^}]*\bmakeMoons\b[^}]* \} from '@chainrule\/nn'/);
  });
});
