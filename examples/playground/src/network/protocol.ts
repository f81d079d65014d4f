// The messages between the network lab's page and its training worker.

import type { EpochFigures } from './session.js';
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
  | { type: 'ready'; engine: EngineInfo }
  | {
      type: 'progress';
      /** Every epoch since the last progress message. */
      epochs: EpochFigures[];
      /** The decision boundary now, as SVG text. */
      boundary: string;
      running: boolean;
    }
  | { type: 'error'; message: string };
