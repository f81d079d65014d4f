// Saving state to files never loses the last good file: concurrent saves, saves from onEpoch, a kill
// mid-save, failures, symlinks, folders, byte-order marks and non-finite numbers.

import { execFileSync, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  realpath,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '@chainrule/engine';
import {
  Adam,
  fit,
  fromArchitecture,
  fromSafetensors,
  Linear,
  mseLoss,
  SafetensorsError,
  StateDictError,
} from '@chainrule/nn';
import { loadSafetensors, loadStateDictFile, saveSafetensors, saveStateDict } from '@chainrule/nn/node';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { moonsArchitecture } from './support/moons.js';

const folder = () => mkdtemp(join(tmpdir(), 'chainrule-files-'));

describe('saves to one path', () => {
  test('20 concurrent saves leave a valid file holding the last call’s state, and no temp files', async () => {
    const dir = await folder();
    const path = join(dir, 'model.json');
    const models = Array.from({ length: 20 }, (_, i) => fromArchitecture(moonsArchitecture, { seed: i + 1 }));
    await Promise.all(models.map((m) => saveStateDict(m, path)));
    const loaded = fromArchitecture(moonsArchitecture, { seed: 99 });
    await loadStateDictFile(loaded, path);
    expect(loaded.stateDict()).toEqual(models[19]!.stateDict());
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  test('20 concurrent safetensors saves do the same', async () => {
    const dir = await folder();
    const path = join(dir, 'model.safetensors');
    const models = Array.from({ length: 20 }, (_, i) => new Linear(30, 20, { seed: i + 1 }));
    await Promise.all(models.map((m, i) => saveSafetensors(m, path, { metadata: { i: String(i) } })));
    expect(await loadSafetensors(new Linear(30, 20), path)).toEqual({ i: '19' });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  test("a checkpoint saved from fit's synchronous onEpoch without await holds the last epoch's state", async () => {
    const dir = await folder();
    const path = join(dir, 'checkpoint.json');
    const model = fromArchitecture(moonsArchitecture, { seed: 1 });
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const pending: Promise<void>[] = [];
    fit(model, {
      x: tensor([
        [0, 1],
        [1, 0],
        [1, 1],
      ]),
      y: tensor([[1], [0], [1]]),
      loss: mseLoss,
      optimizer,
      epochs: 30,
      // the natural pattern: fire and forget; the promises are kept only so that the test can wait
      onEpoch: () => {
        pending.push(saveStateDict(model, path));
      },
    });
    await Promise.all(pending);
    const loaded = fromArchitecture(moonsArchitecture, { seed: 2 });
    await loadStateDictFile(loaded, path);
    expect(loaded.stateDict()).toEqual(model.stateDict());
  });

  test('the state is taken at the call: a change made while the write is pending is not saved', async () => {
    const path = join(await folder(), 'model.json');
    const model = new Linear(2, 1, { seed: 1 });
    const saved = model.stateDict();
    const done = saveStateDict(model, path);
    model.weight.data.fill(7);
    await done;
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(saved);
  });
});

describe('a killed save', () => {
  const child = fileURLToPath(new URL('./support/save-then-hang.ts', import.meta.url));
  const repo = fileURLToPath(new URL('../../..', import.meta.url));

  test.each(['json', 'safetensors'])(
    'a %s save SIGKILLed half-way leaves the old file intact; the next save removes its temp',
    async (format) => {
      const dir = await folder();
      const path = join(dir, `model.${format}`);
      const old = new Linear(200, 100, { seed: 1 });
      const save = format === 'json' ? saveStateDict : saveSafetensors;
      const load = format === 'json' ? loadStateDictFile : loadSafetensors;
      await save(old, path);
      const before = await readFile(path);

      const proc = spawn(
        process.execPath,
        ['--conditions=@chainrule/source', '--import', 'tsx', child, path, format],
        { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let errors = '';
      proc.stderr.on('data', (d) => {
        errors += String(d);
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        proc.on('exit', (_, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d) => String(d).includes('half written') && resolve());
        proc.on('exit', () => reject(new Error(`the child exited before writing: ${errors}`)));
      });
      // the temp file is there, half written, when the kill lands
      const temps = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
      expect(temps).toHaveLength(1);
      proc.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      expect(await readFile(path)).toEqual(before);
      const loaded = new Linear(200, 100, { seed: 2 });
      await load(loaded, path);
      expect(loaded.stateDict()).toEqual(old.stateDict());

      await save(new Linear(200, 100, { seed: 4 }), path);
      expect(await readdir(dir)).toEqual([`model.${format}`]);
    },
  );
});

describe('failures name the path, leave the old file and remove the temp', () => {
  test('a folder where the file should be', async () => {
    const dir = await folder();
    const path = join(dir, 'model.json');
    await mkdir(path);
    await expect(saveStateDict(new Linear(2, 1), path)).rejects.toThrow(
      `saveStateDict: cannot write ${path}: EISDIR`,
    );
    await expect(loadStateDictFile(new Linear(2, 1), path)).rejects.toThrow(
      `loadStateDictFile: cannot read ${path}: EISDIR`,
    );
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  test('a missing folder, and a missing file', async () => {
    const path = join(await folder(), 'no', 'model.safetensors');
    await expect(saveSafetensors(new Linear(2, 1), path)).rejects.toThrow(
      `saveSafetensors: cannot write ${path}: ENOENT`,
    );
    await expect(loadSafetensors(new Linear(2, 1), path)).rejects.toThrow(
      `loadSafetensors: cannot read ${path}: ENOENT`,
    );
  });

  test('a write that fails half-way', async () => {
    const dir = await folder();
    const path = join(dir, 'model.json');
    const model = new Linear(2, 1, { seed: 1 });
    await saveStateDict(model, path);
    const before = await readFile(path, 'utf8');
    const probe = await open(path, 'r');
    const proto = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = proto.sync;
    proto.sync = () =>
      Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    try {
      await expect(saveStateDict(new Linear(2, 1, { seed: 2 }), path)).rejects.toThrow(
        `saveStateDict: cannot write ${path}: ENOSPC`,
      );
    } finally {
      proto.sync = sync;
    }
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  test('a file that does not fit the model names the path, and changes nothing', async () => {
    const dir = await folder();
    const model = new Linear(3, 2, { seed: 1 });
    const before = model.stateDict();
    await saveSafetensors(new Linear(2, 2), join(dir, 'small.safetensors'));
    await expect(loadSafetensors(model, join(dir, 'small.safetensors'))).rejects.toThrow(
      `loadSafetensors: ${join(dir, 'small.safetensors')}: Linear.loadStateDict: refused, nothing was changed: 'weight' has shape [2,2], expected [2,3]`,
    );
    await writeFile(join(dir, 'bad.safetensors'), new Uint8Array(4));
    const refusal = loadSafetensors(model, join(dir, 'bad.safetensors'));
    await expect(refusal).rejects.toThrow(SafetensorsError);
    await expect(refusal).rejects.toThrow(
      `loadSafetensors: ${join(dir, 'bad.safetensors')}: fromSafetensors:`,
    );
    await writeFile(join(dir, 'other.json'), '{"w": {"shape": [1], "data": [1]}}');
    await expect(loadStateDictFile(model, join(dir, 'other.json'))).rejects.toThrow(StateDictError);
    expect(model.stateDict()).toEqual(before);
  });
});

describe('paths and text', () => {
  test("a save through a symlink writes the link's target and keeps the link", async () => {
    const dir = await folder();
    await mkdir(join(dir, 'real'));
    const target = join(dir, 'real', 'model.json');
    const link = join(dir, 'latest.json');
    await writeFile(target, '{}');
    await symlink(target, link);
    const model = new Linear(2, 1, { seed: 1 });
    await saveStateDict(model, link);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(target, 'utf8'))).toEqual(model.stateDict());
    // a link to a file that does not exist yet: the file is made where the link points
    const dangling = join(dir, 'next.safetensors');
    await symlink(join(dir, 'real', 'next.safetensors'), dangling);
    await saveSafetensors(model, dangling);
    expect((await lstat(dangling)).isSymbolicLink()).toBe(true);
    expect(await realpath(dangling)).toBe(await realpath(join(dir, 'real', 'next.safetensors')));
    expect(await readdir(join(dir, 'real'))).toEqual(['model.json', 'next.safetensors']);
  });

  test('a file name near the 255-byte limit saves: the temp name does not run over it', async () => {
    const dir = await folder();
    const model = new Linear(2, 1, { seed: 1 });
    // 255 bytes of ASCII, and 251 bytes of 4-byte characters and a suffix: each a valid name
    for (const name of [`${'a'.repeat(250)}.json`, `${'🙂'.repeat(61)}.json`, 'my model ñ 模型.json']) {
      const path = join(dir, name);
      await saveStateDict(model, path);
      await saveSafetensors(model, `${path.slice(0, -5)}.st`);
      const loaded = new Linear(2, 1, { seed: 2 });
      await loadStateDictFile(loaded, path);
      expect(loaded.stateDict()).toEqual(model.stateDict());
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('a path ending in a separator names a folder: refused, not saved as the file before it', async () => {
    const dir = await folder();
    const path = `${join(dir, 'model.json')}/`;
    await expect(saveStateDict(new Linear(2, 1), path)).rejects.toThrow(
      `saveStateDict: cannot write ${path}`,
    );
    await expect(saveStateDict(new Linear(2, 1), path)).rejects.toThrow('names a folder');
    expect(await readdir(dir)).toEqual([]);
  });

  test.skipIf(process.platform === 'win32')(
    'a named pipe (as a device such as /dev/null) is written in place, not replaced by a plain file',
    async () => {
      const dir = await folder();
      const pipe = join(dir, 'pipe');
      execFileSync('mkfifo', [pipe]);
      const model = new Linear(2, 1, { seed: 1 });
      // a reader that does not block: the save's open finds it, and the bytes wait in the pipe
      const reader = await open(pipe, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        await saveStateDict(model, pipe);
        expect((await lstat(pipe)).isFIFO()).toBe(true);
        const { buffer, bytesRead } = await reader.read(Buffer.alloc(1 << 16), 0, 1 << 16, null);
        expect(JSON.parse(buffer.subarray(0, bytesRead).toString('utf8'))).toEqual(model.stateDict());
      } finally {
        await reader.close();
      }
      expect(await readdir(dir)).toEqual(['pipe']);
    },
  );

  test('a JSON file that starts with a UTF-8 byte-order mark loads', async () => {
    const path = join(await folder(), 'bom.json');
    const model = new Linear(2, 1, { seed: 1 });
    await writeFile(path, `\ufeff${JSON.stringify(model.stateDict())}`, 'utf8');
    const loaded = new Linear(2, 1, { seed: 2 });
    await loadStateDictFile(loaded, path);
    expect(loaded.stateDict()).toEqual(model.stateDict());
  });
});

describe('JSON keeps every bit', () => {
  test('-0 in a parameter and in an optimizer buffer survives saveStateDict and loadStateDictFile', async () => {
    // JSON.stringify writes -0 as 0; JSON.parse reads -0 back, so the file can hold it
    const dir = await folder();
    const model = new Linear(3, 2, { seed: 1 });
    const optimizer = new Adam(model.parameters(), { lr: 0.1 });
    model
      .forward(tensor([[1, 2, 3]]))
      .sum()
      .backward();
    optimizer.step();
    model.weight.data[1] = -0;
    model.bias!.data[0] = -0;
    const state = optimizer.stateDict();
    (state.params[0] as Record<string, number[]>)['expAvg']![2] = -0;
    await saveStateDict(model, join(dir, 'model.json'));
    await saveStateDict({ stateDict: () => state, loadStateDict: () => {} }, join(dir, 'adam.json'));
    const loaded = new Linear(3, 2, { seed: 2 });
    await loadStateDictFile(loaded, join(dir, 'model.json'));
    expect(Object.is(loaded.weight.data[1], -0)).toBe(true);
    expect(Object.is(loaded.bias!.data[0], -0)).toBe(true);
    expect([...loaded.weight.data].map((v) => Object.is(v, -0))).toEqual(
      [...model.weight.data].map((v) => Object.is(v, -0)),
    );
    const resumed = new Adam(loaded.parameters(), { lr: 0.1 });
    await loadStateDictFile(resumed, join(dir, 'adam.json'));
    const expAvg = (resumed.stateDict().params[0] as Record<string, number[]>)['expAvg']!;
    expect(Object.is(expAvg[2], -0)).toBe(true);
    expect(resumed.stateDict()).toEqual(state);
  });

  test('any JSON value an owner returns is written so that JSON.parse gives it back, -0 included', async () => {
    const path = join(await folder(), 'state.json');
    const number = fc.oneof(fc.constant(-0), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const state = fc.dictionary(
      fc.string(),
      fc.record({ shape: fc.array(fc.nat()), data: fc.array(number) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.jsonValue(), state), async (value) => {
        await saveStateDict({ stateDict: () => value, loadStateDict: () => {} }, path);
        expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(value);
      }),
      { numRuns: 40 },
    );
  });
});

describe('non-finite parameters', () => {
  test('JSON refuses them, naming the key and index, and the old file stays', async () => {
    const path = join(await folder(), 'model.json');
    const model = new Linear(3, 2, { seed: 1 });
    await saveStateDict(model, path);
    const before = await readFile(path, 'utf8');
    model.weight.data[4] = Number.NaN;
    await expect(saveStateDict(model, path)).rejects.toThrow(
      `saveStateDict: 'weight'.data[4] is NaN, which JSON cannot hold (saveSafetensors can); ${path} was not written`,
    );
    model.weight.data[4] = 0;
    model.bias!.data[1] = -Infinity;
    await expect(saveStateDict(model, path)).rejects.toThrow("'bias'.data[1] is -Infinity");
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  test('safetensors stores them', async () => {
    const path = join(await folder(), 'model.safetensors');
    const model = new Linear(3, 2, { seed: 1 });
    model.weight.data[4] = Number.NaN;
    model.bias!.data[1] = -Infinity;
    await saveSafetensors(model, path);
    const { state } = fromSafetensors(await readFile(path));
    expect(state['weight']!.data[4]).toBeNaN();
    expect(state['bias']!.data[1]).toBe(-Infinity);
    expect(state['weight']!.data.filter(Number.isFinite)).toHaveLength(5);
  });
});
