// The network lab's five datasets: how each is made from the settings, and the same call as code.

import { type Dataset, makeBlobs, makeCircles, makeMoons } from '@chainrule/nn';
import type { DatasetName, NetworkSettings } from './settings.js';
import { makeSpiral } from './spiral.js';
import { makeXor } from './xor.js';

/** A dataset's construction as code: what it imports, and the expression that makes it. */
export interface DatasetCode {
  /** Names imported from @chainrule/nn. */
  nn: string[];
  /** A generator of the playground's own that the code must define (its source is shown), if any. */
  local: 'xor' | 'spiral' | null;
  expression: string;
}

/** The two blob centres; the noise setting widens the clusters. */
const BLOB_CENTERS = [
  [-1, -1],
  [1, 1],
];
const blobStd = (noise: number) => 0.3 + 2 * noise;

interface DatasetRecipe {
  make(s: NetworkSettings): Dataset;
  code(s: NetworkSettings): DatasetCode;
}

const options = (s: NetworkSettings) => `{ noise: ${s.noise}, seed: ${s.seed} }`;

const RECIPES: Record<DatasetName, DatasetRecipe> = {
  moons: {
    make: (s) => makeMoons(s.points, { noise: s.noise, seed: s.seed }),
    code: (s) => ({ nn: ['makeMoons'], local: null, expression: `makeMoons(${s.points}, ${options(s)})` }),
  },
  circles: {
    make: (s) => makeCircles(s.points, { noise: s.noise, factor: 0.5, seed: s.seed }),
    code: (s) => ({
      nn: ['makeCircles'],
      local: null,
      expression: `makeCircles(${s.points}, { noise: ${s.noise}, factor: 0.5, seed: ${s.seed} })`,
    }),
  },
  xor: {
    make: (s) => makeXor(s.points, { noise: s.noise, seed: s.seed }),
    code: (s) => ({ nn: [], local: 'xor', expression: `makeXor(${s.points}, ${options(s)})` }),
  },
  spiral: {
    make: (s) => makeSpiral(s.points, { noise: s.noise, seed: s.seed }),
    code: (s) => ({ nn: [], local: 'spiral', expression: `makeSpiral(${s.points}, ${options(s)})` }),
  },
  blobs: {
    make: (s) => makeBlobs(s.points, { centers: BLOB_CENTERS, clusterStd: blobStd(s.noise), seed: s.seed }),
    code: (s) => ({
      nn: ['makeBlobs'],
      local: null,
      expression: `makeBlobs(${s.points}, { centers: ${JSON.stringify(BLOB_CENTERS).replaceAll(',', ', ')}, clusterStd: ${blobStd(s.noise)}, seed: ${s.seed} })`,
    }),
  },
};

/** The samples the settings ask for: two features each, labels 0 and 1. */
export function makeDataset(s: NetworkSettings): Dataset {
  return RECIPES[s.dataset].make(s);
}

/** The code that makes the same samples as `makeDataset(s)`. */
export function datasetCode(s: NetworkSettings): DatasetCode {
  return RECIPES[s.dataset].code(s);
}
