// The chainrule program for the network lab's settings: the same data, model, optimizer and batches
// as the lab's training session, in one `fit` call, ready to copy into a file and run with Node.
/// <reference path="../raw-modules.d.ts" />

import { datasetCode } from './datasets.js';
import type { NetworkSettings, OptimizerName } from './settings.js';
import spiralSource from './spiral.ts?raw';
import xorSource from './xor.ts?raw';

const OPTIMIZER_CODE: Record<OptimizerName, { name: string; options: (lr: number) => string }> = {
  adam: { name: 'Adam', options: (lr) => `{ lr: ${lr} }` },
  sgd: { name: 'SGD', options: (lr) => `{ lr: ${lr} }` },
  momentum: { name: 'SGD', options: (lr) => `{ lr: ${lr}, momentum: 0.9 }` },
  rmsprop: { name: 'RMSprop', options: (lr) => `{ lr: ${lr} }` },
};

/** A generator's source without its file comment and imports, and not exported. */
function definition(source: string): string {
  return source
    .split('\n')
    .filter((line) => !line.startsWith('import ') && !line.startsWith('// '))
    .join('\n')
    .replace('export function', 'function')
    .trim();
}

/**
 * The program for `settings`, training `epochs` epochs and printing the losses and the test accuracy
 * every so often and at the end (full precision on the last line).
 */
export function networkCode(s: NetworkSettings, epochs = 200): string {
  const data = datasetCode(s);
  const optimizer = OPTIMIZER_CODE[s.optimizer];
  const nnNames = [
    ...new Set([
      ...data.nn,
      optimizer.name,
      'accuracy',
      'bceWithLogits',
      'fit',
      'MLP',
      'trainTestSplit',
      ...(data.local === null ? [] : ['type Dataset']),
    ]),
  ].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', ''), 'en'));
  const sizes = [2, ...s.hidden, 1].join(', ');
  const every = Math.max(1, Math.round(epochs / 10));
  const local = data.local === 'xor' ? xorSource : data.local === 'spiral' ? spiralSource : null;
  return [
    `// ${s.dataset}, ${sizes.replaceAll(', ', '-')} ${s.activation} network, ${optimizer.name} lr ${s.learningRate}, batches of ${s.batchSize}: the playground's settings`,
    "import { createRng, type Tensor, tensor } from '@chainrule/engine';",
    `import { ${nnNames.join(', ')} } from '@chainrule/nn';`,
    '',
    ...(local === null ? [] : [definition(local), '']),
    `const { x, y } = ${data.expression};`,
    `const split = trainTestSplit(x, y, { testSize: ${s.testShare}, seed: ${s.seed} });`,
    'const column = (labels: number[]) => tensor(labels.map((label) => [label]));',
    '// one output, a logit: above 0 is class 1',
    `const model = new MLP([${sizes}], { activation: '${s.activation}', seed: ${s.seed} });`,
    `const optimizer = new ${optimizer.name}(model.parameters(), ${optimizer.options(s.learningRate)});`,
    'const logitAccuracy = (p: Tensor, t: Tensor) => accuracy(p, t, { threshold: 0 });',
    '',
    'const history = fit(model, {',
    '  x: tensor(split.xTrain),',
    '  y: column(split.yTrain),',
    '  loss: bceWithLogits,',
    '  optimizer,',
    `  epochs: ${epochs},`,
    `  batchSize: ${s.batchSize},`,
    `  rng: createRng(${s.seed}),`,
    '  metrics: { accuracy: logitAccuracy },',
    '  validation: { x: tensor(split.xTest), y: column(split.yTest) },',
    '  onEpoch: ({ epoch, loss, valLoss, valMetrics }) => {',
    `    if ((epoch + 1) % ${every} === 0) {`,
    '      const acc = valMetrics!.accuracy!;',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the generated program's own template literal
    '      console.log(`epoch ${epoch + 1}: loss ${loss.toFixed(4)}, test loss ${valLoss!.toFixed(4)}, test accuracy ${acc}`);',
    '    }',
    '  },',
    '});',
    'console.log(',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the generated program's own template literal
    '  `final: loss ${history.loss.at(-1)}, test loss ${history.valLoss.at(-1)}, test accuracy ${history.valMetrics.accuracy!.at(-1)}`,',
    ');',
    '',
  ].join('\n');
}
