// The moons classifier, trained, leaves chainrule as a safetensors file and comes back bit for bit.

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArchitecture, fromSafetensors } from '@chainrule/nn';
import { loadSafetensors, saveSafetensors } from '@chainrule/nn/node';
import { expect, test } from 'vitest';
import { ARCHITECTURE, moonsData, predict, trainMoons } from '../src/index.js';

/** Each parameter's raw bits, so that equality means every bit. */
function bits(model: { parameters(): { data: Float64Array }[] }): bigint[][] {
  return model.parameters().map((p) => [...new BigUint64Array(Float64Array.from(p.data).buffer)]);
}

test('a trained moons classifier round-trips through safetensors bit for bit', async () => {
  const data = moonsData();
  const { model } = trainMoons(data, { epochs: 200 });
  const path = join(await mkdtemp(join(tmpdir(), 'moons-')), 'moons.safetensors');
  await saveSafetensors(model, path, { metadata: { example: 'moons-classifier', epochs: '200' } });

  const copy = fromArchitecture(ARCHITECTURE, { seed: 9 });
  expect(bits(copy)).not.toEqual(bits(model));
  expect(await loadSafetensors(copy, path)).toEqual({ example: 'moons-classifier', epochs: '200' });
  expect(bits(copy)).toEqual(bits(model));
  expect([...predict(copy, data.xTest).data]).toEqual([...predict(model, data.xTest).data]);

  // the names and shapes a PyTorch nn.Sequential of the same layers has: Linear weights [out, in]
  const { state } = fromSafetensors(await readFile(path));
  expect(Object.fromEntries(Object.entries(state).map(([name, { shape }]) => [name, shape]))).toEqual({
    '0.weight': [4, 2],
    '0.bias': [4],
    '2.weight': [6, 4],
    '2.bias': [6],
    '4.weight': [6, 6],
    '4.bias': [6],
    '6.weight': [4, 6],
    '6.bias': [4],
    '8.weight': [1, 4],
    '8.bias': [1],
  });
});
