// The playground's build: the workspace packages from their TypeScript sources, a module worker for
// training, and cross-origin isolation on the dev and preview servers (SharedArrayBuffer, so the
// engine's WebAssembly kernels may use threads inside the worker).

import { defaultClientConditions, defineConfig } from 'vite';

/** COOP + COEP make the page cross-origin isolated; CORP lets its own files pass its COEP. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  base: './',
  resolve: { conditions: ['@chainrule/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173 },
});
