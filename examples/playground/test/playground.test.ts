// The built playground in a real browser: vite builds it, vite's preview server serves it (with the
// config's cross-origin-isolation headers) on 127.0.0.1, and headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) uses both labs as a person would. Screenshots go to
// out/playground/. Without Chromium the tests are skipped on a developer's machine, never under CI=true.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserTestsRun, type Chromium, launchChromium } from '@chainrule/example-kit/chromium';
import { graphNodes } from '@chainrule/viz';
import type { Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildExpression } from '../src/expression/build.js';
import { parseExpression } from '../src/expression/parser.js';
import { backwardSteps } from '../src/expression/steps.js';

const runBrowser = browserTestsRun('playground browser test');
const root = join(import.meta.dirname, '..');
const shots = join(root, '..', '..', 'out', 'playground');

/**
 * One graph node as the SVG shows it: viz's `graphSvg` gives node i of `graphNodes` the group
 * `id="node-i"`, its record's fields one <text> each (name, `data …`, `grad …`), and the class
 * `highlight` when highlighted. A gradient not reached yet shows as `grad ?`, read as null.
 */
interface DrawnNode {
  index: number;
  texts: string[];
  data: number;
  grad: number | null;
  highlighted: boolean;
}

describe.skipIf(!runBrowser)('the playground in headless Chromium', () => {
  let outDir: string;
  let server: PreviewServer;
  let browser: Chromium;
  let page: Page;
  let url: string;
  const problems: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'chainrule-playground-'));
    const config = { root, logLevel: 'error' as const, build: { outDir, emptyOutDir: true } };
    await build(config);
    server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    url = server.resolvedUrls!.local[0]!;
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`);
    });
    mkdirSync(shots, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens the page at `hash` afresh. */
  async function open(hash: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${url}#${hash}`, { waitUntil: 'load' });
  }

  /** The graph's record nodes as drawn, in `graphNodes` order. */
  async function drawnNodes(): Promise<DrawnNode[]> {
    await page.waitForSelector('#graph svg');
    const raw = await page.$$eval('#graph svg g.node', (groups) =>
      groups.map((g) => ({
        id: g.id,
        classes: g.getAttribute('class') ?? '',
        texts: [...g.querySelectorAll('text')].map((t) => t.textContent ?? ''),
      })),
    );
    const field = (texts: string[], name: string) =>
      texts.find((t) => t.startsWith(`${name} `))!.slice(name.length + 1);
    return raw
      .filter((n) => /^node-\d+$/.test(n.id))
      .map((n) => ({
        index: Number(n.id.slice(5)),
        texts: n.texts,
        data: Number(field(n.texts, 'data')),
        grad: field(n.texts, 'grad') === '?' ? null : Number(field(n.texts, 'grad')),
        highlighted: n.classes.split(' ').includes('highlight'),
      }))
      .sort((a, b) => a.index - b.index);
  }

  /** Waits until the graph shows `step` ('done' for the whole pass). */
  async function graphAt(step: string): Promise<void> {
    await page.waitForSelector(`#graph[data-step="${step}"] svg`, { timeout: 10_000 });
  }

  /** Equal to the 4 decimals the picture prints (micrograd's format). */
  const close = (a: number | null, b: number) =>
    a !== null && Math.abs(a - b) <= 5.01e-5 * Math.max(1, Math.abs(b));

  test('typing an expression draws its graph with the engine’s data and gradient at every node', async () => {
    await open('lab=expression');
    await page.fill('#expression', 'tanh(x*w + b) * x');
    await page.fill('input[data-input="x"]', '0.8');
    await page.fill('input[data-input="w"]', '-1.25');
    await page.fill('input[data-input="b"]', '0.5');
    await graphAt('done');
    await page.locator('#graph svg', { hasText: 'data 0.8' }).waitFor();

    const built = buildExpression(parseExpression('tanh(x*w + b) * x'), { x: 0.8, w: -1.25, b: 0.5 });
    built.root.backward();
    const nodes = graphNodes(built.root);
    const drawn = await drawnNodes();
    expect(drawn.map((n) => n.index)).toEqual(nodes.map((_, i) => i));
    for (const [i, node] of nodes.entries()) {
      const { data, grad } = drawn[i]!;
      expect(close(data, node.data) && close(grad, node.grad), `node ${i}: ${data}, ${grad}`).toBe(true);
      expect(drawn[i]!.highlighted).toBe(false);
    }
    // named as explain names them: the variables by their names, computed nodes A, B, C, ...
    expect(drawn.map((n) => n.texts[0])).toEqual(['x', 'w', 'A', 'b', 'B', 'C', 'D']);
    expect(await page.textContent('[data-grad="w"]')).toMatch(/^∂f\/∂w = /);

    // the state is in the URL: opening it again shows the same expression and inputs
    const hash = new URL(page.url()).hash;
    const params = new URLSearchParams(hash.slice(1));
    expect(params.get('expr')).toBe('tanh(x*w + b) * x');
    expect(params.get('x')).toBe('0.8');
    await open(hash.slice(1));
    expect(await page.inputValue('#expression')).toBe('tanh(x*w + b) * x');
    expect(await page.inputValue('input[data-input="w"]')).toBe('-1.25');
    await page.screenshot({ path: join(shots, 'expression-lab.png'), fullPage: true });
  });

  test('a mistake is shown with its column, and the graph waits', async () => {
    await open('lab=expression&expr=sigmoid(x)&x=1');
    await graphAt('done');
    await page.fill('#expression', 'x + * 2');
    const message = await page.textContent('#expression-error');
    expect(message).toContain("expected a number, a name or ( but found '*' at column 5");
    expect(message).toContain('\n    ^\n');
    expect(await page.getAttribute('#graph', 'class')).toContain('stale');
  });

  test('stepping the backward pass moves the highlight from the output back to x, node by node', async () => {
    await open('lab=expression&expr=sigmoid(x)&x=1');
    await graphAt('done');
    const built = buildExpression(parseExpression('sigmoid(x)'), { x: 1 });
    const walk = backwardSteps(built);
    const nodes = graphNodes(built.root);
    const x = built.leaves.get('x')!;
    const seen: string[] = [];
    for (let i = 0; i < walk.length; i++) {
      await page.click('#step-next');
      await graphAt(String(i));
      const drawn = await drawnNodes();
      const lit = drawn.filter((n) => n.highlighted);
      expect(lit, `step ${i}`).toHaveLength(1);
      // the lit node is the step's node, holding its (now complete) gradient
      expect(lit[0]!.index).toBe(nodes.indexOf(walk[i]!.node));
      expect(close(lit[0]!.grad, walk[i]!.grad)).toBe(true);
      // x shows 'grad ?' until a share reaches it: from A's step (the one before x's own) on
      expect(drawn[nodes.indexOf(x)]!.grad === null, `step ${i}`).toBe(i < walk.length - 2);
      const row = await page.textContent('#explain tr.current td');
      seen.push(row ?? '');
      expect(await page.getAttribute('#step-label', 'data-node')).toBe(row);
      if (i === 1) await page.screenshot({ path: join(shots, 'expression-lab-step.png'), fullPage: true });
    }
    // seed 001's walkthrough: D, C, B, A, then x
    expect(seen).toEqual(['D', 'C', 'B', 'A', 'x']);
    await page.click('#step-next');
    await graphAt('done');
    expect((await drawnNodes()).filter((n) => n.highlighted)).toEqual([]);
  });

  test('the moons network trains in the worker to a test accuracy of at least 0.9 while the page stays responsive', async () => {
    await open('lab=network');
    await page.waitForSelector('#engine-info:not(:empty)');
    expect(await page.textContent('#engine-info')).toContain('2 threads (cross-origin isolated)');
    expect(await page.textContent('#code')).toContain('makeMoons(300, { noise: 0.15, seed: 1 })');
    const started = Date.now();
    await page.click('#train');
    // while the worker trains, the page answers at once
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      await page.title();
      lags.push(Date.now() - t);
      await page.waitForTimeout(100);
    }
    expect(Math.max(...lags)).toBeLessThan(500);
    await expect
      .poll(async () => Number(await page.textContent('#test-accuracy')), { timeout: 20_000, interval: 200 })
      .toBeGreaterThanOrEqual(0.9);
    const seconds = (Date.now() - started) / 1000;
    await page.click('#train'); // pause: the worker's last figures say it stopped
    await page.waitForSelector('#stats[data-running="false"]');
    const epoch = Number(await page.textContent('#epoch'));
    const accuracy = Number(await page.textContent('#test-accuracy'));
    console.log(`moons: test accuracy ${accuracy} after ${epoch} epochs, ${seconds.toFixed(1)} s`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    await page.waitForTimeout(300);
    expect(Number(await page.textContent('#epoch'))).toBe(epoch);
    await page.screenshot({ path: join(shots, 'network-lab.png'), fullPage: true });

    // Step trains exactly one more epoch; a new dataset starts over
    await page.click('#step');
    await expect.poll(async () => Number(await page.textContent('#epoch'))).toBe(epoch + 1);
    await page.selectOption('#dataset', 'spiral');
    await expect.poll(() => page.textContent('#epoch')).toBe('0');
    expect(await page.textContent('#code')).toContain('function makeSpiral(');
    expect(new URL(page.url()).hash).toContain('dataset=spiral');
  });

  test('no console error, uncaught exception or failed request in any of it', () => {
    expect(problems).toEqual([]);
  });
});
