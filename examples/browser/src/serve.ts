// Bundles src/page.ts for the browser with esbuild and serves it, with an HTML page, on 127.0.0.1.

import { createServer, type Server } from 'node:http';
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
export async function bundlePage(): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(here, 'page.ts')],
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

/** A static server on 127.0.0.1 at a free port: `/` is the page, `/page.js` the bundle, all else 404. */
export async function servePage(code: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(code);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}
