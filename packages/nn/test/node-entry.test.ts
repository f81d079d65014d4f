import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@chainrule/engine';
import { Adam, fromArchitecture, mseLoss, StateDictError } from '@chainrule/nn';
import { fitWithProgress, loadStateDictFile, saveStateDict } from '@chainrule/nn/node';
import { describe, expect, test } from 'vitest';
import { moonsArchitecture } from './support/moons.js';

describe('@chainrule/nn/node', () => {
  test('saves a state dict to a file and loads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainrule-nn-'));
    const path = join(dir, 'model.json');
    const a = fromArchitecture(moonsArchitecture, { seed: 1 });
    const b = fromArchitecture(moonsArchitecture, { seed: 2 });
    await saveStateDict(a, path);
    expect(await readdir(dir)).toEqual(['model.json']);
    await loadStateDictFile(b, path);
    expect(b.stateDict()).toEqual(a.stateDict());
    const opt = new Adam(a.parameters());
    await saveStateDict(opt, join(dir, 'opt.json'));
    expect(JSON.parse(await readFile(join(dir, 'opt.json'), 'utf8')).optimizer).toBe('Adam');
  });

  test('refuses a file that is not JSON or does not fit, and changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainrule-nn-'));
    const model = fromArchitecture(moonsArchitecture, { seed: 1 });
    const before = JSON.stringify(model.stateDict());
    await writeFile(join(dir, 'bad.json'), '{ not json', 'utf8');
    await expect(loadStateDictFile(model, join(dir, 'bad.json'))).rejects.toThrow(
      `loadStateDictFile: ${join(dir, 'bad.json')} is not JSON`,
    );
    await writeFile(join(dir, 'other.json'), '{"weight": {"shape": [1], "data": [1]}}', 'utf8');
    await expect(loadStateDictFile(model, join(dir, 'other.json'))).rejects.toThrow(StateDictError);
    expect(JSON.stringify(model.stateDict())).toBe(before);
  });

  test('fitWithProgress trains like fit and stays silent off a terminal', () => {
    const model = fromArchitecture([{ inputDim: 2, outputDim: 1, activation: 'linear' }], { seed: 1 });
    const written: string[] = [];
    const stream = {
      write: (s: string) => written.push(s),
      isTTY: false,
    } as unknown as NodeJS.WritableStream;
    const history = fitWithProgress(model, {
      x: tensor([
        [1, 2],
        [3, 4],
      ]),
      y: tensor([[1], [2]]),
      loss: mseLoss,
      optimizer: new Adam(model.parameters(), { lr: 0.1 }),
      epochs: 20,
      stream,
    });
    expect(history.loss.length).toBe(20);
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]!);
    expect(written.join('')).toBe('');
  });

  const BROWSER_SAFE = ['@chainrule/engine', 'onnx-proto'];

  test('the main entry imports nothing from Node, so it runs in a browser', async () => {
    const src = new URL('../src/', import.meta.url);
    const files = (await readdir(src, { recursive: true })).filter(
      (f) => f.endsWith('.ts') && f !== 'node.ts' && !f.startsWith('node/'),
    );
    for (const file of files) {
      const text = await readFile(new URL(file, src), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      // the engine, and onnx-proto (protobufjs's browser-safe runtime) for the ONNX export
      const outside = imports.filter((i) => !i.startsWith('.') && !BROWSER_SAFE.includes(i));
      expect(outside, file).toEqual([]);
      expect(text, file).not.toMatch(/\bprocess\.|\brequire\(/);
    }
  });
});
