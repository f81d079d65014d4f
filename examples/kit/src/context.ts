// The terminal side of an example: a context that prints and draws progress bars, and a one-line CLI main.

import { Presets, SingleBar } from 'cli-progress';
import type { Example, ExampleContext, Progress } from './example.js';
import { outDirFor } from './files.js';

/** Options of `terminalContext`. */
export interface TerminalContextOptions {
  /** Draw progress bars (only on a terminal, never in CI logs). Default: when stdout is a TTY. */
  bars?: boolean;
  /** Ask examples for their quick run (see `ExampleContext.fast`). Default false. */
  fast?: boolean;
}

/** A context that prints to stdout and draws progress bars with cli-progress. */
export function terminalContext(outDir: string, options: TerminalContextOptions = {}): ExampleContext {
  const bars = options.bars ?? process.stdout.isTTY === true;
  return {
    outDir,
    fast: options.fast ?? false,
    log: (text) => console.log(text),
    progress: (label, total) => (bars ? progressBar(label, total) : quietProgress(label, total)),
  };
}

/** A context that keeps everything it is told: for tests. Quick runs unless `fast: false`. */
export function recordingContext(
  outDir: string,
  options: { fast?: boolean } = {},
): ExampleContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    outDir,
    fast: options.fast ?? true,
    lines,
    log: (text) => lines.push(text),
    progress: () => ({ update() {}, stop() {} }),
  };
}

function progressBar(label: string, total: number): Progress {
  const bar = new SingleBar(
    {
      format: `  ${label} [{bar}] {value}/{total} {figures}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { figures: '' });
  return {
    update: (step, figures = {}) => bar.update(step, { figures: formatFigures(figures) }),
    stop: () => bar.stop(),
  };
}

/** Without a terminal: one line when the loop ends, with the last figures. */
function quietProgress(label: string, total: number): Progress {
  let last = '';
  return {
    update: (_step, figures = {}) => {
      last = formatFigures(figures);
    },
    stop: () => console.log(`  ${label}: ${total}/${total} ${last}`.trimEnd()),
  };
}

function formatFigures(figures: Record<string, number | string>): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toPrecision(4) : v}`)
    .join('  ');
}

/**
 * Runs one example as a command: prints it, lists the files it wrote, exits 1 when it did not
 * reproduce. `--fast` among the arguments asks for the quick run.
 */
export async function runAsCli(
  example: Example,
  args: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const result = await example.run(
    terminalContext(outDirFor(example.name), { fast: args.includes('--fast') }),
  );
  for (const file of result.files) console.log(`wrote ${file}`);
  console.log(`\n${example.reproduces}: seed ${example.seedFigure}, ours ${result.ours}`);
  if (!result.ok) {
    console.error(`${example.name}: did not reproduce the seed's figure`);
    process.exitCode = 1;
  }
}
