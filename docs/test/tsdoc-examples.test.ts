// Runs the TSDoc example of every public function of the engine, nn and viz (the ```ts blocks in their doc
// comments) and checks the values their comments promise (`x.grad; // 6`): STYLE asks for a short
// example that runs, so each one must stand alone, with nothing but the packages' exports imported.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as engine from '@chainrule/engine';
import * as nn from '@chainrule/nn';
import * as nnNode from '@chainrule/nn/node';
import * as viz from '@chainrule/viz';
import * as vizNode from '@chainrule/viz/node';
import { afterAll, describe, expect, test } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = join(repo, 'docs/.tsdoc');

interface Example {
  /** Source file, relative to the repository, and the line the block starts on. */
  where: string;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every ```ts block inside a doc comment of the packages' sources. */
function examples(): Example[] {
  const found: Example[] = [];
  for (const file of [
    ...sourceFiles(join(repo, 'packages/engine/src')),
    ...sourceFiles(join(repo, 'packages/nn/src')),
    ...sourceFiles(join(repo, 'packages/viz/src')),
  ]) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*\*\s*```ts\s*$/.test(lines[i]!)) continue;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*\*\s*```\s*$/.test(lines[j]!); j++)
        body.push(lines[j]!.replace(/^\s*\* ?/, ''));
      found.push({ where: `${relative(repo, file)}:${i + 1}`, code: body.join('\n') });
      i = j;
    }
  }
  return found;
}

/** `code` split at its top-level semicolons (outside brackets and strings). */
function statements(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ';' && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(code.slice(start));
  return parts;
}

/** The length of the JSON-like literal `text` starts with (single quotes allowed), or 0. */
function literalLength(text: string): number {
  if (text.startsWith('[') || text.startsWith('{')) {
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      if ('[{'.includes(text[i]!)) depth++;
      else if (']}'.includes(text[i]!) && --depth === 0) return i + 1;
    }
    return 0;
  }
  return /^('[^']*'|"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?(e[+-]?\d+)?|true|false|null)/.exec(text)?.[0].length ?? 0;
}

/**
 * The values a comment promises, as JSON: one literal (`[3, 2], PyTorch's spelling` gives `[3,2]`;
 * `12: accumulated` gives `12`) or several separated by spaces (`0.1 0.05 0`). None for prose
 * (`0..9`, `6x = 12`, `0 or 1`, `about 0.95`).
 */
function literals(comment: string): string[] {
  const values: string[] = [];
  let rest = comment.trim();
  for (;;) {
    const end = literalLength(rest);
    let value: string;
    try {
      value = JSON.stringify(JSON.parse(rest.slice(0, end).replace(/'/g, '"')));
    } catch {
      return [];
    }
    values.push(value);
    rest = rest.slice(end);
    // the promise ends here, or at a comma, colon or parenthesis that starts prose about it
    if (rest === '' || /^[,:(]/.test(rest)) return values;
    // another value follows after spaces; anything else makes the comment prose
    if (!/^ +\S/.test(rest)) return [];
    rest = rest.trimStart();
  }
}

/**
 * The example as a module: the names it uses from the packages imported, and each line that ends
 * in expressions and value comments (`w.grad!.toArray(); // [2, 4]`) turned into checks of those
 * expressions' JSON, the last one against one value or each against its own (`lr(0); lr(50); // 0.1
 * 0.05`); the module exports what did not match.
 */
function asModule(example: Example): string {
  const checked = example.code.split('\n').map((line) => {
    const m = /^(\s*)(.*?;)\s*\/\/\s*(.*)$/.exec(line);
    if (m === null) return line;
    const wants = literals(m[3]!);
    const parts = statements(m[2]!).slice(0, -1); // the part after the final `;` is empty
    const isExpression = (part: string) =>
      !/^(const|let|var|import|for|if|while|return|throw|try|console\.)\b/.test(part.trim());
    const checks =
      wants.length === 1 ? [parts.length - 1] : wants.length === parts.length ? parts.map((_, i) => i) : [];
    if (checks.length === 0 || !checks.every((i) => isExpression(parts[i]!))) return line;
    const text = JSON.stringify(line.trim());
    const rewritten = parts.map((part, i) => {
      const w = checks.indexOf(i);
      return w < 0 ? `${part};` : ` __check(${part.trim()}, ${JSON.stringify(wants[w])}, ${text});`;
    });
    return `${m[1]}${rewritten.join('')}`;
  });
  const code = checked.join('\n');
  // a name the example declares or imports itself
  const declared = (name: string) =>
    new RegExp(`\\b(const|let|var|function|class)\\s+${name}\\b|import\\s*{[^}]*\\b${name}\\b`).test(code);
  const used = (names: string[], taken: Set<string>) =>
    names.filter((n) => !taken.has(n) && new RegExp(`\\b${n}\\b`).test(example.code) && !declared(n));
  const taken = new Set<string>();
  const imports: string[] = [];
  for (const [from, names] of [
    ['@chainrule/engine', Object.keys(engine)],
    ['@chainrule/nn', Object.keys(nn)],
    ['@chainrule/nn/node', Object.keys(nnNode)],
    ['@chainrule/viz', Object.keys(viz)],
    ['@chainrule/viz/node', Object.keys(vizNode)],
  ] as const) {
    const mine = used([...names], taken);
    for (const n of mine) taken.add(n);
    if (mine.length > 0) imports.push(`import { ${mine.join(', ')} } from '${from}';`);
  }
  return [
    ...imports,
    'const __mismatches: string[] = [];',
    'function __check(value: unknown, want: string, line: string): void {',
    '  const got = JSON.stringify(value);',
    "  if (got !== want) __mismatches.push(line + '  →  got ' + got);",
    '}',
    code,
    'export const mismatches = __mismatches;',
    '',
  ].join('\n');
}

const all = examples();
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('TSDoc examples', () => {
  test('finds the examples', () => {
    expect(all.length).toBeGreaterThan(150);
  });

  test.each(all.map((e, i) => [e.where, e, i] as const))(
    '%s runs and gives the values its comments promise',
    async (_, example, i) => {
      const file = join(scratch, `example-${i}.ts`);
      writeFileSync(file, asModule(example));
      const module = (await import(file)) as { mismatches: string[] };
      expect(module.mismatches).toEqual([]);
    },
  );

  test('a wrong value comment is caught', async () => {
    const file = join(scratch, 'wrong.ts');
    writeFileSync(file, asModule({ where: 'here', code: 'tensor([1, 2]).sum().item(); // 4' }));
    const module = (await import(file)) as { mismatches: string[] };
    expect(module.mismatches).toEqual(['tensor([1, 2]).sum().item(); // 4  →  got 3']);
  });
});
