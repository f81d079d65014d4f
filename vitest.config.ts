// One vitest run for the whole workspace; workspace packages resolve to their TypeScript sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@chainrule/source'] },
  ssr: { resolve: { conditions: ['@chainrule/source'], externalConditions: ['@chainrule/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'docs/test/**/*.test.ts'],
    testTimeout: 60_000,
    // setup hooks train networks; on a busy 2-core machine they can take longer than vitest's 10 s
    hookTimeout: 120_000,
  },
});
