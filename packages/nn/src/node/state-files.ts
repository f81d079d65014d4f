// State dicts in files: JSON for any owner of state, safetensors for a model's parameters.

import { readFile } from 'node:fs/promises';
import { SafetensorsError, StateDictError } from '../errors.js';
import { fromSafetensors, type SafetensorsOptions, toSafetensors } from '../safetensors.js';
import { isPlainObject, type StateDict } from '../state-dict.js';
import { writeFileSafely } from './safe-write.js';

/**
 * Anything with a state dict: a Module, a ScalarMLP, an optimizer. `saveStateDict` and
 * `loadStateDictFile` take any of them.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
 * const optimizer = new Adam(model.parameters());
 * const owners: HasState[] = [model, optimizer];
 * ```
 */
export interface HasState {
  /**
   * The state as plain JSON-safe data.
   *
   * @example
   * ```ts
   * const owner: HasState = new Linear(2, 1);
   * Object.keys(JSON.parse(JSON.stringify(owner.stateDict()))); // ["weight", "bias"]
   * ```
   */
  stateDict(): unknown;
  /**
   * Restores state saved by `stateDict()`, checking it all first and changing nothing on refusal.
   *
   * @example
   * ```ts
   * const owner: HasState = new Linear(2, 1);
   * const text = JSON.stringify(owner.stateDict());
   * owner.loadStateDict(JSON.parse(text));
   * ```
   */
  loadStateDict(state: unknown): void;
}

/**
 * Writes `owner.stateDict()` to `path` as JSON, and resolves once the file is on disk. The state is
 * taken when you call, so training may go on at once; but await the promise (or keep it) before
 * relying on the file. The last good file is never lost: the JSON goes to a temp file of its own
 * beside the target, is flushed, and is renamed over the target; saves to one path run in call
 * order, so the last call's state is the one left; a symlink's target is written. A NaN or
 * infinite number is refused, naming where it is, and the old file stays (JSON cannot hold one;
 * `saveSafetensors` can).
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { saveStateDict } from '@chainrule/nn/node';
 * const model = new Linear(2, 1);
 * await saveStateDict(model, `${tmpdir()}/moons.json`);
 * ```
 */
export async function saveStateDict(owner: HasState, path: string): Promise<void> {
  const state = owner.stateDict();
  let bad: ReturnType<typeof findNonFinite>;
  let text: string;
  try {
    bad = findNonFinite(state);
    text = bad === null ? toJson(state) : '';
  } catch (e) {
    // a BigInt, or a state that holds itself (too deep to walk)
    throw new TypeError(
      `saveStateDict: the state cannot be written as JSON (${(e as Error).message}); ${path} was not written`,
      { cause: e },
    );
  }
  if (bad !== null) {
    throw new RangeError(
      `saveStateDict: ${bad.where} is ${bad.value}, which JSON cannot hold (saveSafetensors can); ${path} was not written`,
    );
  }
  await writeFileSafely('saveStateDict', path, `${text}\n`);
}

/**
 * Reads JSON from `path` and loads it with `owner.loadStateDict`, which checks everything and
 * changes nothing when it refuses. Every error names the path; a UTF-8 byte-order mark is skipped.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { loadStateDictFile, saveStateDict } from '@chainrule/nn/node';
 * const model = new Linear(2, 1);
 * await saveStateDict(model, `${tmpdir()}/moons.json`);
 * await loadStateDictFile(new Linear(2, 1), `${tmpdir()}/moons.json`);
 * ```
 */
export async function loadStateDictFile(owner: HasState, path: string): Promise<void> {
  const op = 'loadStateDictFile';
  // a byte-order mark, as some Windows editors write, is not part of the JSON: the decoder drops it
  const text = new TextDecoder().decode(await read(op, path));
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`${op}: ${path} is not JSON: ${(e as Error).message}`);
  }
  loadNaming(op, path, () => owner.loadStateDict(state));
}

/**
 * Writes a model's state dict to `path` as safetensors (see `toSafetensors`), through the same safe
 * path as `saveStateDict`: the state is taken when you call, the promise resolves once the file is
 * on disk, and the last good file is never lost. Non-finite numbers are stored as they are.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { saveSafetensors } from '@chainrule/nn/node';
 * const model = new Linear(2, 1, { seed: 1 });
 * await saveSafetensors(model, `${tmpdir()}/linear.safetensors`, { metadata: { note: 'demo' } });
 * ```
 */
export async function saveSafetensors(
  owner: { stateDict(): StateDict },
  path: string,
  options: SafetensorsOptions = {},
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = toSafetensors(owner.stateDict(), options);
  } catch (e) {
    throw renamed(e, `saveSafetensors: ${path} was not written: `);
  }
  await writeFileSafely('saveSafetensors', path, bytes);
}

/**
 * Reads a safetensors file (see `fromSafetensors`) and loads it with `owner.loadStateDict`; returns
 * the header's `__metadata__`. Everything is checked before anything changes, and every error names
 * the path.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { loadSafetensors, saveSafetensors } from '@chainrule/nn/node';
 * const model = new Linear(2, 1, { seed: 1 });
 * await saveSafetensors(model, `${tmpdir()}/linear.safetensors`, { metadata: { note: 'demo' } });
 * const copy = new Linear(2, 1, { seed: 2 });
 * await loadSafetensors(copy, `${tmpdir()}/linear.safetensors`); // {"note": "demo"}
 * ```
 */
export async function loadSafetensors(
  owner: { loadStateDict(state: unknown): void },
  path: string,
): Promise<Record<string, string>> {
  const op = 'loadSafetensors';
  const bytes = await read(op, path);
  let contents: ReturnType<typeof fromSafetensors>;
  try {
    contents = fromSafetensors(bytes);
  } catch (e) {
    throw renamed(e, `${op}: ${path}: `);
  }
  loadNaming(op, path, () => owner.loadStateDict(contents.state));
  return contents.metadata;
}

async function read(op: string, path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    throw Object.assign(new Error(`${op}: cannot read ${path}: ${error.message}`, { cause: e }), {
      code: error.code,
    });
  }
  return bytes;
}

/** Runs a `loadStateDict`, its refusal reworded to name the file. */
function loadNaming(op: string, path: string, load: () => void): void {
  try {
    load();
  } catch (e) {
    if (e instanceof StateDictError) throw new StateDictError(`${op}: ${path}: ${e.op}`, e.problems);
    throw e;
  }
}

/** The same error, its message prefixed: a SafetensorsError or TypeError stays one. */
function renamed(e: unknown, prefix: string): unknown {
  if (!(e instanceof Error)) return e;
  const Kind = e instanceof SafetensorsError ? SafetensorsError : e instanceof TypeError ? TypeError : Error;
  return new Kind(`${prefix}${e.message}`, { cause: e });
}

/**
 * `JSON.stringify(x)`, but with -0 written as `-0` (JSON.stringify writes `0`; JSON.parse reads `-0`
 * back), so the file keeps every bit of every number. Plain data only: arrays, plain objects,
 * strings, numbers, booleans and null; anything else is written as JSON.stringify writes it.
 */
function toJson(x: unknown): string {
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.map((v) => (v === undefined ? 'null' : toJson(v))).join(',')}]`;
  if (isPlainObject(x)) {
    const fields = Object.entries(x).filter(([, v]) => v !== undefined && typeof v !== 'function');
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

/** The first NaN or ±Infinity in plain data, and where: `'0.weight'.data[3]`, `params[1].expAvg[0]`. */
function findNonFinite(x: unknown, where = ''): { where: string; value: number } | null {
  if (typeof x === 'number') return Number.isFinite(x) ? null : { where, value: x };
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const found = findNonFinite(x[i], `${where}[${i}]`);
      if (found !== null) return found;
    }
  } else if (typeof x === 'object' && x !== null) {
    for (const [key, value] of Object.entries(x)) {
      const found = findNonFinite(value, where === '' ? `'${key}'` : `${where}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}
