// The network lab's Web Worker: trains the session an epoch at a time, in slices of about a frame,
// and posts the figures and the decision boundary (drawn by viz) after each slice, so the page stays responsive and
// a pause arrives between slices.

import { getBackend, getNumThreads, setNumThreads } from '@chainrule/engine';
import type { FromWorker, ToWorker } from './protocol.js';
import { type EpochFigures, TrainingSession } from './session.js';

interface WorkerScope {
  crossOriginIsolated?: boolean;
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

/** Cells a side of the decision boundary's shaded grid. */
const BOUNDARY_CELLS = 50;

/** How long one slice of training runs before the worker reports and reads its messages. */
const SLICE_MS = 60;

// threads need a shared WebAssembly memory, which only a cross-origin-isolated page has
const isolated = scope.crossOriginIsolated === true;
if (isolated) setNumThreads(2);

let session: TrainingSession | null = null;
let running = false;
let timer: ReturnType<typeof setTimeout> | null = null;

function report(epochs: EpochFigures[]): void {
  if (session === null) return;
  // drawn here, off the page's thread: viz's SVG needs no DOM
  const boundary = session.boundarySvg(BOUNDARY_CELLS, 400);
  scope.postMessage({ type: 'progress', epochs, boundary, running });
}

function slice(): void {
  timer = null;
  if (!running || session === null) return;
  try {
    const start = performance.now();
    const epochs: EpochFigures[] = [];
    do epochs.push(session.step());
    while (performance.now() - start < SLICE_MS);
    report(epochs);
  } catch (error) {
    // a later slice runs from a timer, outside onmessage: its error (a loss that became NaN) is reported here
    fail(error);
    return;
  }
  timer = setTimeout(slice, 0);
}

/** Stops training and tells the page why. */
function fail(error: unknown): void {
  stop();
  scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

function stop(): void {
  running = false;
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

scope.onmessage = (event) => {
  const message = event.data;
  try {
    if (message.type === 'configure') {
      stop();
      session = new TrainingSession(message.settings);
      const engine = { backend: getBackend(), threads: getNumThreads(), crossOriginIsolated: isolated };
      scope.postMessage({ type: 'ready', engine });
      report([]);
    } else if (message.type === 'run') {
      if (!running) {
        running = true;
        slice();
      }
    } else if (message.type === 'pause') {
      stop();
      report([]);
    } else if (message.type === 'step') {
      stop();
      if (session !== null) report([session.step()]);
    }
  } catch (error) {
    fail(error);
  }
};
