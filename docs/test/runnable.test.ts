// Runs every code block marked `ts runnable` in docs/**/*.md and checks the values its comments promise.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { promisedValue } from './support/promised.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = join(docs, '.runnable');

interface Block {
  page: string;
  index: number;
  code: string;
}

/** The markdown pages under `dir`, as paths relative to docs/ (`chain-rule.md`, `examples/scalar-mlp.md`). */
function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    // node_modules, test/ and dot folders (the scratch files below) hold no pages
    if (entry.isDirectory())
      return ['node_modules', 'test'].includes(entry.name) || entry.name.startsWith('.')
        ? []
        : pages(join(dir, entry.name));
    return entry.name.endsWith('.md') ? [relative(docs, join(dir, entry.name))] : [];
  });
}

function runnableBlocks(): Block[] {
  const blocks: Block[] = [];
  // the guide's pages, and the README's taste of the API (named ../README.md)
  for (const page of [...pages(docs).sort(), '../README.md']) {
    const text = readFileSync(join(docs, page), 'utf8');
    const pattern = /```ts runnable\n([\s\S]*?)```/g;
    let index = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text))
      blocks.push({ page, index: index++, code: m[1]! });
  }
  return blocks;
}

const blocks = runnableBlocks();
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('runnable blocks in the docs', () => {
  test('there are runnable blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  test.each(blocks.map((b) => [`${b.page} block ${b.index + 1}`, b] as const))(
    '%s runs and prints what it says',
    async (_, block) => {
      const file = join(
        scratch,
        `${block.page.replace(/\.md$/, '').replace(/[\\/]/g, '--')}-${block.index}.ts`,
      );
      writeFileSync(file, block.code);
      const printed: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(args.map((a) => JSON.stringify(a)).join(' '));
      });
      try {
        await import(file);
      } finally {
        spy.mockRestore();
      }
      const expected = block.code.split('\n').filter((l) => /^\s*console\.log\(/.test(l));
      expect(printed.length).toBe(expected.length);
      expected.forEach((line, i) => {
        const want = promisedValue(/console\.log\(.*\);\s*\/\/\s*(.*)$/.exec(line)?.[1]);
        if (want !== null) expect(printed[i]!.replace(/\s+/g, '')).toBe(want);
      });
    },
  );
});
