// safetensors across languages: files chainrule writes load in Python's `safetensors` package, and
// files it writes load in chainrule, bit for bit; a Linear's weight means there what it means here.
// Skipped, saying why, where python3, numpy or safetensors is missing: CI does not need them.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@chainrule/engine';
import { fromArchitecture, fromSafetensors, Linear, type StateDict, toSafetensors } from '@chainrule/nn';
import { loadSafetensors, saveSafetensors } from '@chainrule/nn/node';
import { describe, expect, test } from 'vitest';
import { moonsArchitecture } from './support/moons.js';

const probe = spawnSync('python3', ['-c', 'import numpy, safetensors'], { encoding: 'utf8' });
const missing =
  probe.error !== undefined
    ? 'python3 is not installed'
    : probe.status !== 0
      ? `python3 cannot import numpy and safetensors (pip install numpy safetensors): ${probe.stderr.trim().split('\n').pop()}`
      : null;
const title = "Python's safetensors package";
if (missing !== null) console.warn(`safetensors-python.test.ts: skipped, ${missing}`);

/** Runs a Python script with `args`; returns what it prints, parsed as JSON. */
function python(script: string, ...args: string[]): unknown {
  const run = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

/** Each number's float64 bits as hex, little-endian byte order, as Python's struct.pack('<d') gives. */
function bitsOf(data: readonly number[]): string[] {
  const view = new DataView(new ArrayBuffer(8));
  return data.map((v) => {
    view.setFloat64(0, v, true);
    return Array.from(new Uint8Array(view.buffer), (b) => b.toString(16).padStart(2, '0')).join('');
  });
}

/** The number whose float64 bits `bitsOf` gives. */
function fromBits(hex: string): number {
  const bytes = Uint8Array.from(hex.match(/../g)!, (b) => Number.parseInt(b, 16));
  return new DataView(bytes.buffer).getFloat64(0, true);
}

/** Python's view of a file: each tensor's dtype, shape and float64 bits, and the metadata. */
const READ = `
import json, struct, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file
tensors = load_file(sys.argv[1])
with safe_open(sys.argv[1], framework='np') as f:
    metadata = f.metadata()
out = {k: {'dtype': str(v.dtype), 'shape': list(v.shape),
           'bits': [struct.pack('<d', float(x)).hex() for x in v.astype('<f8').reshape(-1)]}
       for k, v in tensors.items()}
print(json.dumps({'tensors': out, 'metadata': metadata}))
`;

interface PythonView {
  tensors: Record<string, { dtype: string; shape: number[]; bits: string[] }>;
  metadata: Record<string, string> | null;
}

/** A state dict with the numbers a file must keep: -0, NaN, infinities, subnormals, extremes. */
const awkward: StateDict = {
  'layer.0.weight': { shape: [2, 3], data: [1 / 3, -0, Number.NaN, Infinity, -Infinity, 5e-324] },
  'layer.0.bias': { shape: [2], data: [Number.MAX_VALUE, -Number.MIN_VALUE] },
  scalar: { shape: [], data: [-2.5] },
  empty: { shape: [0, 4], data: [] },
  'ünïcode 模型': { shape: [1], data: [0.1] },
};

describe.skipIf(missing !== null)(missing === null ? title : `${title} (skipped: ${missing})`, () => {
  test('loads what chainrule writes in float64 bit for bit, with the metadata', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'chainrule-py-')), 'awkward.safetensors');
    await writeFile(path, toSafetensors(awkward, { metadata: { note: 'from chainrule', é: '✓' } }));
    const read = python(READ, path) as PythonView;
    expect(read.metadata).toEqual({ note: 'from chainrule', é: '✓' });
    for (const [name, { shape, data }] of Object.entries(awkward)) {
      expect(read.tensors[name]).toEqual({ dtype: 'float64', shape, bits: bitsOf(data) });
    }
    expect(Object.keys(read.tensors).sort()).toEqual(Object.keys(awkward).sort());
  });

  test('loads what chainrule writes in float32, each number rounded to the nearest float32', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'chainrule-py-')), 'f32.safetensors');
    // float32's own extremes: the largest float64 is refused on save (it is not turned into infinity)
    const state: StateDict = {
      ...awkward,
      'layer.0.bias': { shape: [2], data: [3.4028234663852886e38, -1.401298464324817e-45] },
    };
    await writeFile(path, toSafetensors(state, { dtype: 'float32' }));
    const read = python(READ, path) as PythonView;
    expect(read.metadata).toBeNull();
    for (const [name, { shape, data }] of Object.entries(state)) {
      const got = read.tensors[name]!;
      expect({ dtype: got.dtype, shape: got.shape }).toEqual({ dtype: 'float32', shape });
      // each number is Math.fround's, bit for bit; a NaN stays a NaN (its payload is the platform's)
      expect(got.bits.map(fromBits).map(String)).toEqual(data.map(Math.fround).map(String));
      expect(got.bits.filter((_, i) => !Number.isNaN(data[i]))).toEqual(
        bitsOf(data.map(Math.fround).filter((v) => !Number.isNaN(v))),
      );
    }
  });

  test('writes files chainrule loads bit for bit, F64 and F32 mixed, with the metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainrule-py-'));
    const path = join(dir, 'from-python.safetensors');
    const written = python(
      `
import json, struct, sys
import numpy as np
from safetensors.numpy import save_file
rng = np.random.default_rng(5)
tensors = {
    'weight': rng.standard_normal((2, 3)),
    'bias': rng.standard_normal(2).astype('<f4'),
}
tensors['weight'][0, 1] = -0.0
save_file(tensors, sys.argv[1], metadata={'framework': 'numpy'})
print(json.dumps({k: [struct.pack('<d', float(x)).hex() for x in v.astype('<f8').reshape(-1)]
                  for k, v in tensors.items()}))
`,
      path,
    ) as Record<string, string[]>;
    const { state, metadata } = fromSafetensors(await readFile(path));
    expect(metadata).toEqual({ framework: 'numpy' });
    expect(bitsOf(state['weight']!.data)).toEqual(written['weight']);
    expect(bitsOf(state['bias']!.data)).toEqual(written['bias']);
    // and into a model, through the file function
    const layer = new Linear(3, 2, { seed: 1 });
    expect(await loadSafetensors(layer, path)).toEqual({ framework: 'numpy' });
    expect(bitsOf([...layer.weight.data])).toEqual(written['weight']);
    expect(Object.is(layer.weight.data[1], -0)).toBe(true);
  });

  test('the moons network computes in NumPy from its keys and [out, in] weights as it does here', async () => {
    // PyTorch's nn.Sequential(nn.Linear(2, 4), nn.ReLU(), ..., nn.Linear(4, 1), nn.Sigmoid()): the
    // keys 0.weight ... 8.bias, and y = x·Wᵀ + b with W as stored, no transpose on load
    const model = fromArchitecture(moonsArchitecture, { seed: 3 });
    const path = join(await mkdtemp(join(tmpdir(), 'chainrule-py-')), 'moons.safetensors');
    await saveSafetensors(model, path);
    const x = [
      [0.5, -0.25],
      [1.5, 0.75],
      [-1, 0.5],
      [2, -0.5],
    ];
    const ours = model.forward(tensor(x)).toArray() as number[][];
    const theirs = python(
      `
import json, sys
import numpy as np
from safetensors.numpy import load_file
p = load_file(sys.argv[1])
h = np.array(json.loads(sys.argv[2]), dtype='<f8')
for i in (0, 2, 4, 6):
    h = np.maximum(h @ p[f'{i}.weight'].T + p[f'{i}.bias'], 0)
y = 1 / (1 + np.exp(-(h @ p['8.weight'].T + p['8.bias'])))
print(json.dumps({'keys': sorted(p), 'y': y.tolist()}))
`,
      path,
      JSON.stringify(x),
    ) as { keys: string[]; y: number[][] };
    expect(theirs.keys).toEqual(Object.keys(model.stateDict()).sort());
    const gaps = theirs.y.flatMap((row, i) => row.map((v, j) => Math.abs(v - ours[i]![j]!)));
    expect(gaps).toHaveLength(4);
    expect(Math.max(...gaps)).toBeLessThan(1e-12);
  });
});
