// Run in a child process by wasm-threads.test.ts: uses the WASM thread pool once, prints what it
// saw as one JSON line, and returns without closing anything, so the test can see the process exit.

import { tsKernels } from '../../src/kernels/ts-kernels.js';
import { createWasmKernels, getNumThreads, hasRelaxedSimd } from '../../src/kernels/wasm/index.js';
import { referenceMatmul } from './reference-matmul.js';

const kernels = createWasmKernels(tsKernels, { threadMinFlops: 1 });
if (!kernels) throw new Error('wasm-child: WebAssembly SIMD unavailable');
const [m, k, n] = [67, 45, 53];
const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
const out = new Float64Array(m * n);
const expected = new Float64Array(m * n);
kernels.matmul(a, b, out, m, k, n, false, true, 1, 0, 0);
referenceMatmul(a, b, expected, m, k, n, false, true, 1, 0, 0);
const viaTs = new Float64Array(m * n);
tsKernels.matmul(a, b, viaTs, m, k, n, false, true, 1, 0, 0);
let worst = 0;
for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - expected[i]!));
console.log(
  JSON.stringify({
    threads: getNumThreads(),
    workers: kernels.wasm.workers,
    workerChunks: kernels.wasm.workerChunks,
    relaxed: hasRelaxedSimd(),
    identical: out.every((v, i) => Object.is(v, viaTs[i])),
    worst,
  }),
);
