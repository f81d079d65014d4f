// The network lab: TensorFlow Playground for chainrule. Settings on the left; a Web Worker trains;
// the decision boundary, the figures and the loss curves follow live; the code for the settings below.

import { lineChartSvg } from '@chainrule/viz';
import { formatNumber, h, replaceChildren } from '../dom.js';
import { networkCode } from './codegen.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { EpochFigures } from './session.js';
import {
  ACTIVATIONS,
  BATCH_SIZES,
  DATASET_NAMES,
  LEARNING_RATES,
  LIMITS,
  type NetworkSettings,
  OPTIMIZER_LABELS,
  OPTIMIZERS,
  parseHidden,
} from './settings.js';

/** What the page knows of the run the worker is training. */
interface View {
  /** The decision boundary as the worker last drew it (SVG text). */
  boundary: string | null;
  history: EpochFigures[];
  /** Whether the worker was training when it sent its last figures. */
  running: boolean;
}

/** Mounts the lab in `root`; `onChange` hears every new setting (to put them in the URL). */
export function mountNetworkLab(
  root: HTMLElement,
  initial: NetworkSettings,
  onChange: (settings: NetworkSettings) => void,
): void {
  const settings: NetworkSettings = { ...initial, hidden: [...initial.hidden] };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const send = (message: ToWorker) => worker.postMessage(message);
  let view: View | null = null;
  let running = false;
  let frame = 0;

  const boundary = h('div', { id: 'boundary', class: 'boundary' });
  const loss = h('div', { id: 'loss', class: 'loss' });
  const stats = h('dl', { id: 'stats', class: 'stats' });
  const engineInfo = h('p', { id: 'engine-info', class: 'hint' });
  const status = h('p', { id: 'status', class: 'error', hidden: true });
  const code = h('pre', { id: 'code', class: 'code' });
  const copy = h('button', { id: 'copy', onclick: () => void copyCode() }, 'Copy');

  const trainButton = h('button', { id: 'train', class: 'primary', onclick: () => toggle() }, '▶ Train');
  const stepButton = h('button', { id: 'step', onclick: () => send({ type: 'step' }) }, 'Step');
  const resetButton = h('button', { id: 'reset', onclick: () => configure() }, '↺ Reset');

  worker.addEventListener('message', (event: MessageEvent<FromWorker>) => receive(event.data));
  worker.addEventListener('error', (event) => showStatus(`the training worker failed: ${event.message}`));

  function select<T extends string | number>(
    id: string,
    options: readonly T[],
    current: T,
    label: (option: T) => string,
    set: (option: T) => void,
  ): HTMLSelectElement {
    const element = h(
      'select',
      { id },
      ...options.map((o) => h('option', { value: String(o), selected: o === current }, label(o))),
    );
    element.addEventListener('change', () => {
      set(options.find((o) => String(o) === element.value)!);
      configure();
    });
    return element;
  }

  function slider(
    id: string,
    min: number,
    max: number,
    step: number,
    get: () => number,
    set: (x: number) => void,
  ) {
    const shown = h('output', { for: id }, String(get()));
    const range = h('input', { id, type: 'range', min, max, step, value: get() });
    range.addEventListener('input', () => (shown.textContent = range.value));
    range.addEventListener('change', () => {
      set(range.valueAsNumber);
      configure();
    });
    return h('span', { class: 'range' }, range, shown);
  }

  const hiddenInput = h('input', {
    id: 'hidden',
    type: 'text',
    value: settings.hidden.join(', '),
    spellcheck: 'false',
  });
  hiddenInput.addEventListener('change', () => {
    const sizes = parseHidden(hiddenInput.value);
    hiddenInput.classList.toggle('invalid', sizes === null);
    if (sizes === null) return;
    settings.hidden = sizes;
    configure();
  });

  const field = (label: string, control: HTMLElement) =>
    h('label', { class: 'field' }, h('span', {}, label), control);
  const controls = h(
    'div',
    { class: 'controls' },
    h('h2', {}, 'Data'),
    field(
      'Dataset',
      select('dataset', DATASET_NAMES, settings.dataset, String, (v) => (settings.dataset = v)),
    ),
    field(
      'Noise',
      slider(
        'noise',
        LIMITS.noise.min,
        LIMITS.noise.max,
        0.01,
        () => settings.noise,
        (v) => (settings.noise = v),
      ),
    ),
    field(
      'Points',
      slider(
        'points',
        50,
        LIMITS.points.max,
        10,
        () => settings.points,
        (v) => (settings.points = v),
      ),
    ),
    field(
      'Test share',
      slider(
        'test-share',
        LIMITS.testShare.min,
        LIMITS.testShare.max,
        0.05,
        () => settings.testShare,
        (v) => (settings.testShare = v),
      ),
    ),
    h('h2', {}, 'Network'),
    field('Hidden layers', hiddenInput),
    field(
      'Activation',
      select('activation', ACTIVATIONS, settings.activation, String, (v) => (settings.activation = v)),
    ),
    h('h2', {}, 'Training'),
    field(
      'Optimizer',
      select(
        'optimizer',
        OPTIMIZERS,
        settings.optimizer,
        (o) => OPTIMIZER_LABELS[o],
        (v) => (settings.optimizer = v),
      ),
    ),
    field(
      'Learning rate',
      select(
        'lr',
        withCurrent(LEARNING_RATES, settings.learningRate),
        settings.learningRate,
        String,
        (v) => (settings.learningRate = v),
      ),
    ),
    field(
      'Batch size',
      select(
        'batch',
        withCurrent(BATCH_SIZES, settings.batchSize),
        settings.batchSize,
        (b) => (b >= 1000 ? `${b} (all)` : String(b)),
        (v) => (settings.batchSize = v),
      ),
    ),
    field(
      'Seed',
      slider(
        'seed',
        0,
        20,
        1,
        () => settings.seed,
        (v) => (settings.seed = v),
      ),
    ),
  );

  replaceChildren(
    root,
    h(
      'section',
      { class: 'panel network' },
      controls,
      h(
        'div',
        { class: 'stage' },
        h('div', { class: 'buttons' }, trainButton, stepButton, resetButton),
        status,
        boundary,
      ),
      h('div', { class: 'figures' }, stats, loss, engineInfo),
    ),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'code-head' }, h('h2', {}, 'The code for these settings'), copy),
      h(
        'p',
        { class: 'hint' },
        'The same data, network, optimizer and batches; save it in a workspace package of this repository and run it with Node (see docs/playground.md).',
      ),
      code,
    ),
  );

  function toggle(): void {
    running = !running;
    send({ type: running ? 'run' : 'pause' });
    showButtons();
  }

  function showButtons(): void {
    trainButton.textContent = running ? '‖ Pause' : '▶ Train';
    stepButton.disabled = running;
  }

  function showStatus(message: string | null): void {
    status.hidden = message === null;
    status.textContent = message ?? '';
  }

  function configure(): void {
    running = false;
    showButtons();
    showStatus(null);
    view = null;
    send({ type: 'configure', settings: { ...settings, hidden: [...settings.hidden] } });
    code.textContent = networkCode(settings);
    onChange(settings);
  }

  function receive(message: FromWorker): void {
    if (message.type === 'error') {
      running = false;
      showButtons();
      showStatus(`training stopped: ${message.message}`);
    } else if (message.type === 'ready') {
      view = { boundary: null, history: [], running: false };
      const { backend, threads, crossOriginIsolated } = message.engine;
      engineInfo.textContent = `Training in a Web Worker on the engine's '${backend}' kernels, ${threads} thread${threads === 1 ? '' : 's'}${crossOriginIsolated ? ' (cross-origin isolated)' : ' (threads need a cross-origin-isolated page)'}.`;
      schedule();
    } else if (view !== null) {
      view.boundary = message.boundary;
      view.history.push(...message.epochs);
      view.running = message.running;
      schedule();
    }
  }

  /** Draws at most once per animation frame, however fast the worker reports. */
  function schedule(): void {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  }

  function draw(): void {
    if (view === null) return;
    if (view.boundary !== null) boundary.innerHTML = view.boundary;
    showLoss(view.history);
    const last = view.history.at(-1);
    stats.dataset['running'] = String(view.running);
    const row = (name: string, id: string, v: string) => [h('dt', {}, name), h('dd', { id }, v)];
    replaceChildren(
      stats,
      ...row('Epoch', 'epoch', String(last?.epoch ?? 0)),
      ...row('Training loss', 'train-loss', last ? formatNumber(last.loss) : '–'),
      ...row('Test loss', 'test-loss', last ? formatNumber(last.testLoss) : '–'),
      ...row('Training accuracy', 'train-accuracy', last ? formatNumber(last.accuracy, 3) : '–'),
      ...row('Test accuracy', 'test-accuracy', last ? formatNumber(last.testAccuracy, 3) : '–'),
    );
  }

  function showLoss(history: readonly EpochFigures[]): void {
    if (history.length === 0) {
      loss.textContent = 'The loss curves appear here while the network trains.';
      return;
    }
    const epochs = history.map((e) => e.epoch);
    loss.innerHTML = lineChartSvg(
      [
        { name: 'training loss', x: epochs, y: history.map((e) => e.loss) },
        { name: 'test loss', x: epochs, y: history.map((e) => e.testLoss) },
      ],
      { xTitle: 'epoch', yTitle: 'loss', yScale: 'log', width: 360, height: 200, maxPoints: 300 },
    );
  }

  async function copyCode(): Promise<void> {
    try {
      await navigator.clipboard.writeText(code.textContent ?? '');
      copy.textContent = 'Copied';
    } catch {
      // without clipboard permission: select the text, so that the reader can copy it by hand
      getSelection()?.selectAllChildren(code);
      copy.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => (copy.textContent = 'Copy'), 2000);
  }

  configure();
}

/** The options with the current value added in order, if a URL brought one that is not among them. */
function withCurrent<T extends number>(options: readonly T[], current: T): T[] {
  return options.includes(current) ? [...options] : [...options, current].sort((a, b) => a - b);
}
