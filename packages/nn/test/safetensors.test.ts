// safetensors bytes: the layout the reference writes, exact round trips, and refusal of every malformed file.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fromSafetensors,
  Linear,
  MLP,
  SAFETENSORS_MAX_HEADER,
  SafetensorsError,
  type SafetensorsOptions,
  type StateDict,
  toSafetensors,
} from '@chainrule/nn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

const decoder = new TextDecoder();

/** A file written by hand: the header JSON (padded to 8 bytes) and `dataLength` bytes of data. */
function file(header: unknown, dataLength: number, fill = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + dataLength).fill(fill, 8 + n);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  return out;
}

/** One tensor's entry in a header. */
function tensor(dtype: string, shape: number[], offsets: number[]) {
  return { dtype, shape, data_offsets: offsets };
}

function headerOf(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return decoder.decode(bytes.subarray(8, 8 + n));
}

/** The bits of each number, so that NaN, -0 and every last bit are compared exactly. */
function bits(state: StateDict): Record<string, { shape: number[]; bits: string[] }> {
  const view = new DataView(new ArrayBuffer(8));
  return Object.fromEntries(
    Object.entries(state).map(([k, { shape, data }]) => [
      k,
      {
        shape,
        bits: data.map((v) => {
          view.setFloat64(0, v);
          return view.getBigUint64(0).toString(16);
        }),
      },
    ]),
  );
}

const stateDicts = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }).chain((shape) =>
          fc.record({
            name: fc.constant(name),
            shape: fc.constant(shape),
            data: fc.array(fc.double(), {
              minLength: shape.reduce((a, b) => a * b, 1),
              maxLength: shape.reduce((a, b) => a * b, 1),
            }),
          }),
        ),
      ),
    ),
  )
  .filter((entries) => entries.every(({ name }) => name !== '__metadata__' && name !== '__proto__'))
  .map(
    (entries) =>
      Object.fromEntries(entries.map(({ name, shape, data }) => [name, { shape, data }])) as StateDict,
  );

describe('toSafetensors', () => {
  test("writes the reference's layout: u64 header length, tensors by name, header padded with spaces", () => {
    const bytes = toSafetensors(
      { b: { shape: [1], data: [2] }, a: { shape: [2, 1], data: [0.5, -1] } },
      { metadata: { format: 'pt' } },
    );
    const header =
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F64","shape":[2,1],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}';
    const padded = Math.ceil(header.length / 8) * 8;
    expect(bytes.length).toBe(8 + padded + 24);
    expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(BigInt(padded));
    expect(headerOf(bytes)).toBe(header.padEnd(padded, ' '));
    const data = new DataView(bytes.buffer, 8 + padded);
    expect([data.getFloat64(0, true), data.getFloat64(8, true), data.getFloat64(16, true)]).toEqual([
      0.5, -1, 2,
    ]);
  });

  test('round-trips any state dict bit for bit in float64, NaN, -0 and infinities included', () => {
    fc.assert(
      fc.property(stateDicts, (state) => {
        expect(bits(fromSafetensors(toSafetensors(state)).state)).toEqual(bits(state));
      }),
    );
  });

  test('float32 stores each number rounded to float32 and loads it widened exactly', () => {
    // finite numbers within float32's range (a larger one is refused, below), and the non-finite ones
    const inRange = stateDicts.map((state) =>
      Object.fromEntries(
        Object.entries(state).map(([k, e]) => [
          k,
          { shape: e.shape, data: e.data.map((v) => (Number.isFinite(Math.fround(v)) ? v : v / 1e300)) },
        ]),
      ),
    );
    fc.assert(
      fc.property(inRange, (state) => {
        const rounded = Object.fromEntries(
          Object.entries(state).map(([k, e]) => [k, { shape: e.shape, data: e.data.map(Math.fround) }]),
        );
        const bytes = toSafetensors(state, { dtype: 'float32' });
        expect(headerOf(bytes)).not.toContain('F64');
        expect(bits(fromSafetensors(bytes).state)).toEqual(bits(rounded));
      }),
    );
  });

  test('keeps the metadata, string to string', () => {
    const bytes = toSafetensors(new Linear(2, 1, { seed: 1 }).stateDict(), {
      metadata: { epochs: '3', é: '✓' },
    });
    expect(fromSafetensors(bytes).metadata).toEqual({ epochs: '3', é: '✓' });
  });

  test('refuses what it cannot write faithfully', () => {
    const weight = { shape: [1], data: [1] };
    expect(() => toSafetensors({ __metadata__: weight })).toThrow("'__metadata__' cannot name a tensor");
    expect(() => toSafetensors({ w: { shape: [2], data: [1] } })).toThrow(
      "'w' needs 2 numbers for shape [2]",
    );
    expect(() => toSafetensors({ w: { shape: [1.5], data: [1] } })).toThrow(
      "toSafetensors: 'w' needs a shape of integers >= 0, got [1.5]",
    );
    // shown as given, naming the op: not JSON's null for NaN, nor JSON's own error for a BigInt
    expect(() => toSafetensors({ w: { shape: [Number.NaN, 2], data: [1, 2] } as never })).toThrow(
      "toSafetensors: 'w' needs a shape of integers >= 0, got [NaN,2]",
    );
    expect(() => toSafetensors({ w: { shape: [2n], data: [1, 2] } as never })).toThrow(
      "toSafetensors: 'w' needs a shape of integers >= 0, got [a bigint]",
    );
    expect(() => toSafetensors({ w: weight }, { metadata: { n: 3 as unknown as string } })).toThrow(
      "metadata 'n' must be a string",
    );
    expect(() => toSafetensors({ w: { shape: [1], data: [1e39] } }, { dtype: 'float32' })).toThrow(
      "'w' data[0] = 1e+39 is too large for float32",
    );
    expect(() => toSafetensors({ '\ud800': weight })).toThrow('is not valid Unicode');
    expect(() => toSafetensors({ w: weight }, { dtype: 'float16' as 'float32' })).toThrow(
      "dtype must be 'float64' or 'float32'",
    );
    // a misspelt option: the file was written as float64 without a word
    expect(() => toSafetensors({ w: weight }, { dtpye: 'float32' } as SafetensorsOptions)).toThrow(
      "toSafetensors: unknown option 'dtpye'; the options are dtype, metadata",
    );
    // a hole in the data is no number: it was written as NaN
    const holes = new Array<number>(3);
    holes[0] = 1;
    expect(() => toSafetensors({ w: { shape: [3], data: holes } })).toThrow(
      "'w' data[1] is undefined, not a number",
    );
  });

  test("a Linear's weight is stored [out, in], PyTorch's layout for nn.Linear", () => {
    const { state } = fromSafetensors(toSafetensors(new MLP([3, 5, 2], { seed: 1 }).stateDict()));
    expect(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.shape]))).toEqual({
      '0.weight': [5, 3],
      '0.bias': [5],
      '2.weight': [2, 5],
      '2.bias': [2],
    });
  });
});

describe('fromSafetensors refuses every malformed file', () => {
  const cases: [string, Uint8Array, string][] = [
    ['too short', new Uint8Array(7), '7 bytes is too short'],
    ['a header over the limit', file('{}', 0).fill(0xff, 0, 8), 'over the limit of 100000000'],
    [
      'a header past the end',
      (() => {
        const b = file('{}', 0);
        b[0] = 64;
        return b;
      })(),
      'runs past the end',
    ],
    ['a header that is not UTF-8', file('{"a":1}', 0).fill(0xff, 10, 11), 'not valid UTF-8'],
    ['bad JSON', file('{"a": ', 0), 'the header is not JSON'],
    ['a header that is a list', file('[]', 0), 'must be a JSON object'],
    [
      'an unknown dtype',
      file({ a: tensor('F16', [1], [0, 2]) }, 2),
      "dtype the string \"F16\"; chainrule reads 'F64' and 'F32'",
    ],
    ['an integer dtype', file({ a: tensor('I64', [1], [0, 8]) }, 8), 'dtype the string "I64"'],
    [
      'a negative dimension',
      file({ a: tensor('F64', [-1], [0, 8]) }, 8),
      'shape must be a list of integers >= 0, got [-1]',
    ],
    [
      'a fractional dimension',
      file({ a: tensor('F64', [1.5], [0, 8]) }, 8),
      'shape must be a list of integers >= 0, got [1.5]',
    ],
    ['three offsets', file({ a: tensor('F64', [1], [0, 8, 8]) }, 8), 'data_offsets must be [begin, end]'],
    ['offsets ending before they begin', file({ a: tensor('F64', [0], [8, 0]) }, 8), 'end before they begin'],
    ['a byte length the shape does not need', file({ a: tensor('F64', [2], [0, 8]) }, 8), 'takes 16 bytes'],
    [
      'overlapping tensors',
      file({ a: tensor('F64', [1], [0, 8]), b: tensor('F64', [2], [0, 16]) }, 16),
      'an overlap in the data',
    ],
    ['a gap before a tensor', file({ a: tensor('F64', [1], [8, 16]) }, 16), "'a' starts at byte 8"],
    [
      'a range past the data',
      file({ a: tensor('F64', [2], [0, 16]) }, 8),
      "'a' ends at byte 16, past the 8 bytes",
    ],
    [
      'bytes no tensor covers',
      file({ a: tensor('F64', [1], [0, 8]) }, 12),
      'cover 8 bytes but the data holds 12',
    ],
    [
      'an unknown field',
      file({ a: { ...tensor('F64', [1], [0, 8]), stride: [1] } }, 8),
      "unknown field 'stride'",
    ],
    [
      'metadata that is not strings',
      file({ __metadata__: { n: 1 } }, 0),
      "'__metadata__' field 'n' must be a string",
    ],
    [
      'an entry that is not an object',
      file({ a: 3 }, 0),
      "'a' must be an object { dtype, shape, data_offsets }",
    ],
    // the reference reads dimensions and offsets as unsigned integers: it refuses these spellings
    ...['8.0', '8e0', '0.8e1', '80E-1'].map((n): [string, Uint8Array, string] => [
      `an offset written ${n}`,
      file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,${n}]}}`, 8),
      `the number ${n}, where the format has unsigned integers only`,
    ]),
    [
      'a dimension written -0',
      file('{"a":{"dtype":"F64","shape":[-0],"data_offsets":[0,0]}}', 0),
      'the number -0, where the format has unsigned integers only',
    ],
  ];
  test.each(cases)('%s', (_, bytes, message) => {
    expect(() => fromSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => fromSafetensors(bytes)).toThrow(message);
  });

  test('accepts what the reference accepts: tensors in any order, empty ones, null metadata', () => {
    const bytes = file(
      {
        __metadata__: null,
        b: tensor('F32', [1], [8, 12]),
        e: tensor('F64', [0, 3], [8, 8]),
        a: tensor('F64', [1], [0, 8]),
      },
      12,
    );
    expect(Object.keys(fromSafetensors(bytes).state).sort()).toEqual(['a', 'b', 'e']);
    expect(fromSafetensors(file({}, 0))).toEqual({ state: {}, metadata: {} });
  });

  test('the header limit is the reference’s', () => {
    expect(SAFETENSORS_MAX_HEADER).toBe(100_000_000);
  });
});

describe('fromSafetensors under fuzzing', () => {
  const model = () => new MLP([3, 4, 2], { seed: 1 });
  const good = toSafetensors(model().stateDict(), { metadata: { note: 'fuzz' } });

  /** Loads `bytes` into a fresh model: either all of it, consistent, or a refusal that changed nothing. */
  function loadOrRefuse(bytes: Uint8Array): 'loaded' | 'refused' {
    const target = model();
    const before = JSON.stringify(target.stateDict());
    try {
      target.loadStateDict(fromSafetensors(bytes).state);
      return 'loaded';
    } catch (e) {
      expect((e as Error).name).toMatch(/^(SafetensorsError|StateDictError)$/);
      expect(JSON.stringify(target.stateDict())).toBe(before);
      return 'refused';
    }
  }

  test('every truncation is refused', () => {
    for (let length = 0; length < good.length; length++) {
      expect(() => fromSafetensors(good.subarray(0, length)), `length ${length}`).toThrow(SafetensorsError);
    }
  });

  test('a flipped bit is refused without a change, or loads a file that is still consistent', () => {
    fc.assert(
      fc.property(fc.nat({ max: good.length * 8 - 1 }), (bit) => {
        const bytes = good.slice();
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        // a flip in the data is a different number, which safetensors has no checksum to catch
        const outcome = loadOrRefuse(bytes);
        if (bit < 64) expect(outcome).toBe('refused');
      }),
      { numRuns: 2000 },
    );
  });

  test('any header length but the true one is refused', () => {
    const n = new DataView(good.buffer).getBigUint64(0, true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (length) => {
        fc.pre(length !== n);
        const bytes = good.slice();
        new DataView(bytes.buffer).setBigUint64(0, length, true);
        expect(() => fromSafetensors(bytes)).toThrow(SafetensorsError);
      }),
    );
  });

  test('random offsets are accepted exactly when the ranges tile the data, each the size it needs', () => {
    const entry = fc.record({
      dtype: fc.constantFrom('F64', 'F32'),
      // no empty tensors here: the reference places those by their begin alone, which this oracle does not model
      size: fc.integer({ min: 1, max: 3 }),
      begin: fc.integer({ min: 0, max: 40 }),
      length: fc.integer({ min: 0, max: 24 }),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 4 }),
        fc.integer({ min: 0, max: 48 }),
        (entries, dataLength) => {
          const header = Object.fromEntries(
            entries.map((e, i) => [`t${i}`, tensor(e.dtype, [e.size], [e.begin, e.begin + e.length])]),
          );
          // the oracle: every data byte covered exactly once, every range the size of its tensor
          const covered = new Array<number>(dataLength).fill(0);
          let fits = entries.every((e) => e.length === e.size * (e.dtype === 'F64' ? 8 : 4));
          for (const e of entries) {
            for (let b = e.begin; b < e.begin + e.length; b++) {
              if (b < dataLength) covered[b]!++;
              else fits = false;
            }
          }
          fits &&= covered.every((c) => c === 1);
          const bytes = file(header, dataLength);
          if (fits) expect(Object.keys(fromSafetensors(bytes).state)).toHaveLength(entries.length);
          else expect(() => fromSafetensors(bytes)).toThrow(SafetensorsError);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('random headers with wrong dtypes, shapes or JSON are refused, never thrown as another error', () => {
    const value = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer({ min: -2, max: 20 }),
      fc.constant(null),
      fc.array(fc.integer({ min: -1, max: 20 }), { maxLength: 3 }),
    );
    const info = fc.record(
      {
        dtype: fc.oneof(fc.constantFrom('F64', 'F32', 'F16', 'BF16', 'I32', 'f64'), value),
        shape: value,
        data_offsets: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(info, value)),
        fc.nat({ max: 24 }),
        (h, d) => {
          fc.pre(Object.keys(h).length > 0);
          loadOrRefuse(file(h, d));
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(loadOrRefuse(file(text, 0))).toBe('refused');
      }),
    );
  });
});

/** Python with numpy, when this machine has it: an independent reader of our files. CI does not need it. */
const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!python)('a file read by Python with numpy', () => {
  test('holds the same names, shapes and numbers', () => {
    const state = new MLP([3, 4, 2], { seed: 7 }).stateDict();
    const dir = mkdtempSync(join(tmpdir(), 'chainrule-safetensors-'));
    writeFileSync(join(dir, 'f64.safetensors'), toSafetensors(state));
    writeFileSync(join(dir, 'f32.safetensors'), toSafetensors(state, { dtype: 'float32' }));
    const script = `
import json, struct, sys, numpy as np
out = {}
for name in ['f64', 'f32']:
    raw = open(sys.argv[1] + '/' + name + '.safetensors', 'rb').read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out[name] = {k: {'shape': v['shape'], 'data': np.frombuffer(body[v['data_offsets'][0]:v['data_offsets'][1]],
        dtype={'F64': '<f8', 'F32': '<f4'}[v['dtype']]).astype('<f8').tolist()} for k, v in header.items()}
print(json.dumps(out))
`;
    const run = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const read = JSON.parse(run.stdout) as Record<string, StateDict>;
    expect(read['f64']).toEqual(state);
    const rounded = Object.fromEntries(
      Object.entries(state).map(([k, e]) => [k, { shape: e.shape, data: e.data.map(Math.fround) }]),
    );
    expect(read['f32']).toEqual(rounded);
  });
});
