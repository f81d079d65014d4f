// What the transformations cost beside the passes they are made of: jvp against a forward pass that
// records its graph, hvp and hessian against grad, on a tensor network and on a scalar expression.

import { grad, hessian, hvp, jvp, noGrad, type Tensor, tensor, type Value, value } from '@chainrule/engine';
import { figureTable, machine, median, timed } from './measure.js';

const quick = process.argv.includes('--quick');
const samples = quick ? 5 : 15;

const warmUpMs = quick ? 100 : 400;

/**
 * Median milliseconds of `fn` over `samples` runs, after warm-up runs for `warmUpMs` (at least two),
 * so that every workload is measured with its code compiled by the JIT rather than the first ones.
 */
function ms(fn: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < 2 || performance.now() - start < warmUpMs; i++) fn();
  return median(Array.from({ length: samples }, () => timed(fn).ms));
}

// A 3-layer tanh network on a batch, as a function of its input: 64 rows of 128 features.
const sizes = [128, 128, 128, 1];
const weights = sizes.slice(1).map((n, i) =>
  tensor(
    Array.from({ length: n * sizes[i]! }, (_, k) => Math.sin(k * 0.37 + i) * 0.1),
    { shape: [sizes[i]!, n] },
  ),
);
const net = (x: Tensor): Tensor => weights.reduce((h, W) => h.matmul(W).tanh(), x);
const loss = (x: Tensor): Tensor => net(x).sum();
const x = tensor(
  Array.from({ length: 64 * 128 }, (_, k) => Math.cos(k * 0.11)),
  { shape: [64, 128] },
);
const t = tensor(
  Array.from({ length: 64 * 128 }, (_, k) => Math.sin(k * 0.05)),
  { shape: [64, 128] },
);

// A scalar expression of 2,000 nodes in one Value: a chain of tanh, mul and add.
const chain = (v: Value): Value => {
  let h = v;
  for (let i = 0; i < 500; i++) h = h.mul(0.9).add(0.1).tanh().add(v.mul(0.01));
  return h;
};
// f(a) = Σ tanh(a_i·c_i)² over a [200] tensor: a Hessian of 200×200 from 200 tangent passes
const c = tensor(Array.from({ length: 200 }, (_, k) => 0.5 + (k % 7) * 0.1));
const small = (a: Tensor): Tensor => a.mul(c).tanh().pow(2).sum();
const a0 = tensor(Array.from({ length: 200 }, (_, k) => Math.sin(k)));

const forwardNoGraph = ms(() => noGrad(() => net(x)));
const forwardRecorded = ms(() => net(x.detach().mul(1)));
const forwardTracked = ms(() => {
  const input = x.detach();
  input.requiresGrad = true;
  return net(input);
});
const jvpTime = ms(() => jvp(net, [x], [t]));
const gradTime = ms(() => grad(loss)(x));
const hvpTime = ms(() => hvp(loss, [x], [t]));

const valueForward = ms(() => chain(value(0.3)));
const valueJvp = ms(() => jvp(chain, [0.3], [1]));
const valueGrad = ms(() => grad(chain)(0.3));
const valueHessian = ms(() => hessian(chain)(0.3));

const smallGrad = ms(() => grad(small)(a0));
const smallHessian = ms(() => hessian(small)(a0));

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(`Transformations against the passes they are made of (${machine()})`);
console.log(
  figureTable(
    ['workload', 'ms', 'ratio'],
    [
      ['net forward, no graph (noGrad)', forwardNoGraph.toFixed(2), ''],
      ['net forward, input tracked (a graph recorded)', forwardTracked.toFixed(2), ''],
      ['net forward, constant input', forwardRecorded.toFixed(2), ''],
      ['jvp(net), forward mode', jvpTime.toFixed(2), `${ratio(jvpTime, forwardTracked)} tracked forward`],
      ['grad(loss)', gradTime.toFixed(2), ''],
      ['hvp(loss), forward over reverse', hvpTime.toFixed(2), `${ratio(hvpTime, gradTime)} grad`],
      ['Value chain, 2,000 ops, forward (its graph recorded)', valueForward.toFixed(3), ''],
      ['jvp(chain)', valueJvp.toFixed(3), `${ratio(valueJvp, valueForward)} forward`],
      ['grad(chain)', valueGrad.toFixed(3), `${ratio(valueGrad, valueForward)} forward`],
      [
        'hessian(chain) (second derivative)',
        valueHessian.toFixed(3),
        `${ratio(valueHessian, valueGrad)} grad`,
      ],
      ['grad of Σ tanh(a·c)², a of 200', smallGrad.toFixed(3), ''],
      ['hessian of it, 200×200', smallHessian.toFixed(1), `${ratio(smallHessian, smallGrad)} grad`],
    ],
  ),
);
console.log(
  `net: ${sizes.join('-')} tanh layers on a [64, 128] batch. Medians of ${samples} runs after ${warmUpMs} ms of warm-up runs each.`,
);
