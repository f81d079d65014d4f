// The network lab's settings: what each may be, the defaults, and their form in the page's URL.

export const DATASET_NAMES = ['moons', 'circles', 'xor', 'spiral', 'blobs'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export type HiddenActivation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** How each optimizer is named on the page. */
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  adam: 'Adam',
  sgd: 'SGD',
  momentum: 'SGD, momentum 0.9',
  rmsprop: 'RMSprop',
};

export const LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1] as const;
export const BATCH_SIZES = [1, 4, 8, 16, 32, 64, 128, 1000] as const;

/** Everything that decides a training run; the same settings give the same run, in the page and in Node. */
export interface NetworkSettings {
  dataset: DatasetName;
  /** Standard deviation of the Gaussian noise on each coordinate. */
  noise: number;
  /** Samples generated, before the split. */
  points: number;
  /** The share of the samples held out for testing. */
  testShare: number;
  /** Units in each hidden layer, e.g. [8, 8]; the input has 2 and the output 1 (a logit). */
  hidden: number[];
  activation: HiddenActivation;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  /** Seeds the data, the split, the initial weights and the batch order. */
  seed: number;
}

export const DEFAULT_SETTINGS: Readonly<NetworkSettings> = {
  dataset: 'moons',
  noise: 0.15,
  points: 300,
  testShare: 0.2,
  hidden: [8, 8],
  activation: 'relu',
  optimizer: 'adam',
  learningRate: 0.03,
  batchSize: 16,
  seed: 1,
};

export const LIMITS = {
  noise: { min: 0, max: 0.5 },
  points: { min: 20, max: 1000 },
  testShare: { min: 0.1, max: 0.5 },
  layers: { max: 6 },
  units: { min: 1, max: 32 },
} as const;

const oneOf = <T extends string>(options: readonly T[], text: string | null, fallback: T): T =>
  options.includes(text as T) ? (text as T) : fallback;

function numberIn(text: string | null, min: number, max: number, fallback: number, integer = false): number {
  const x = text === null || text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(x) || x < min || x > max || (integer && !Number.isInteger(x))) return fallback;
  return x;
}

/**
 * Hidden layer sizes from text such as `8, 8` (or `8-8`): whole numbers from 1 to 32, at most six
 * layers; empty text is no hidden layer (logistic regression). Null when the text is not that.
 */
export function parseHidden(text: string): number[] | null {
  const parts = text
    .split(/[\s,;x×-]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length > LIMITS.layers.max) return null;
  const sizes = parts.map(Number);
  const { min, max } = LIMITS.units;
  return sizes.every((n) => Number.isInteger(n) && n >= min && n <= max) ? sizes : null;
}

/** Settings from URL parameters; a missing or unusable one takes its default. */
export function settingsFromParams(params: URLSearchParams): NetworkSettings {
  const d = DEFAULT_SETTINGS;
  const hiddenText = params.get('hidden');
  return {
    dataset: oneOf(DATASET_NAMES, params.get('dataset'), d.dataset),
    noise: numberIn(params.get('noise'), LIMITS.noise.min, LIMITS.noise.max, d.noise),
    points: numberIn(params.get('points'), LIMITS.points.min, LIMITS.points.max, d.points, true),
    testShare: numberIn(params.get('test'), LIMITS.testShare.min, LIMITS.testShare.max, d.testShare),
    hidden: (hiddenText === null ? null : parseHidden(hiddenText)) ?? [...d.hidden],
    activation: oneOf(ACTIVATIONS, params.get('activation'), d.activation),
    optimizer: oneOf(OPTIMIZERS, params.get('optimizer'), d.optimizer),
    learningRate: numberIn(params.get('lr'), 1e-6, 10, d.learningRate),
    batchSize: numberIn(params.get('batch'), 1, 100_000, d.batchSize, true),
    seed: numberIn(params.get('seed'), 0, 2 ** 31, d.seed, true),
  };
}

/** The settings as URL parameters, read back by `settingsFromParams`. */
export function settingsToParams(s: NetworkSettings): URLSearchParams {
  return new URLSearchParams({
    dataset: s.dataset,
    noise: String(s.noise),
    points: String(s.points),
    test: String(s.testShare),
    hidden: s.hidden.join(','),
    activation: s.activation,
    optimizer: s.optimizer,
    lr: String(s.learningRate),
    batch: String(s.batchSize),
    seed: String(s.seed),
  });
}
