// safetensors: state dicts to and from the ecosystem's tensor file, bytes in and out (no Node, so browsers too).

import { kindOf, SafetensorsError } from './errors.js';
import { isPlainObject, type StateDict } from './state-dict.js';

/** The element types chainrule writes and reads: float64 (exact) and float32 (rounded on save). */
export type SafetensorsDtype = 'float64' | 'float32';

/** Options of `toSafetensors` and `saveSafetensors`. */
export interface SafetensorsOptions {
  /** The element type in the file. Default 'float64', which keeps every bit; 'float32' rounds to nearest. */
  dtype?: SafetensorsDtype;
  /** Free-form text stored in the header's `__metadata__` field, string to string. */
  metadata?: Record<string, string>;
}

/** What `fromSafetensors` reads: the tensors as a state dict (float64), and the header's metadata. */
export interface SafetensorsContents {
  state: StateDict;
  metadata: Record<string, string>;
}

/**
 * The largest header, in bytes, that `fromSafetensors` reads and `toSafetensors` writes: the
 * reference implementation's `MAX_HEADER_SIZE` (huggingface/safetensors).
 *
 * @example
 * ```ts
 * SAFETENSORS_MAX_HEADER; // 100000000
 * ```
 */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

const CODES = { float64: 'F64', float32: 'F32' } as const;
const BYTES: Record<string, number> = { F64: 8, F32: 4 };
const encoder = new TextEncoder();

/**
 * A state dict as a safetensors file: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian data, in the layout the
 * reference writes (tensors ordered by name, header padded with spaces to 8 bytes). Tensor names
 * are the state dict's keys, so a PyTorch module with the same names and shapes loads the file.
 * Non-finite numbers are stored as they are; with `dtype: 'float32'` a finite number too large
 * for float32 is refused rather than turned into infinity.
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1, { seed: 1 });
 * const bytes = toSafetensors(model.stateDict(), { metadata: { epochs: '10' } });
 * const copy = new Linear(2, 1, { seed: 2 });
 * copy.loadStateDict(fromSafetensors(bytes).state);
 * Object.is(copy.weight.data[1], model.weight.data[1]); // true
 * ```
 */
export function toSafetensors(state: StateDict, options: SafetensorsOptions = {}): Uint8Array {
  const op = 'toSafetensors';
  if (!isPlainObject(options))
    throw new TypeError(`${op}: options must be an object, got ${kindOf(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'dtype' && key !== 'metadata')
      throw new TypeError(`${op}: unknown option '${key}'; the options are dtype, metadata`);
  }
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`${op}: dtype must be 'float64' or 'float32', got ${kindOf(dtype)}`);
  }
  const code = CODES[dtype];
  const tensors = checkedEntries(op, state, dtype);
  const parts: string[] = [];
  if (options.metadata !== undefined) parts.push(`"__metadata__":${metadataJson(op, options.metadata)}`);
  let offset = 0;
  for (const { name, shape, data } of tensors) {
    const end = offset + data.length * BYTES[code]!;
    const info = { dtype: code, shape, data_offsets: [offset, end] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > SAFETENSORS_MAX_HEADER) {
    throw new SafetensorsError(
      `${op}: the header takes ${headerLength} bytes, over the limit of ${SAFETENSORS_MAX_HEADER}`,
    );
  }
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { data } of tensors) {
    for (const v of data) {
      if (code === 'F64') view.setFloat64(at, v, true);
      else view.setFloat32(at, v, true);
      at += BYTES[code]!;
    }
  }
  return out;
}

interface Entry {
  name: string;
  shape: number[];
  data: readonly number[];
}

/** The state dict's entries, checked, in the reference's order: by name, compared as UTF-8 bytes. */
function checkedEntries(op: string, state: unknown, dtype: SafetensorsDtype): Entry[] {
  if (!isPlainObject(state)) throw new TypeError(`${op}: expected a state dict, got ${kindOf(state)}`);
  const entries: Entry[] = [];
  for (const name of Object.keys(state)) {
    if (name === '__metadata__') throw new SafetensorsError(`${op}: '__metadata__' cannot name a tensor`);
    if (!isWellFormed(name))
      throw new SafetensorsError(`${op}: the name ${JSON.stringify(name)} is not valid Unicode`);
    const entry = state[name];
    const shape = isPlainObject(entry) ? entry['shape'] : undefined;
    const data = isPlainObject(entry) ? entry['data'] : undefined;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TypeError(`${op}: '${name}' needs a shape of integers >= 0, got ${shapeShown(shape)}`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Array.isArray(data) || data.length !== size) {
      throw new TypeError(
        `${op}: '${name}' needs ${size} numbers for shape [${shape.join(',')}], got ${kindOf(data)}`,
      );
    }
    // a plain loop, not forEach, which skips the holes of a sparse array (written as NaN)
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      if (typeof v !== 'number')
        throw new TypeError(`${op}: '${name}' data[${i}] is ${kindOf(v)}, not a number`);
      if (dtype === 'float32' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
        throw new SafetensorsError(`${op}: '${name}' data[${i}] = ${v} is too large for float32`);
      }
    }
    entries.push({ name, shape: [...shape], data });
  }
  const bytes = new Map(entries.map((e) => [e.name, encoder.encode(e.name)]));
  return entries.sort((a, b) => compareBytes(bytes.get(a.name)!, bytes.get(b.name)!));
}

function metadataJson(op: string, metadata: unknown): string {
  if (!isPlainObject(metadata))
    throw new TypeError(`${op}: metadata must be an object, got ${kindOf(metadata)}`);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string')
      throw new TypeError(`${op}: metadata '${k}' must be a string, got ${kindOf(v)}`);
    if (!isWellFormed(k) || !isWellFormed(v))
      throw new SafetensorsError(`${op}: metadata '${k}' is not valid Unicode`);
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Whether `s` has no lone surrogate, so that it encodes to UTF-8 and back unchanged. */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

interface TensorInfo {
  name: string;
  code: 'F64' | 'F32';
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file into a float64 state dict and its metadata, checking the format's rules
 * first: the header length (8 bytes, little-endian, at most 100 MB) within the buffer, the header
 * UTF-8 JSON, each tensor's dtype F64 or F32 (F32 widens exactly), its shape, and its byte range
 * `[begin, end)` the size the dtype and shape need; the ranges, sorted, must tile the data from
 * its first byte to the buffer's last, with no gap or overlap; every number in the header spelt as
 * digits alone, as the reference demands (`8.0` or `-0` is refused). Anything else is refused with a
 * SafetensorsError saying what and where. Load the state with `model.loadStateDict`, which checks
 * names and shapes (and refuses non-finite numbers) before changing anything.
 *
 * @example
 * ```ts
 * const bytes = toSafetensors(new Linear(3, 2, { seed: 1 }).stateDict(), { dtype: 'float32' });
 * const { state, metadata } = fromSafetensors(bytes);
 * state['weight']!.shape; // [2, 3]
 * metadata; // {}
 * ```
 */
export function fromSafetensors(bytes: Uint8Array): SafetensorsContents {
  const op = 'fromSafetensors';
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`${op}: expected a Uint8Array, got ${kindOf(bytes)}`);
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(SAFETENSORS_MAX_HEADER))
    fail(`the header length ${n} is over the limit of ${SAFETENSORS_MAX_HEADER}`);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    fail(`the header length ${headerLength} runs past the end of the ${bytes.length}-byte buffer`);
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    );
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) fail(`the header must be a JSON object, got ${kindOf(header)}`);
  const fields = header as Record<string, unknown>;
  const metadata = readMetadata(fields['__metadata__']);
  const infos = Object.keys(fields)
    .filter((name) => name !== '__metadata__')
    .map((name) => readInfo(name, fields[name]));
  const dataLength = bytes.length - 8 - headerLength;
  // the reference sorts by (begin, end) and then demands each range start where the last one ended
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const info of infos) {
    if (info.begin !== expected) {
      fail(
        `'${info.name}' starts at byte ${info.begin} but the previous tensor ends at ${expected}: ${info.begin > expected ? 'a gap' : 'an overlap'} in the data`,
      );
    }
    if (info.end > dataLength)
      fail(`'${info.name}' ends at byte ${info.end}, past the ${dataLength} bytes of data`);
    expected = info.end;
  }
  if (expected !== dataLength) fail(`the tensors cover ${expected} bytes but the data holds ${dataLength}`);
  // last, so that a negative or fractional number gets the message of its field
  const spelt = notUnsigned(text);
  if (spelt !== null) {
    fail(
      `the header has the number ${spelt}, where the format has unsigned integers only (written as digits)`,
    );
  }
  const start = 8 + headerLength;
  const state = Object.fromEntries(
    infos.map(({ name, code, shape, begin, end }) => {
      const data: number[] = [];
      for (let at = start + begin; at < start + end; at += BYTES[code]!) {
        data.push(code === 'F64' ? view.getFloat64(at, true) : view.getFloat32(at, true));
      }
      return [name, { shape, data }];
    }),
  );
  return { state, metadata };
}

/**
 * The first number in JSON `text` not spelt as digits alone (`8.0`, `8e0`, `-0`), or null. Every
 * number in a header is a dimension or an offset, which the reference reads as an unsigned integer
 * and refuses in any other spelling; JSON.parse reads `8.0` as 8, so the text itself is checked.
 */
function notUnsigned(text: string): string | null {
  // strings hold no numbers of the header's: blank them, then read each number token
  const outside = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const [token] of outside.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (!/^\d+$/.test(token)) return token;
  }
  return null;
}

/** Refuses the bytes given to `fromSafetensors`, saying why. */
function fail(what: string): never {
  throw new SafetensorsError(`fromSafetensors: ${what}`);
}

function readMetadata(x: unknown): Record<string, string> {
  if (x === undefined || x === null) return {};
  if (!isPlainObject(x)) return fail(`'__metadata__' must be an object of strings, got ${kindOf(x)}`);
  for (const [k, v] of Object.entries(x)) {
    if (typeof v !== 'string') fail(`'__metadata__' field '${k}' must be a string, got ${kindOf(v)}`);
  }
  return Object.fromEntries(Object.entries(x)) as Record<string, string>;
}

function readInfo(name: string, x: unknown): TensorInfo {
  const where = `'${name}'`;
  if (!isPlainObject(x))
    return fail(`${where} must be an object { dtype, shape, data_offsets }, got ${kindOf(x)}`);
  for (const key of Object.keys(x)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets')
      fail(`${where} has an unknown field '${key}'`);
  }
  const { dtype, shape, data_offsets: offsets } = x;
  if (dtype !== 'F64' && dtype !== 'F32') {
    fail(`${where} has dtype ${kindOf(dtype)}; chainrule reads 'F64' and 'F32'`);
  }
  const isIndex = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    fail(`${where} shape must be a list of integers >= 0, got ${shapeShown(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(`${where} data_offsets must be [begin, end], two integers >= 0, got ${kindOf(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where} data_offsets [${begin},${end}] end before they begin`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  const needed = size * BYTES[dtype as string]!;
  if (!Number.isSafeInteger(needed) || needed !== end - begin) {
    fail(
      `${where} is ${dtype} of shape [${(shape as number[]).join(',')}], which takes ${needed} bytes, but data_offsets [${begin},${end}] hold ${end - begin}`,
    );
  }
  return { name, code: dtype as 'F64' | 'F32', shape: [...(shape as number[])], begin, end };
}

/** A shape that was refused, as it was given: its first eight elements, else its kind. */
function shapeShown(shape: unknown): string {
  if (!Array.isArray(shape)) return kindOf(shape);
  // each element a number as itself (NaN too), anything else described: never JSON's null, never a throw
  const shown = shape.slice(0, 8).map((d: unknown) => (typeof d === 'number' ? String(d) : kindOf(d)));
  return `[${shown.join(',')}${shape.length > 8 ? ',…' : ''}]`;
}
