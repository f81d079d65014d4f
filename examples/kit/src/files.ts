// Where examples write: out/ at the repository root (git-ignored), one folder per example.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('example-kit: no pnpm-workspace.yaml above this file');
    dir = up;
  }
  return dir;
}

/** `out/<name>` at the repository root. */
export function outDirFor(name: string): string {
  return join(repoRoot(), 'out', name);
}

/** Writes `content` to `dir/file` (creating `dir`) and returns the full path. */
export function writeOut(dir: string, file: string, content: string | Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, content);
  return path;
}

/** A path as the reader should see it: relative to the repository root when it lies inside it. */
export function displayPath(path: string): string {
  const rel = relative(repoRoot(), path);
  return rel.startsWith('..') ? path : rel;
}
