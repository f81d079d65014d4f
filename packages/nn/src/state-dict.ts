// State dicts: a model's parameters as plain JSON-safe data, and the checks that loading one passes.

import { StateDictError } from './errors.js';

/** One saved parameter: its shape and its elements in row-major order, plain numbers. */
export interface StateEntry {
  shape: number[];
  data: number[];
}

/**
 * A model's parameters by name, as plain data that `JSON.stringify` writes and `JSON.parse` reads back
 * exactly (float64 numbers survive the round trip bit for bit, but for -0, which `JSON.stringify`
 * writes as 0; `saveStateDict` writes `-0`).
 */
export type StateDict = Record<string, StateEntry>;

/** @internal Where one named parameter lives, and how to read and write its elements. */
export interface StateSlot {
  readonly name: string;
  readonly shape: readonly number[];
  read(): number[];
  /** Writes checked elements, a copy taken during validation. */
  write(data: Float64Array): void;
}

/** @internal Whether `x` is an object literal or a null-prototype object (not an array, class or proxy of one). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** @internal Whether `x` is an ordinary array (no subclass). */
function isPlainArray(x: unknown): x is unknown[] {
  return Array.isArray(x) && Object.getPrototypeOf(x) === Array.prototype;
}

/**
 * @internal The own keys of a plain object, with a problem added for anything that is not plain data:
 * symbol keys, accessors, and `__proto__` (which `JSON.parse` creates as an own key, and which a
 * careless `target[key] = …` would turn into a prototype change).
 */
export function plainKeys(x: Record<string, unknown>, where: string, problems: string[]): string[] {
  const keys: string[] = [];
  for (const key of Reflect.ownKeys(x)) {
    if (typeof key === 'symbol') {
      problems.push(`${where}has a symbol key ${String(key)}`);
      continue;
    }
    const descriptor = Object.getOwnPropertyDescriptor(x, key)!;
    if (key === '__proto__') problems.push(`${where}has a key '__proto__', which is not allowed`);
    else if (!('value' in descriptor)) problems.push(`${where}key '${key}' is an accessor, not plain data`);
    else keys.push(key);
  }
  return keys;
}

/**
 * @internal The elements of a plain array, each read once from its property descriptor, or null with
 * a problem naming `what` when `x` is not a plain array or an element is an accessor or a hole. A
 * getter is never called, and later checks and writes use this copy, so an array that changes
 * between two reads cannot pass validation with one value and be written with another.
 */
export function plainItems(x: unknown, what: string, problems: string[]): unknown[] | null {
  if (!isPlainArray(x)) return null;
  const length = x.length;
  const out: unknown[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const descriptor = Object.getOwnPropertyDescriptor(x, i);
    if (descriptor === undefined) {
      problems.push(`${what}[${i}] is missing (a hole in the array)`);
      return null;
    }
    if (!('value' in descriptor)) {
      problems.push(`${what}[${i}] is an accessor, not plain data`);
      return null;
    }
    out[i] = descriptor.value;
  }
  return out;
}

/**
 * @internal Reads `x` as a plain array of `length` finite numbers, each element read exactly once,
 * into a fresh Float64Array; adds a problem naming `what` and returns null otherwise. Write from the
 * returned copy, never from `x`.
 */
export function readNumbers(
  x: unknown,
  length: number,
  what: string,
  problems: string[],
): Float64Array | null {
  if (!isPlainArray(x)) {
    problems.push(`${what} must be an array of numbers, got ${describeShort(x)}`);
    return null;
  }
  if (x.length !== length) {
    problems.push(`${what} has ${x.length} numbers, expected ${length}`);
    return null;
  }
  const items = plainItems(x, what, problems);
  if (items === null) return null;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = items[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push(`${what}[${i}] must be a finite number, got ${describeShort(v)}`);
      return null;
    }
    out[i] = v;
  }
  return out;
}

function describeShort(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  return typeof x;
}

function formatShape(shape: readonly unknown[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : describeShort(d))).join(',')}]`;
}

/** @internal The state dict of `slots`: fresh arrays, so later training does not change it. */
export function readState(slots: readonly StateSlot[]): StateDict {
  const out: StateDict = {};
  for (const slot of slots) out[slot.name] = { shape: [...slot.shape], data: slot.read() };
  return out;
}

/**
 * @internal Checks `input` against `slots` completely (every key, every shape, every number) and only
 * then writes it; on any problem it throws a StateDictError listing them all and writes nothing.
 */
export function loadState(op: string, slots: readonly StateSlot[], input: unknown): void {
  const problems: string[] = [];
  if (!isPlainObject(input)) {
    throw new StateDictError(op, [`expected a plain object of named entries, got ${describeShort(input)}`]);
  }
  const byName = new Map(slots.map((slot) => [slot.name, slot]));
  const keys = plainKeys(input, '', problems);
  const present = new Set(keys);
  for (const key of keys) if (!byName.has(key)) problems.push(`unknown key '${key}'`);
  for (const slot of slots) if (!present.has(slot.name)) problems.push(`missing key '${slot.name}'`);
  const writes: [StateSlot, Float64Array][] = [];
  for (const key of keys) {
    const slot = byName.get(key);
    if (slot === undefined) continue;
    const entry = input[key];
    const where = `'${key}'`;
    if (!isPlainObject(entry)) {
      problems.push(`${where} must be an object { shape, data }, got ${describeShort(entry)}`);
      continue;
    }
    const entryKeys = plainKeys(entry, `${where} `, problems);
    for (const k of entryKeys)
      if (k !== 'shape' && k !== 'data') problems.push(`${where} has an unknown field '${k}'`);
    // Read only the fields that passed as plain data: an accessor is never called.
    const shapeField = entryKeys.includes('shape') ? entry['shape'] : undefined;
    const data = entryKeys.includes('data') ? entry['data'] : undefined;
    const expected = formatShape(slot.shape);
    if (!isPlainArray(shapeField)) {
      problems.push(`${where} shape must be an array, got ${describeShort(shapeField)}`);
      continue;
    }
    const shape = plainItems(shapeField, `${where} shape`, problems);
    if (shape === null) continue;
    if (shape.length !== slot.shape.length || shape.some((d, i) => d !== slot.shape[i])) {
      problems.push(`${where} has shape ${formatShape(shape)}, expected ${expected}`);
      continue;
    }
    const size = slot.shape.reduce((a, b) => a * b, 1);
    const copy = readNumbers(data, size, `${where} data`, problems);
    if (copy !== null) writes.push([slot, copy]);
  }
  if (problems.length > 0) throw new StateDictError(op, problems);
  for (const [slot, data] of writes) slot.write(data);
}
