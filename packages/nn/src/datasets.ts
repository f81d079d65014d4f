// Toy datasets with scikit-learn's definitions: two moons, two circles, Gaussian blobs; all seeded.

import { checkSize, type Rng } from '@chainrule/engine';
import { checkBoolean, checkInteger, checkNumber, checkOptions, kindOf, RANDOM_KEYS } from './errors.js';
import { type RandomOptions, rngOf } from './random-option.js';

/** A dataset: one row of features per sample and one integer class label per sample. */
export interface Dataset {
  /** Features, `x[i]` is sample i. */
  x: number[][];
  /** Class labels 0, 1, ... */
  y: number[];
}

/** Options of `makeMoons` and `makeCircles`. */
export interface ToyOptions extends RandomOptions {
  /** Standard deviation of Gaussian noise added to every coordinate. Default 0. */
  noise?: number;
  /** Shuffle the samples (else all of class 0 come first). Default true. */
  shuffle?: boolean;
}

function linspace(start: number, stop: number, n: number, endpoint: boolean): number[] {
  const div = endpoint ? n - 1 : n;
  const step = div > 0 ? (stop - start) / div : 0;
  return Array.from({ length: n }, (_, i) => (endpoint && i === n - 1 && n > 1 ? stop : start + i * step));
}

/** The samples in one random order, the same permutation for x and y. */
function shuffled(rng: Rng, x: number[][], y: number[]): Dataset {
  const order = rng.shuffle(Array.from(x, (_, i) => i));
  return { x: order.map((i) => x[i]!), y: order.map((i) => y[i]!) };
}

/** Shuffles the samples, then adds noise, as scikit-learn does. */
function finish(
  op: string,
  x: number[][],
  y: number[],
  options: ToyOptions | undefined,
  noise: number,
): Dataset {
  const rng = rngOf(op, options);
  if (checkBoolean(op, 'shuffle', options?.shuffle, true)) ({ x, y } = shuffled(rng, x, y));
  if (noise > 0)
    for (const row of x) for (let j = 0; j < row.length; j++) row[j] = row[j]! + rng.normal(0, noise);
  return { x, y };
}

/** `n` checked: an integer of at least 1 whose [n, features] table a Float64Array can hold, as `tensor(x)` makes it. */
function sampleCount(op: string, n: unknown, features: number): number {
  checkInteger(op, 'the number of samples', n, 1);
  checkSize([n as number, features], op);
  return n as number;
}

/**
 * Two interleaving half circles, scikit-learn's `make_moons`: ⌊n/2⌋ points of class 0 on the upper
 * arc (cos t, sin t) and the rest of class 1 on the lower arc (1 - cos t, 0.5 - sin t), t from 0 to π;
 * then shuffled and given Gaussian noise.
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons(1000, { noise: 0.2, seed: 1 });
 * x.length; // 1000, each [x1, x2]
 * y[0];     // 0 or 1
 * ```
 */
export function makeMoons(n = 100, options: ToyOptions = {}): Dataset {
  n = sampleCount('makeMoons', n, 2);
  checkOptions('makeMoons', options, [...RANDOM_KEYS, 'noise', 'shuffle']);
  const noise = checkNumber('makeMoons', 'noise', options.noise ?? 0, 0);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, Math.PI, nOut, true)) {
    x.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, Math.PI, nIn, true)) {
    x.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5]);
    y.push(1);
  }
  return finish('makeMoons', x, y, options, noise);
}

/**
 * A large circle around a smaller one, scikit-learn's `make_circles`: ⌊n/2⌋ points of class 0 on the
 * unit circle and the rest of class 1 on a circle of radius `factor`; then shuffled and given noise.
 *
 * @example
 * ```ts
 * const { x, y } = makeCircles(200, { factor: 0.5, noise: 0.05, seed: 3 });
 * ```
 */
export function makeCircles(n = 100, options: ToyOptions & { factor?: number } = {}): Dataset {
  n = sampleCount('makeCircles', n, 2);
  checkOptions('makeCircles', options, [...RANDOM_KEYS, 'noise', 'shuffle', 'factor']);
  const noise = checkNumber('makeCircles', 'noise', options.noise ?? 0, 0);
  const factor = checkNumber('makeCircles', 'factor', options.factor ?? 0.8, 0, 1, true);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, 2 * Math.PI, nOut, false)) {
    x.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, 2 * Math.PI, nIn, false)) {
    x.push([factor * Math.cos(t), factor * Math.sin(t)]);
    y.push(1);
  }
  return finish('makeCircles', x, y, options, noise);
}

/** Options of `makeBlobs`. */
export interface BlobOptions extends RandomOptions {
  /** How many centres to draw uniformly from `centerBox`, or the centres themselves. Default 3. */
  centers?: number | readonly (readonly number[])[];
  /** Features per sample when the centres are drawn. Default 2. */
  nFeatures?: number;
  /** Standard deviation of each cluster: one for all or one per centre. Default 1. */
  clusterStd?: number | readonly number[];
  /** The box [low, high] centres are drawn from. Default [-10, 10]. */
  centerBox?: readonly [number, number];
  /** Shuffle the samples. Default true. */
  shuffle?: boolean;
}

/**
 * Isotropic Gaussian blobs, scikit-learn's `make_blobs`: ⌊n/k⌋ samples around each of k centres (the
 * first n mod k centres get one more), labelled by centre; then shuffled. Returns the centres too.
 *
 * @example
 * ```ts
 * const { x, y, centers } = makeBlobs(300, { centers: 3, clusterStd: 0.5, seed: 7 });
 * ```
 */
export function makeBlobs(n = 100, options: BlobOptions = {}): Dataset & { centers: number[][] } {
  const op = 'makeBlobs';
  checkInteger(op, 'the number of samples', n, 1);
  checkOptions(op, options, [...RANDOM_KEYS, 'centers', 'nFeatures', 'clusterStd', 'centerBox', 'shuffle']);
  const shuffle = checkBoolean(op, 'shuffle', options.shuffle, true);
  const rng = rngOf(op, options);
  const spec = options.centers ?? 3;
  let centers: number[][];
  if (typeof spec === 'number') {
    const k = checkInteger(op, 'the number of centers', spec, 1);
    const features = checkInteger(op, 'nFeatures', options.nFeatures ?? 2, 1);
    sampleCount(op, n, features);
    checkSize([k, features], `${op} centers`);
    const box = options.centerBox ?? [-10, 10];
    if (!Array.isArray(box) || box.length !== 2 || !(box[0] <= box[1])) {
      throw new RangeError(
        `${op}: centerBox must be [low, high] with low <= high, got ${JSON.stringify(box)}`,
      );
    }
    const [low, high] = box.map((v, i) => checkNumber(op, `centerBox[${i}]`, v)) as [number, number];
    centers = Array.from({ length: k }, () => Array.from({ length: features }, () => rng.uniform(low, high)));
  } else if (Array.isArray(spec) && spec.length > 0) {
    const width = Array.isArray(spec[0]) ? spec[0].length : 0;
    centers = spec.map((c, i) => {
      if (!Array.isArray(c) || c.length !== width || width === 0) {
        throw new TypeError(
          `${op}: centers[${i}] must be an array of ${width || 'some'} numbers, got ${kindOf(c)}`,
        );
      }
      return c.map((v, j) => checkNumber(op, `centers[${i}][${j}]`, v));
    });
  } else {
    throw new TypeError(`${op}: centers must be a count or a non-empty array of points, got ${kindOf(spec)}`);
  }
  n = sampleCount(op, n, centers[0]!.length);
  const k = centers.length;
  const stdSpec = options.clusterStd ?? 1;
  const stds =
    typeof stdSpec === 'number' ? centers.map(() => stdSpec) : Array.isArray(stdSpec) ? [...stdSpec] : null;
  if (stds === null || stds.length !== k) {
    throw new RangeError(`${op}: clusterStd must be a number or ${k} numbers, got ${kindOf(stdSpec)}`);
  }
  for (const [i, s] of stds.entries()) checkNumber(op, `clusterStd[${i}]`, s, 0);
  const x: number[][] = [];
  const y: number[] = [];
  centers.forEach((center, c) => {
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let i = 0; i < count; i++) {
      x.push(center.map((m) => rng.normal(m, stds[c]!)));
      y.push(c);
    }
  });
  return { ...(shuffle ? shuffled(rng, x, y) : { x, y }), centers };
}
