// The messages between the network lab's page and its training worker.

import type { Domain, EpochFigures, Points } from './session.js';
import type { NetworkSettings } from './settings.js';

/** Page to worker: start over with settings, run until paused, pause, or train one epoch. */
export type ToWorker =
  | { type: 'configure'; settings: NetworkSettings }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step' };

/** How the worker computes: the engine's backend and threads, and whether the page is cross-origin isolated. */
export interface EngineInfo {
  backend: string;
  threads: number;
  crossOriginIsolated: boolean;
}

/** Worker to page. */
export type FromWorker =
  | { type: 'data'; train: Points; test: Points; domain: Domain; engine: EngineInfo }
  | {
      type: 'progress';
      /** Every epoch since the last progress message. */
      epochs: EpochFigures[];
      /** P(class 1) on the grid, GRID_SIZE² values row by row from the top. */
      grid: Float64Array;
      running: boolean;
    }
  | { type: 'error'; message: string };

/** The decision boundary's grid: this many cells a side. */
export const GRID_SIZE = 50;
