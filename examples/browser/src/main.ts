// `pnpm start`: bundles the pages and serves them until Ctrl-C, for a person to open in any browser:
// the smoke-test page, and the threads page on its own cross-origin-isolated server.

import { bundlePage, bundleThreadsPage, servePage, serveThreadsPage } from './serve.js';

const { code, inputs } = await bundlePage();
const { url } = await servePage(code);
console.log(`bundled ${inputs.length} files (${(code.length / 1024).toFixed(0)} KiB); open ${url}`);
const threads = await serveThreadsPage(await bundleThreadsPage());
console.log(`WebAssembly threads in a Web Worker (cross-origin isolated): open ${threads.url}`);
console.log('each page shows what it computed; Ctrl-C stops the servers');
