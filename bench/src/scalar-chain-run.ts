// One 1e6-deep tanh chain, built and backpropagated in a fresh process by one engine, with the peak
// resident memory above the process's own before the chain: node ... scalar-chain-run.ts chainrule|naive

import { engines, tanhChain } from './scalar-workloads.js';

const which = process.argv[2];
const engine = engines[which === 'naive' ? 1 : 0]!;
const length = Number(process.argv[3] ?? 1e6);
// warm the engine's code on a short chain, then settle the heap before reading the baseline
tanhChain(engine, 1000);
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage().rss;
const start = performance.now();
const grad = tanhChain(engine, length);
const ms = performance.now() - start;
// maxRSS is the process's peak in KiB: the peak over the chain, since the baseline came after warm-up
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ ms, peakAboveMiB: (peak - baseline) / 2 ** 20, grad }));
