// The expression lab: type an expression, set its variables with sliders, and see its graph with data
// and gradient at every node, explain's table, and the backward pass one node at a time.

import { explain, type Value } from '@chainrule/engine';
import { graphNodes, graphSvg } from '@chainrule/viz';
import { formatNumber, h, replaceChildren } from '../dom.js';
import { type Built, buildExpression } from './build.js';
import { parseExplain } from './explain-table.js';
import { type Expr, ExpressionError, parseExpression, variablesOf } from './parser.js';
import { type ExpressionState, inputRecord } from './state.js';
import { type BackwardStep, backwardSteps, isConstant } from './steps.js';

export {
  DEFAULT_EXPRESSION,
  type ExpressionState,
  expressionFromParams,
  expressionToParams,
} from './state.js';

const EXAMPLES = ['sigmoid(x)', 'tanh(x*w + b)', 'x*x + x', 'relu(a*b - c) / 2', 'log(exp(x) + exp(y))'];
const SLIDER = { min: -4, max: 4, step: 0.01 };

/** Mounts the lab in `root`; `onChange` hears every new state (to put it in the URL). */
export function mountExpressionLab(
  root: HTMLElement,
  initial: ExpressionState,
  onChange: (state: ExpressionState) => void,
): void {
  const state: ExpressionState = { text: initial.text, inputs: inputRecord(initial.inputs) };
  let tree: Expr | null = null;
  /** The step shown, or null for the finished pass (the gradients backward() leaves). */
  let step: number | null = null;
  let stepCount = 0;
  let renders = 0;
  let nextGraph: (() => Promise<void>) | null = null;
  let drawing = false;

  const input = h('input', {
    id: 'expression',
    type: 'text',
    value: state.text,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-label': 'expression',
  });
  const error = h('pre', { id: 'expression-error', class: 'error', hidden: true });
  const sliders = h('div', { id: 'inputs', class: 'inputs' });
  const output = h('div', { id: 'output', class: 'output' });
  const graph = h('div', { id: 'graph', class: 'graph' });
  const stepLabel = h('p', { id: 'step-label', class: 'step-label' });
  const table = h('div', { id: 'explain', class: 'explain' });
  const button = (id: string, label: string, title: string, onclick: () => void) =>
    h('button', { id, title, onclick: () => onclick() }, label);
  const controls = h(
    'div',
    { class: 'step-controls' },
    button('step-start', '⇤ Start', 'Start the walkthrough at the output', () => goTo(0)),
    button('step-back', '◀ Back', 'One node back', () =>
      goTo(step === null ? stepCount - 1 : Math.max(0, step - 1)),
    ),
    button('step-next', 'Step ▶', 'The next node of the backward pass', () =>
      goTo(step === null ? 0 : step + 1 >= stepCount ? null : step + 1),
    ),
    button('step-end', 'All ⇥', 'The whole pass: every gradient', () => goTo(null)),
  );

  input.addEventListener('input', () => {
    state.text = input.value;
    update();
  });

  const examples = h(
    'div',
    { class: 'examples' },
    'Try ',
    ...EXAMPLES.flatMap((text, i) => [
      i > 0 ? ' ' : null,
      h(
        'button',
        {
          class: 'chip',
          onclick: () => {
            input.value = text;
            state.text = text;
            step = null;
            update();
          },
        },
        text,
      ),
    ]),
  );

  replaceChildren(
    root,
    h(
      'section',
      { class: 'panel expression-panel' },
      h('label', { for: 'expression', class: 'field-label' }, 'Expression'),
      input,
      error,
      examples,
      h(
        'p',
        { class: 'hint' },
        'Operators + - * / ^ and parentheses; functions exp, log, tanh, relu, sigmoid, neg, reciprocal. ',
        'Every name is a variable with a slider; the URL holds the expression, so you can share it.',
      ),
    ),
    h('section', { class: 'panel' }, h('h2', {}, 'Inputs'), sliders, output),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'The graph: data and gradient at every node'),
      controls,
      stepLabel,
      graph,
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, h('code', {}, 'explain'), ': the chain rule, node by node'),
      table,
    ),
  );

  function goTo(next: number | null): void {
    step = next;
    update();
  }

  function showError(e: unknown): void {
    renders++; // a drawing under way is out of date
    nextGraph = null;
    error.hidden = false;
    if (e instanceof ExpressionError) {
      const caret = `${' '.repeat(e.column - 1)}${'^'.repeat(e.length)}`;
      error.textContent = `${state.text}\n${caret}\n${e.message}`;
    } else {
      error.textContent = e instanceof Error ? e.message : String(e);
    }
    graph.classList.add('stale');
  }

  /** One slider and number box per variable, keeping the ones that stay. */
  function syncSliders(names: string[]): void {
    const current = [...sliders.querySelectorAll<HTMLElement>('[data-variable]')].map(
      (el) => el.dataset['variable'],
    );
    if (current.join(',') === names.join(',')) return;
    replaceChildren(sliders, ...names.map(sliderFor));
  }

  function sliderFor(name: string): HTMLElement {
    state.inputs[name] ??= 1;
    const v = state.inputs[name]!;
    const range = h('input', { type: 'range', ...SLIDER, value: v, 'aria-label': `${name} slider` });
    const box = h('input', {
      type: 'number',
      step: SLIDER.step,
      value: v,
      'aria-label': name,
      'data-input': name,
    });
    const set = (x: number, from: HTMLInputElement) => {
      if (!Number.isFinite(x)) return;
      state.inputs[name] = x;
      if (from !== range) range.value = String(x);
      if (from !== box) box.value = String(x);
      update();
    };
    range.addEventListener('input', () => set(range.valueAsNumber, range));
    box.addEventListener('input', () => set(box.valueAsNumber, box));
    return h(
      'div',
      { class: 'slider', 'data-variable': name },
      h('span', { class: 'name' }, name),
      range,
      box,
    );
  }

  function update(): void {
    try {
      tree = parseExpression(state.text);
    } catch (e) {
      tree = null;
      showError(e);
      return;
    }
    const variables = variablesOf(tree);
    syncSliders(variables);
    const used = inputRecord(Object.fromEntries(variables.map((n) => [n, state.inputs[n] ?? 1])));
    onChange({ text: state.text, inputs: used });
    let built: Built;
    let walk: BackwardStep[];
    try {
      built = buildExpression(tree, used);
      walk = backwardSteps(built);
      built.root.backward();
    } catch (e) {
      showError(e);
      return;
    }
    error.hidden = true;
    stepCount = walk.length;
    if (step !== null && step >= stepCount) step = stepCount - 1;
    showOutput(built);
    const names = nodeNames(built.root);
    showTable(built, names, walk);
    showStep(walk, names);
    showGraph(built, walk, names);
  }

  function showOutput(built: Built): void {
    const grads = [...built.leaves].map(([name, leaf]) =>
      h('span', { class: 'grad', 'data-grad': name }, `∂f/∂${name} = ${formatNumber(leaf.grad, 6)}`),
    );
    replaceChildren(
      output,
      h('span', { class: 'value', 'data-output': '' }, `f = ${formatNumber(built.root.data, 6)}`),
      ...grads,
    );
  }

  /** explain's names for the nodes: its first column, row by row in the forward order. */
  function nodeNames(root: Value): Map<Value, string> {
    const rows = parseExplain(explain(root)).rows;
    const nodes = graphNodes(root).filter((n) => !isConstant(n));
    return new Map(nodes.map((n, i) => [n, rows[i]?.[0] ?? '?']));
  }

  function showTable(built: Built, names: Map<Value, string>, walk: BackwardStep[]): void {
    const { header, rows } = parseExplain(explain(built.root));
    const nodes = [...names.keys()];
    const current = step === null ? null : walk[step]!.node;
    const complete = new Set(walk.slice(0, step === null ? walk.length : step + 1).map((s) => s.node));
    const body = rows.map((cells, i) => {
      const node = nodes[i]!;
      const state = node === current ? 'current' : complete.has(node) ? 'complete' : 'pending';
      return h('tr', { class: state }, ...cells.map((c) => h('td', {}, c)));
    });
    replaceChildren(
      table,
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...header.map((c) => h('th', {}, c)))),
        h('tbody', {}, ...body),
      ),
    );
  }

  function showStep(walk: BackwardStep[], names: Map<Value, string>): void {
    if (step === null) {
      stepLabel.dataset['step'] = 'done';
      stepLabel.textContent =
        'The whole backward pass: every node holds d(output)/d(node). Press Step ▶ to walk it node by node, from the output back.';
      return;
    }
    const s = walk[step]!;
    const name = names.get(s.node) ?? formatNumber(s.node.data);
    const rootName = names.get(walk[0]!.node) ?? 'f';
    stepLabel.dataset['step'] = String(step);
    stepLabel.dataset['node'] = name;
    const passes = s.contributions
      .filter((c) => !isConstant(c.parent))
      .map((c) => `${formatNumber(c.amount, 6)} to ${names.get(c.parent)}`);
    const what =
      step === 0
        ? `the output: d${rootName}/d${rootName} = 1, the seed`
        : `${name} (${s.node.op === '' ? 'a leaf' : s.node.op}): d${rootName}/d${name} = ${formatNumber(s.grad, 6)} is complete`;
    const then =
      passes.length > 0
        ? `; it passes ${passes.join(', ')}`
        : s.node.op === ''
          ? '; a leaf, nothing to pass on'
          : '';
    stepLabel.textContent = `Step ${step + 1} of ${walk.length}: ${what}${then}.`;
  }

  /**
   * Draws the graph of this update. Drawing waits a frame and only the newest graph is drawn, so a
   * burst of typing or sliding lays the graph out once; an update started meanwhile (or a mistake)
   * makes an older drawing give way.
   */
  function showGraph(built: Built, walk: BackwardStep[], names: Map<Value, string>): void {
    const generation = ++renders;
    const tag = step === null ? 'done' : String(step);
    const current = step === null ? null : walk[step]!;
    /** Nodes that hold some gradient: the root (the seed) and every parent a share has reached. */
    let reached: Set<Value> | null = null;
    if (current !== null) {
      // the gradients as they stand after this step: complete above it, partial below
      for (const node of graphNodes(built.root)) node.grad = current.gradients.get(node) ?? 0;
      const done = walk.slice(0, step! + 1);
      reached = new Set([walk[0]!.node, ...done.flatMap((s) => s.contributions.map((c) => c.parent))]);
    }
    nextGraph = async () => {
      const svg = await graphSvg(built.root, {
        labels: names,
        highlight: current?.node ?? null,
        ...(reached === null ? {} : { showGrad: (node) => reached.has(node as Value) }),
      });
      if (generation !== renders) return;
      graph.innerHTML = svg.slice(svg.indexOf('<svg'));
      graph.classList.remove('stale');
      graph.dataset['step'] = tag;
    };
    if (!drawing) void drawGraphs();
  }

  async function drawGraphs(): Promise<void> {
    drawing = true;
    try {
      while (nextGraph !== null) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const job = nextGraph;
        nextGraph = null;
        await job?.();
      }
    } catch (e) {
      showError(e);
    } finally {
      drawing = false;
    }
  }

  update();
}
