// The op reference page (docs/ops.md) as text, rendered from the declarations.

import type { AnyDeclaration, OpDoc } from './declaration.js';
import { elementwiseOps } from './index.js';

const FAMILIES: readonly OpDoc['family'][] = [
  'arithmetic',
  'powers and roots',
  'exponentials and logarithms',
  'trigonometric',
  'hyperbolic',
  'activations',
  'comparison',
];

/** Prose under a family's table. */
const NOTES: Partial<Record<OpDoc['family'], readonly string[]>> = {
  comparison: [
    'A comparison gives 1 where its relation holds and 0 elsewhere, as a constant: the result of',
    "`x.gt(0)` is a leaf (`op` is `''`, a Tensor result has `requiresGrad` false), as PyTorch's bool",
    'tensors never require grad and keep no graph. Inside `traceGraph` (as `exportOnnx` traces) a',
    'Tensor result of an input in the graph is a recorded node instead (`op` `gt`, its inputs as',
    '`parents`) that does not require grad, and so are the masks derivatives split cases with (`step`,',
    '`isEqual`, ...) under `createGraph`. Its use is as the condition of `where(cond, a, b)`, which takes `a`',
    'where `cond` is nonzero (NaN included) and `b` elsewhere, broadcasting the three on tensors',
    '(`x.where(cond, y)` is the method form). `where` is one node: its gradient goes whole to the branch',
    "each element took and is +0 for the other, as PyTorch's; the condition takes none. See",
    '[Tensors: selection](tensors.md#selection) for what that means for a branch outside its domain.',
  ],
};

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** Characters as a Markdown formatter counts them: code points. */
const width = (text: string): number => [...text].length;

/** Markdown table rows with every column padded to its widest cell, as the formatter lays them out. */
function alignedTable(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(3, ...rows.map((r) => width(r[c]!))));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((text, c) => text + ' '.repeat(widths[c]! - width(text))).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

/** How the op is called, e.g. `x.clamp(min?, max?)` or `a.add(b)`. */
function callOf(name: string, d: AnyDeclaration): string {
  if (d.doc.call !== undefined) return d.doc.call;
  return d.arity === 1 ? `x.${name}()` : `a.${name}(b)`;
}

/**
 * docs/ops.md: one table per family, one row per declared op, with its formula, its derivative, its
 * convention at kinks and domain edges, its domain and whether the WebAssembly backend has a SIMD form.
 *
 * @internal
 */
export function renderOpsPage(): string {
  const entries = Object.entries(elementwiseOps) as [string, AnyDeclaration][];
  const lines = [
    '# Elementwise ops',
    '',
    '<!-- Generated from packages/engine/src/ops/elementwise by packages/engine/scripts/ops-page.ts: do not edit.',
    '     A test fails when this page differs from the declarations. -->',
    '',
    'Every op below is a method of `Value` and of `Tensor` with the same name (binary ops broadcast on',
    'tensors as NumPy does, and take a number on the right), and each one is declared once in',
    '`packages/engine/src/ops/elementwise`: its value, its derivative (written with engine ops, so',
    '`backward({ createGraph: true })` and `grad(grad(f))` differentiate it again), its convention at',
    "kinks and domain edges (PyTorch's), and, where one rounds exactly as the TypeScript loop does, its",
    'SIMD form for the `wasm` backend. Values are float64 throughout; the transcendental functions are',
    "JavaScript's `Math` (and fdlibm's erf), on either backend.",
    '',
    'A number on the left: `sub(2, x)`, `div(1, x)`, `pow(2, x)` (2ˣ, with the gradient 2ˣ·ln 2 for x),',
    "`atan2(1, x)`. An input outside an op's domain is a `RangeError` naming the op; NaN propagates.",
    '`sigmoid` is not in the table: it is recorded as the chain neg → exp → add → reciprocal of',
    '`docs/chain-rule.md`, so the graph shows the lesson. `x.detach()` (on a Value or a Tensor) gives a',
    'leaf with the same data and no gradient.',
    '',
  ];
  for (const family of FAMILIES) {
    const rows = entries.filter(([, d]) => d.doc.family === family);
    if (rows.length === 0) continue;
    lines.push(`## ${family[0]!.toUpperCase()}${family.slice(1)}`, '');
    const table = [
      ['call', 'value', 'derivative', 'at kinks and domain edges', 'domain', 'SIMD'],
      ...rows.map(([name, d]) => [
        `\`${cell(callOf(name, d))}\``,
        cell(d.doc.formula),
        cell(d.doc.derivative),
        cell(d.doc.convention ?? ''),
        cell(d.domain?.text ?? 'all reals'),
        d.simd === undefined ? '' : 'yes',
      ]),
    ];
    lines.push(...alignedTable(table));
    lines.push('');
    const note = NOTES[family];
    if (note !== undefined) lines.push(...note, '');
  }
  return lines.join('\n');
}
