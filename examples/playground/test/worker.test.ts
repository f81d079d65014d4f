// The network lab's worker, run in Node on a stand-in for the worker's global scope: an error in a
// later slice of training (a loss that became NaN) reaches the page as an error message, and training stops.

import { afterAll, expect, test, vi } from 'vitest';
import type { FromWorker, ToWorker } from '../src/network/protocol.js';
import { TrainingSession } from '../src/network/session.js';
import { DEFAULT_SETTINGS } from '../src/network/settings.js';

interface Scope {
  postMessage?: (message: FromWorker) => void;
  onmessage?: ((event: { data: ToWorker }) => void) | null;
}
const scope = globalThis as unknown as Scope;
const received: FromWorker[] = [];
scope.postMessage = (message) => received.push(message);
afterAll(() => {
  delete scope.postMessage;
  delete scope.onmessage;
});

test('an error in a slice after the first is posted as an error, and no slice runs after it', async () => {
  await import('../src/network/worker.js');
  const send = (data: ToWorker) => scope.onmessage!({ data });
  send({ type: 'configure', settings: { ...DEFAULT_SETTINGS, hidden: [2] } });
  expect(received.map((m) => m.type)).toEqual(['ready', 'progress']);
  let failing = false;
  const step = vi.spyOn(TrainingSession.prototype, 'step').mockImplementation(function (
    this: TrainingSession,
  ) {
    if (failing) throw new RangeError('fit: the loss became NaN');
    this.epoch++;
    return { epoch: this.epoch, loss: 0.5, accuracy: 0.5, testLoss: 0.5, testAccuracy: 0.5 };
  });
  send({ type: 'run' }); // the first slice runs inside onmessage; the next ones from a timer
  expect(received.at(-1)).toMatchObject({ type: 'progress', running: true });
  failing = true;
  await vi.waitFor(() => expect(received.at(-1)?.type).toBe('error'), { timeout: 2000 });
  expect(received.at(-1)).toEqual({ type: 'error', message: 'fit: the loss became NaN' });
  const calls = step.mock.calls.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(step.mock.calls.length).toBe(calls); // stopped
  step.mockRestore();
});
