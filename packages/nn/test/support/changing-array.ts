// Arrays whose elements change between reads: inputs that try to pass a check with one value and be written with another.

/**
 * A plain array whose element `index` is a getter: the first read gives `first`, every later read
 * NaN. Everything else is plain data.
 */
export function arrayWithGetter(values: readonly number[], index: number, first: number): number[] {
  const out = [...values];
  let reads = 0;
  Object.defineProperty(out, index, {
    enumerable: true,
    configurable: true,
    get: () => (reads++ === 0 ? first : Number.NaN),
  });
  return out;
}

/**
 * A Proxy of a plain array (it passes `Array.isArray` and has Array.prototype) whose every element
 * reads as its value the first time, by any route (`get` or a property descriptor), and as NaN after.
 */
export function arrayChangingOnReread(values: readonly number[]): number[] {
  const reads = new Map<string, number>();
  const next = (key: string, v: unknown): unknown => {
    if (!/^\d+$/.test(key)) return v;
    const n = reads.get(key) ?? 0;
    reads.set(key, n + 1);
    return n === 0 ? v : Number.NaN;
  };
  return new Proxy([...values], {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      return typeof key === 'string' ? next(key, v) : v;
    },
    getOwnPropertyDescriptor(target, key) {
      const d = Reflect.getOwnPropertyDescriptor(target, key);
      if (d === undefined || typeof key !== 'string' || !('value' in d)) return d;
      return { ...d, value: next(key, d.value) };
    },
  });
}
