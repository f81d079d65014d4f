// Saving state to files, against what comes from outside the process or the model: the same file
// reached through a symlink, temp files of writers in other containers or hosts sharing the folder,
// and owner state that JSON cannot hold.

import { mkdtemp, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear } from '@chainrule/nn';
import { saveStateDict } from '@chainrule/nn/node';
import { describe, expect, test } from 'vitest';

const folder = () => mkdtemp(join(tmpdir(), 'chainrule-files-'));

/**
 * Saves a width×width Linear (seed 1) through `first`, then another (seed 2) through `real`, both
 * started before either finishes, and expects the second one's state in `real`.
 */
async function expectLastCallWins(first: string, real: string, width: number): Promise<void> {
  const saves = [saveStateDict(new Linear(width, width, { seed: 1 }), first)];
  saves.push(saveStateDict(new Linear(width, width, { seed: 2 }), real));
  await Promise.all(saves);
  expect(JSON.parse(await readFile(real, 'utf8'))).toEqual(new Linear(width, width, { seed: 2 }).stateDict());
}

describe('saves from elsewhere', () => {
  test('a save through a symlink and one through the real path queue together: the last call wins', async () => {
    const dir = await folder();
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    await writeFile(real, '{}');
    await symlink(real, link);
    for (let round = 0; round < 10; round++) await expectLastCallWins(link, real, 1);
  });

  test('so do a save through a dangling symlink and one through the file it will make', async () => {
    const dir = await folder();
    const real = join(dir, 'next.json');
    const link = join(dir, 'link.json');
    await symlink(real, link);
    await expectLastCallWins(link, real, 40);
  });

  test("another scope's temp (a container sharing the folder) is removed only once it is an hour old", async () => {
    const dir = await folder();
    const path = join(dir, 'model.json');
    // a writer this process cannot see: another scope (or an older version's name without one)
    const foreign = [
      '.model.json.00000000.2147483646.1.0123456789ab.tmp',
      '.model.json.2147483646.1.0123456789ab.tmp',
    ];
    for (const name of foreign) await writeFile(join(dir, name), 'half');
    await saveStateDict(new Linear(1, 1, { seed: 1 }), path);
    expect((await readdir(dir)).sort()).toEqual([...foreign, 'model.json'].sort());
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of foreign) await utimes(join(dir, name), twoHoursAgo, twoHoursAgo);
    await saveStateDict(new Linear(1, 1, { seed: 2 }), path);
    expect(await readdir(dir)).toEqual(['model.json']);
  });
});

describe('state JSON cannot hold', () => {
  test('a BigInt or a state that holds itself is refused in the op’s name, and the old file stays', async () => {
    const dir = await folder();
    const path = join(dir, 'owner.json');
    await writeFile(path, '{"old":true}');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    for (const state of [{ step: 3n }, cyclic]) {
      const owner = { stateDict: () => state, loadStateDict: () => {} };
      await expect(saveStateDict(owner, path)).rejects.toThrow(
        /^saveStateDict: the state cannot be written as JSON \(.+\); .*owner\.json was not written$/,
      );
      expect(await readFile(path, 'utf8')).toBe('{"old":true}');
    }
  });
});
