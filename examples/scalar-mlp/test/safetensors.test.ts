// micrograd's demo network, trained, leaves chainrule as a safetensors file and comes back bit for bit.

import { fromSafetensors, ScalarMLP, toSafetensors } from '@chainrule/nn';
import { expect, test } from 'vitest';
import { scores, trainScalarMLP } from '../src/index.js';

/** Each parameter's raw bits, so that equality means every bit. */
const bits = (model: ScalarMLP) => [
  ...new BigUint64Array(Float64Array.from(model.parameters(), (p) => p.data).buffer),
];

test('a trained ScalarMLP round-trips through safetensors bit for bit', () => {
  const { model, data } = trainScalarMLP({ steps: 5, seed: 4 });
  const bytes = toSafetensors(model.stateDict(), { metadata: { example: 'scalar-mlp' } });
  const { state, metadata } = fromSafetensors(bytes);
  expect(metadata).toEqual({ example: 'scalar-mlp' });

  const copy = new ScalarMLP(2, [16, 16, 1], { seed: 99 });
  expect(bits(copy)).not.toEqual(bits(model));
  copy.loadStateDict(state);
  expect(bits(copy)).toEqual(bits(model));
  expect(scores(copy, data.x)).toEqual(scores(model, data.x));
});
