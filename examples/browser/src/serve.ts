// Bundles the pages' scripts for the browser with esbuild and serves them, with their HTML, on 127.0.0.1:
// src/page.ts as it is, and src/threads-page.ts with its worker cross-origin isolated.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: bundle inputs are reported relative to it. */
export const repoRoot = join(here, '..', '..', '..');

/** The bundled page script and the files that went into it. */
export interface Bundle {
  /** One ES module, no imports left. */
  code: string;
  /** Every input file, relative to the repository root (`packages/engine/src/index.ts`, ...). */
  inputs: string[];
}

/**
 * Bundles the page for platform 'browser', resolving the workspace packages to their TypeScript
 * sources (the `@chainrule/source` condition). esbuild refuses any Node built-in on this platform,
 * so a bundle that builds at all reaches nothing from Node at import time.
 */
export function bundlePage(): Promise<Bundle> {
  return bundleEntry('page.ts');
}

/** The cross-origin-isolated page's two scripts: the page's own and its module worker's. */
export interface ThreadsBundles {
  page: Bundle;
  worker: Bundle;
}

/** Bundles src/threads-page.ts and src/threads-worker.ts, as `bundlePage` does src/page.ts. */
export async function bundleThreadsPage(): Promise<ThreadsBundles> {
  const [page, worker] = await Promise.all([
    bundleEntry('threads-page.ts'),
    bundleEntry('threads-worker.ts'),
  ]);
  return { page, worker };
}

/** Bundles src/onnx-page.ts, onnxruntime-web's WebAssembly build included (its .wasm is served apart). */
export function bundleOnnxPage(): Promise<Bundle> {
  return bundleEntry('onnx-page.ts');
}

/** One entry of src/ as one self-contained ES module for the browser. */
async function bundleEntry(entry: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@chainrule/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: repoRoot,
  });
  const code = result.outputFiles[0]!.text;
  // metafile paths are relative to absWorkingDir, with forward slashes
  return { code, inputs: Object.keys(result.metafile.inputs) };
}

/** The page: a <pre> the script fills with its results. No favicon request (an empty data: icon). */
export const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>chainrule in the browser</title><link rel="icon" href="data:,"></head>
<body><pre id="out">running…</pre><script type="module" src="/page.js"></script></body>
</html>
`;

/** The cross-origin-isolated page: its script starts the module worker and publishes what it reports. */
export const threadsHtml = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>chainrule: WebAssembly threads in a Web Worker</title><link rel="icon" href="data:,"></head>
<body><pre id="out">running…</pre><script type="module" src="/threads-page.js"></script></body>
</html>
`;

/** The ONNX page: its script exports a model and runs it on onnxruntime-web. */
export const onnxHtml = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>chainrule: a model exported to ONNX, on onnxruntime-web</title><link rel="icon" href="data:,"></head>
<body><pre id="out">running…</pre><script type="module" src="/onnx-page.js"></script></body>
</html>
`;

/** onnxruntime-web's WebAssembly module and its loader, read from node_modules: the page fetches nothing else. */
function ortFiles(): Record<string, { type: string; body: Uint8Array }> {
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm');
  const loader = wasm.replace(/\.wasm$/, '.mjs');
  return {
    '/ort/ort-wasm-simd-threaded.wasm': { type: 'application/wasm', body: readFileSync(wasm) },
    '/ort/ort-wasm-simd-threaded.mjs': { type: 'text/javascript', body: readFileSync(loader) },
  };
}

/** Like `servePage`, for the ONNX page: `/onnx-page.js` the bundle and `/ort/` onnxruntime-web's WebAssembly. */
export function serveOnnxPage(code: string): Promise<{ url: string; server: Server }> {
  return serveFiles({
    '/': { type: 'text/html', body: onnxHtml },
    '/onnx-page.js': { type: 'text/javascript', body: code },
    ...ortFiles(),
  });
}

/**
 * The headers that make a page cross-origin isolated (`crossOriginIsolated`, SharedArrayBuffer, a
 * shared WebAssembly.Memory): sent with every response of the isolated server, the worker's script
 * included, and CORP so that the page's own resources pass its COEP.
 */
export const isolationHeaders = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** A static server on 127.0.0.1 at a free port: `/` is the page, `/page.js` the bundle, all else 404. */
export function servePage(code: string): Promise<{ url: string; server: Server }> {
  return serveFiles({
    '/': { type: 'text/html', body: html },
    '/page.js': { type: 'text/javascript', body: code },
  });
}

/**
 * Like `servePage`, for the threads page and cross-origin isolated: `/` is the page,
 * `/threads-page.js` and `/threads-worker.js` the bundles, every response with `isolationHeaders`.
 */
export function serveThreadsPage(bundles: ThreadsBundles): Promise<{ url: string; server: Server }> {
  return serveFiles(
    {
      '/': { type: 'text/html', body: threadsHtml },
      '/threads-page.js': { type: 'text/javascript', body: bundles.page.code },
      '/threads-worker.js': { type: 'text/javascript', body: bundles.worker.code },
    },
    isolationHeaders,
  );
}

/** Serves `files` (by path; `/index.html` is `/` too) with `headers` on every response; all else 404. */
async function serveFiles(
  files: Record<string, { type: string; body: string | Uint8Array }>,
  headers: Record<string, string> = {},
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/index.html') path = '/';
    const file = Object.hasOwn(files, path) ? files[path] : undefined;
    if (file) {
      const type = typeof file.body === 'string' ? `${file.type}; charset=utf-8` : file.type;
      response.writeHead(200, { ...headers, 'content-type': type }).end(file.body);
    } else {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}
