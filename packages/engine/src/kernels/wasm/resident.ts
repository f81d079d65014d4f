// Copies of arrays left in WebAssembly memory after a fused dense layer's kernel, so that a later
// kernel reads them where they lie instead of copying them in again.
//
// A dense layer's backward pass needs its forward pass's input x and output y, and the gradient g
// that the layer above it just computed. All three were in WebAssembly memory moments before (x
// copied in, y and g copied out), and copying them in again took about a sixth of a moons epoch on
// two threads. So the forward pass leaves x and y, and the backward pass leaves its input gradient,
// in a ring of slots above the scratch memory, each slot recorded against the array it copies.
//
// A slot is trusted for an array while nothing has written over the slot, the array is the same
// object, and the array has never escaped (../escape.ts): only then can nothing but the engine have
// written into it, and the engine writes only into arrays no kernel has seen yet. An array handed to
// code outside the engine, before the copy or after, is never read from a copy: writing into a
// tensor's `data` between its forward and backward pass gives the gradient of the data as it is when
// the backward pass runs, as on the 'ts' backend.

import { hasEscaped } from '../escape.js';

/** Where a slot lies, and whether it still holds the copy it was made for. */
interface Slot {
  readonly at: number;
  readonly end: number;
  live: boolean;
}

/** Slots are aligned to this many bytes, as the kernels' scratch is. */
const ALIGN = 64;
/** Arrays smaller than this many elements are copied as before: their copy costs less than the bookkeeping. */
export const RESIDENT_MIN_ELEMENTS = 1024;

/** A ring of copies in a WebAssembly memory, found by the array they copy. */
export class ResidentCopies {
  private readonly slots = new WeakMap<Float64Array, Slot>();
  private live: Slot[] = [];
  /** Byte address of the ring in the memory; 0 while it has no place. */
  private start = 0;
  /** Byte offset in the ring where the next slot goes. */
  private next = 0;
  /** Copies found and used instead of a copy in: evidence for tests. */
  hits = 0;

  constructor(readonly capacity: number) {}

  /** Byte address of the ring, or 0 while it has no place. */
  get placed(): number {
    return this.start;
  }

  /** First byte after the ring. */
  get end(): number {
    return this.start + this.capacity;
  }

  /** Puts the ring at `start` (0: nowhere), dropping every copy. */
  moveTo(start: number): void {
    for (const slot of this.live) slot.live = false;
    this.live = [];
    this.start = start;
    this.next = 0;
  }

  /** The byte address of a copy of `array` that nothing has overwritten, or -1 (also once `array` escaped). */
  find(array: Float64Array): number {
    const slot = this.slots.get(array);
    if (slot === undefined || !slot.live || slot.end - slot.at < array.length * 8) return -1;
    if (hasEscaped(array)) {
      this.forget(array);
      return -1;
    }
    this.hits++;
    return slot.at;
  }

  /** Stops trusting the copy of `array` (its slot is about to be changed in place). */
  forget(array: Float64Array): void {
    const slot = this.slots.get(array);
    if (slot !== undefined) slot.live = false;
    this.slots.delete(array);
  }

  /**
   * A slot for a copy of `array`, recorded as its copy (the caller fills it before anything reads
   * it), overwriting the oldest slots in its way but none of the byte ranges in `keep`; -1 when
   * the ring has no place, the array is too small or too large, has escaped (code outside the engine
   * may write it unseen), or `keep` is in the way.
   */
  claim(array: Float64Array, keep: readonly (readonly [number, number])[]): number {
    const bytes = Math.ceil((array.length * 8) / ALIGN) * ALIGN;
    if (this.start === 0 || array.length < RESIDENT_MIN_ELEMENTS || bytes > this.capacity / 4) return -1;
    if (hasEscaped(array)) return -1;
    const offset = this.next + bytes <= this.capacity ? this.next : 0;
    const at = this.start + offset;
    const end = at + bytes;
    if (keep.some(([from, to]) => at < to && from < end)) return -1;
    this.live = this.live.filter((slot) => {
      const overlaps = slot.at < end && at < slot.end;
      if (overlaps) slot.live = false;
      return slot.live;
    });
    this.forget(array);
    const slot = { at, end, live: true };
    this.slots.set(array, slot);
    this.live.push(slot);
    this.next = offset + bytes;
    return at;
  }
}
