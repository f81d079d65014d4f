// The engine and nn in a real browser: bundle src/page.ts for platform 'browser', serve it on
// 127.0.0.1, open it in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and
// check what the page computed. Without Chromium the test is skipped on a developer's machine, never
// under CI=true (.ci/run installs it).

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OnnxPageResults } from '../src/onnx-page.js';
import type { PageResults } from '../src/page.js';
import {
  type Bundle,
  bundleOnnxPage,
  bundlePage,
  bundleThreadsPage,
  isolationHeaders,
  serveOnnxPage,
  servePage,
  serveThreadsPage,
  type ThreadsBundles,
} from '../src/serve.js';
import type { ThreadsPageResults } from '../src/threads-page.js';
import type { WorkerReport } from '../src/threads-worker.js';

const executablePath = process.env.CHAINRULE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
const inCI = process.env.CI === 'true';
if (!haveChromium && !inCI) {
  console.warn(
    `browser test skipped: no Chromium at ${executablePath} (apt-get install chromium, or set CHAINRULE_CHROMIUM); under CI=true it runs and fails instead`,
  );
}

/** What the browser showed while the page ran. */
interface PageRun<Results = PageResults> {
  results: Results | { error: string } | undefined;
  consoleErrors: string[];
  failedRequests: string[];
}

/**
 * Loads `url` in a fresh headless Chromium profile and reads `globalThis.chainrule` once it is set,
 * waiting at most `waitMs` after the load for it.
 */
async function runInChromium<Results = PageResults>(url: string, waitMs = 10_000): Promise<PageRun<Results>> {
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: .ci/run installs Debian's chromium package`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'chainrule-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    timeout: 15_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) =>
      failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    });
    await page.goto(url, { waitUntil: 'load', timeout: 10_000 });
    await page.waitForFunction(() => 'chainrule' in globalThis, undefined, { timeout: waitMs });
    const results = await page.evaluate(() => (globalThis as { chainrule?: Results }).chainrule);
    return { results, consoleErrors, failedRequests };
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

let bundle: Bundle;
let threadsBundles: ThreadsBundles;
beforeAll(async () => {
  [bundle, threadsBundles] = await Promise.all([bundlePage(), bundleThreadsPage()]);
});

// needs no browser: runs everywhere
test('the bundle holds the engine, nn and viz sources, Graphviz, nn’s ONNX encoder, and nothing from Node', () => {
  // nn's one runtime dependency: onnx-proto's generated code on protobufjs's minimal runtime
  const encoder =
    /^node_modules\/\.pnpm\/(onnx-proto|protobufjs|@protobufjs\+[a-z0-9]+)@[^/]+\/node_modules\//;
  const outside = bundle.inputs.filter(
    (path) =>
      !/^(packages\/(engine|nn|viz)\/src|examples\/browser\/src)\//.test(path) &&
      !/\/node_modules\/@hpcc-js\/wasm-graphviz\//.test(path) && // viz's one dependency: WebAssembly, inlined
      !encoder.test(path),
  );
  expect(outside).toEqual([]);
  expect(bundle.inputs).toContain('packages/engine/src/index.ts');
  expect(bundle.inputs).toContain('packages/nn/src/index.ts');
  expect(bundle.inputs).toContain('packages/viz/src/index.ts');
  expect(bundle.inputs).not.toContain('packages/nn/src/node.ts');
  expect(bundle.inputs).not.toContain('packages/viz/src/node.ts');
  // one self-contained module: no import of any kind left in it
  expect(bundle.code).not.toMatch(/^\s*import\s|^\s*export\s.*\sfrom\s|\bimport\(/m);
});

test('the threads page and its worker bundle the engine, thread pool included, and nothing else', () => {
  for (const { code, inputs } of [threadsBundles.page, threadsBundles.worker]) {
    expect(inputs.filter((path) => !/^(packages\/engine\/src|examples\/browser\/src)\//.test(path))).toEqual(
      [],
    );
    expect(inputs).toContain('packages/engine/src/index.ts');
    expect(inputs).toContain('packages/engine/src/kernels/wasm/thread-pool.ts');
    expect(code).not.toMatch(/^\s*import\s|^\s*export\s.*\sfrom\s|\bimport\(/m);
  }
  expect(threadsBundles.worker.inputs).toContain('examples/browser/src/threads-worker.ts');
  expect(threadsBundles.worker.inputs).not.toContain('examples/browser/src/threads-page.ts');
});

describe.skipIf(!haveChromium && !inCI)('the engine in headless Chromium', () => {
  let server: Server | undefined;
  let run: PageRun;

  beforeAll(async () => {
    const served = await servePage(bundle.code);
    server = served.server;
    run = await runInChromium(served.url);
  }, 40_000);

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  test('the page ran without a console error, an uncaught exception or a failed request', () => {
    expect(run.consoleErrors).toEqual([]);
    expect(run.failedRequests).toEqual([]);
    expect(run.results).toBeDefined();
    expect(run.results).not.toHaveProperty('error');
  });

  function results(): PageResults {
    const r = run.results;
    if (r === undefined || 'error' in r) throw new Error(`the page failed: ${r?.error ?? 'no results'}`);
    return r;
  }

  test('no Node process is visible in the page', () => {
    expect(results().hasProcess).toBe(false);
  });

  test('the sigmoid walkthrough: x.grad at x = 1', () => {
    expect(results().sigmoid.grad).toBe(0.19661193324148188);
    expect(results().sigmoid.data).toBeCloseTo(0.7310585786300049, 15);
  });

  test('a small matmul and its backward', () => {
    const { product, gradA, gradB } = results().matmul;
    expect(product).toEqual([
      [58, 64],
      [139, 154],
    ]);
    // d sum(A·B)/dA = 1·Bᵀ: each row holds B's row sums; d/dB = Aᵀ·1: each row holds A's column sum
    expect(gradA).toEqual([
      [15, 19, 23],
      [15, 19, 23],
    ]);
    expect(gradB).toEqual([
      [5, 5],
      [7, 7],
      [9, 9],
    ]);
  });

  test("the default backend is 'wasm' (WebAssembly SIMD) and gives 'ts''s bits (no fused multiply-add, though Chromium has relaxed SIMD)", () => {
    const r = results();
    expect(r.defaultBackend).toBe('wasm');
    expect(r.backends.wasmBackend).toBe('wasm');
    expect(r.backends.tsBackend).toBe('ts');
    expect(r.backends.maxAbs).toBeGreaterThan(1);
    expect(r.backends.maxAbsDiff).toBe(0);
  });

  test('the elementwise kernels run in WebAssembly on the main thread and give the ts backend’s bits', () => {
    const { elementwise } = results();
    expect(elementwise.inWasm).toBe(true);
    expect(elementwise.identical).toBe(true);
  });

  test('the fused dense layer gives the bits of matmul, add and relu, forward and backward', () => {
    expect(results().fused.identical).toBe(true);
  });

  test('viz draws in the page: the graph with every op, data and grad, the highlight, a chart, a boundary', () => {
    const { viz } = results();
    expect(viz.parseErrors).toBe(0);
    expect(viz.graphTexts).toEqual(
      expect.arrayContaining([
        'x',
        'data 0.7311',
        'grad 0.1966',
        'grad -0.5344',
        'neg',
        'exp',
        'add',
        'reciprocal',
      ]),
    );
    expect([...viz.highlighted].sort()).toEqual([`node-${viz.nodes - 1}`, `node-${viz.nodes - 1}-op`]);
    expect(viz.polylines).toBe(1);
    expect(viz.points).toBe(2);
  });

  test('Adam steps on a tiny nn model lower the loss', () => {
    const { losses } = results();
    expect(losses).toHaveLength(21);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 4);
  });
});

describe.skipIf(!haveChromium && !inCI)(
  'WebAssembly threads in a Web Worker of a cross-origin-isolated page',
  () => {
    let server: Server | undefined;
    let run: PageRun<ThreadsPageResults>;

    beforeAll(async () => {
      const served = await serveThreadsPage(threadsBundles);
      server = served.server;
      run = await runInChromium<ThreadsPageResults>(served.url, 25_000);
    }, 60_000);

    afterAll(async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    });

    function results(): ThreadsPageResults {
      const r = run.results;
      if (r === undefined || 'error' in r) throw new Error(`the page failed: ${r?.error ?? 'no results'}`);
      return r;
    }

    function worker(): WorkerReport {
      const w = results().worker;
      if ('error' in w) throw new Error(`the worker failed: ${w.error}`);
      return w;
    }

    test('the page and its worker ran without a console error, an uncaught exception or a failed request', () => {
      expect(run.consoleErrors).toEqual([]);
      expect(run.failedRequests).toEqual([]);
      expect(run.results).toBeDefined();
      expect(run.results).not.toHaveProperty('error');
      expect(results().worker).not.toHaveProperty('error');
    });

    test(`served with ${Object.keys(isolationHeaders).join(', ')}, page and worker are cross-origin isolated`, () => {
      const { main } = results();
      expect(main.crossOriginIsolated).toBe(true);
      expect(main.hasSharedArrayBuffer).toBe(true);
      expect(main.shared).toBe(true);
      const w = worker();
      expect(w.crossOriginIsolated).toBe(true);
      expect(w.hasSharedArrayBuffer).toBe(true);
      expect(w.inWorkerScope).toBe(true);
      expect(w.shared).toBe(true);
    });

    test("the main thread, which may not Atomics.wait, computes alone and gives ts's bits", () => {
      const { main } = results();
      expect(main.workers).toBe(0);
      expect(main.workerChunks).toBe(0);
      expect(main.maxAbs).toBeGreaterThan(1);
      expect(main.maxAbsDiff).toBe(0);
    });

    test('in the worker, setNumThreads(2) starts one pool worker, which computes part of a 256³ product', () => {
      const w = worker();
      expect(w.numThreads).toBe(2);
      // a browser worker starts only once its parent returns to its event loop: the first product
      // spawns it and runs alone
      expect(w.afterFirst).toEqual({ workers: 1, workerChunks: 0 });
      expect(w.helped).toBe(true);
      expect(w.products).toBeGreaterThanOrEqual(2);
      expect(w.workers).toBe(1);
      expect(w.workerChunks).toBeGreaterThan(0);
    });

    test("every product in the worker, threaded or not, gives ts's bits", () => {
      const w = worker();
      expect(w.maxAbs).toBeGreaterThan(1);
      expect(w.maxAbsDiff).toBe(0);
    });
  },
);

describe.skipIf(!haveChromium && !inCI)(
  'a model exported to ONNX in the page runs on onnxruntime-web',
  () => {
    let server: Server | undefined;
    let run: PageRun<OnnxPageResults>;

    beforeAll(async () => {
      const onnxBundle = await bundleOnnxPage();
      const served = await serveOnnxPage(onnxBundle.code);
      server = served.server;
      run = await runInChromium<OnnxPageResults>(served.url, 20_000);
    }, 60_000);

    afterAll(async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    });

    function results(): OnnxPageResults {
      const r = run.results;
      if (r === undefined || 'error' in r) throw new Error(`the page failed: ${r?.error ?? 'no results'}`);
      return r;
    }

    test('the page ran without a console error, an uncaught exception or a failed request', () => {
      expect(run.consoleErrors).toEqual([]);
      expect(run.failedRequests).toEqual([]);
      expect(run.results).not.toHaveProperty('error');
      expect(results().ortVersion).toMatch(/^1\.\d+\.\d+/);
    });

    test('exported at a batch of 4 and run on 9 points, the runtime gives chainrule’s outputs (1e-12 in float64, 1e-5 in float32)', () => {
      const { float64, float32 } = results();
      for (const r of [float64, float32]) {
        expect(r.dims).toEqual([9, 1]);
        expect(r.maxAbs).toBeGreaterThan(0.1);
      }
      expect(float64.maxAbsDiff).toBeLessThanOrEqual(1e-12);
      expect(float32.maxAbsDiff).toBeLessThanOrEqual(1e-5);
      expect(float32.bytes).toBeLessThan(float64.bytes);
    });
  },
);
