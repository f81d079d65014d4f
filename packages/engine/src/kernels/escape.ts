// Which arrays code outside the engine may hold: a kernel may keep a copy of an array between calls
// only while it has not escaped, because only the engine's own writes are then possible.
//
// A tensor's Float64Array escapes when the public API hands it out (the `data` getter, also of a
// gradient) or adopts it (`new Tensor(array, shape)`): from then on code outside the engine may
// write into it at any moment without the engine seeing, so no copy of it can be proved current.
// The engine's own writes go only into arrays it has just allocated, before any kernel has seen them
// (kernel outputs, masks, the constructors' fills), so an array that never escaped holds what it held
// when a kernel copied it. The mark is never removed: a reference handed out earlier may still be
// written later.

const escaped = new WeakSet<Float64Array>();

/** @internal Records that code outside the engine may hold (and write) `array`. */
export function markEscaped(array: Float64Array): void {
  escaped.add(array);
}

/** @internal Whether `array` was ever handed to code outside the engine: if so, no copy of it is current. */
export function hasEscaped(array: Float64Array): boolean {
  return escaped.has(array);
}
