// The playground's page: two labs behind tabs; the open lab and its state live in the URL's hash.

import './style.css';
import { h, replaceChildren } from './dom.js';
import { mountNetworkLab } from './network/lab.js';
import { settingsFromParams, settingsToParams } from './network/settings.js';

type LabName = 'expression' | 'network';
const LABS: Record<LabName, string> = { expression: 'Expression lab', network: 'Network lab' };

const app = document.getElementById('app')!;
const tabs = document.getElementById('tabs')!;
const params = new URLSearchParams(location.hash.slice(1));
const lab: LabName = params.get('lab') === 'network' ? 'network' : 'expression';

/** Puts the lab's state in the hash without adding a history entry for every slider move. */
function remember(next: URLSearchParams): void {
  history.replaceState(null, '', `#${next.toString()}`);
}

replaceChildren(
  tabs,
  ...(Object.keys(LABS) as LabName[]).map((name) =>
    h(
      'a',
      { href: `#lab=${name}`, class: name === lab ? 'tab active' : 'tab', 'data-lab': name },
      LABS[name],
    ),
  ),
);
// a tab or a pasted link changes the hash: start that lab afresh from it
window.addEventListener('hashchange', () => location.reload());

const container = h('div', { id: `${lab}-lab`, class: 'lab' });
app.append(container);
if (lab === 'expression') {
  // a chunk of its own, with Graphviz's WebAssembly: the network lab never downloads it
  const { expressionFromParams, expressionToParams, mountExpressionLab } = await import(
    './expression/lab.js'
  );
  mountExpressionLab(container, expressionFromParams(params), (state) => remember(expressionToParams(state)));
} else {
  mountNetworkLab(container, settingsFromParams(params), (settings) => {
    const next = settingsToParams(settings);
    next.set('lab', 'network');
    remember(next);
  });
}
