// `pnpm start`: bundles the page and serves it until Ctrl-C, for a person to open in any browser.

import { bundlePage, servePage } from './serve.js';

const { code, inputs } = await bundlePage();
const { url } = await servePage(code);
console.log(`bundled ${inputs.length} files (${(code.length / 1024).toFixed(0)} KiB); open ${url}`);
console.log('the page shows what it computed; Ctrl-C stops the server');
