// Writing a file so that the last good copy is never lost: a unique temp file, flushed, renamed over the target.

import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Saves to one path run one after another, in call order, so the last call's file is the one left. */
const queues = new Map<string, Promise<void>>();
let counter = 0;
const encoder = new TextEncoder();

/**
 * @internal Writes `data` to `path` without ever leaving a partial file there: the bytes go to a
 * temp file beside the target (named by process, counter and random suffix, so no two saves share
 * one), are flushed to disk, and the temp is renamed over the target; the folder is then flushed so
 * the rename survives a power cut. Saves to one path in this process run in call order. A symlink's
 * target is written and the link kept. On any failure the temp is removed and the error names `path`.
 * `data` is taken now: the caller may change its model while the write is pending.
 */
export function writeFileSafely(op: string, path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  // the file this save writes, resolved now: saves through a symlink (dangling too) or a linked
  // folder and saves through the real path share one queue, in call order
  let target: string;
  try {
    target = resolveTarget(path);
  } catch (e) {
    return Promise.reject(failure(op, path, path, e));
  }
  const previous = queues.get(target) ?? Promise.resolve();
  // a failed earlier save does not stop this one: its caller has its own rejection
  const next = previous.then(
    () => writeNow(op, path, target, bytes),
    () => writeNow(op, path, target, bytes),
  );
  queues.set(target, next);
  const forget = () => {
    if (queues.get(target) === next) queues.delete(target);
  };
  next.then(forget, forget);
  return next;
}

/** The error of a failed save: the op, the path (and the file it names, where that differs) and the cause. */
function failure(op: string, path: string, target: string, e: unknown): Error {
  const error = e as NodeJS.ErrnoException;
  const shown = target === path ? path : `${path} (→ ${target})`;
  return Object.assign(new Error(`${op}: cannot write ${shown}: ${error.message}`, { cause: e }), {
    code: error.code,
  });
}

async function writeNow(op: string, path: string, target: string, bytes: Uint8Array): Promise<void> {
  let temp: string | null = null;
  try {
    const existing = await stat(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (existing?.isDirectory()) {
      throw Object.assign(new Error('EISDIR: the path is a directory'), { code: 'EISDIR' });
    }
    if (endsInSeparator(path)) {
      // resolve() drops the separator, which would write `model.json/` as the file `model.json`
      throw Object.assign(new Error('EISDIR: the path ends in a separator, so it names a folder'), {
        code: 'EISDIR',
      });
    }
    if (existing !== null && !existing.isFile()) {
      // a pipe, a device such as /dev/null, a socket: no temp can stand in for one, and a rename
      // would replace it with a plain file; it is written in place, as writeFile would
      await writeFile(target, bytes);
      return;
    }
    const folder = dirname(target);
    await removeStaleTemps(folder, basename(target));
    temp = join(folder, tempName(basename(target)));
    const file = await open(temp, 'wx', existing === null ? 0o666 : existing.mode & 0o7777);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
    temp = null;
    await syncFolder(folder);
  } catch (e) {
    if (temp !== null) await unlink(temp).catch(() => {});
    throw failure(op, path, target, e);
  }
}

/**
 * Which process ids this process can see: a hash of the host's name and, on Linux, the process-id
 * namespace. A temp file names its writer's scope and process id; whether that process still runs
 * can be asked only within the same scope (a container sharing the folder has ids of its own).
 */
const SCOPE = (() => {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {}
  return createHash('sha256').update(`${hostname()}\0${namespace}`).digest('hex').slice(0, 8);
})();

/** How old a temp file from another scope must be before a save removes it: its writer is surely gone. */
const FOREIGN_TEMP_MS = 60 * 60 * 1000;

/** The temp file's name: hidden, and unique to this scope, this process, this call and a random draw. */
function tempName(base: string): string {
  return `.${tempBase(base)}.${SCOPE}.${process.pid}.${++counter}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * The part of a temp file's name taken from the target's: the first 200 bytes of its UTF-8, whole
 * characters only, so that a target name near the 255-byte limit of most file systems still leaves
 * room for the temp's dot, process id, counter, random suffix and extension.
 */
function tempBase(base: string): string {
  let bytes = 0;
  let out = '';
  for (const char of base) {
    bytes += encoder.encode(char).length;
    if (bytes > 200) break;
    out += char;
  }
  return out;
}

function endsInSeparator(path: string): boolean {
  return path.endsWith('/') || (process.platform === 'win32' && path.endsWith('\\'));
}

/** What follows the target's part of a temp file's name: the writer's scope (absent in older versions' names) and process id. */
const TEMP_TAIL = /^(?:([0-9a-f]{8})\.)?(\d+)\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes temp files of `base` left by a process that no longer runs (one killed mid-save): a live
 * process's temps, this one's included, are left alone. Whether a process runs is asked only of this
 * scope's processes; a temp from another scope (another container or host sharing the folder, or an
 * older version's name without a scope) is removed only once it is an hour old.
 */
async function removeStaleTemps(folder: string, base: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const prefix = `.${tempBase(base)}.`;
  for (const name of names) {
    const m = name.startsWith(prefix) ? TEMP_TAIL.exec(name.slice(prefix.length)) : null;
    if (m === null) continue;
    const path = join(folder, name);
    if (m[1] === SCOPE) {
      const pid = Number(m[2]);
      if (pid === process.pid || isRunning(pid)) continue;
    } else {
      const modified = await stat(path).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - modified < FOREIGN_TEMP_MS) continue;
    }
    await unlink(path).catch(() => {});
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The real file `path` names: symlinks followed (a dangling one too), the folder's links resolved. */
function resolveTarget(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    // the file does not exist yet, or is a link to a file that does not
    const link = lstatIfAny(current);
    if (link?.isSymbolicLink()) {
      current = resolve(dirname(current), readlinkSync(current));
      continue;
    }
    return join(realpathSync(dirname(current)), basename(current));
  }
  throw Object.assign(new Error('ELOOP: too many symbolic links'), { code: 'ELOOP' });
}

/** `lstat` of `path`, or null where there is nothing there. */
function lstatIfAny(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** Flushes a folder's entries (the rename) to disk; a platform that cannot open folders skips it. */
async function syncFolder(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await handle?.close();
  }
}
