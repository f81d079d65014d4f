// The Example interface: what each example hands the demo, and the context the demo hands back.

/** What an example reports when it finishes: one short figure for the summary table, and its verdict. */
export interface ExampleResult {
  /** Our figure, in the same terms as `seedFigure` (e.g. `sigmoid'(1) = 0.19661193`). */
  ours: string;
  /** Whether our figure reproduces the seed's. */
  ok: boolean;
  /** Files written under the output folder, relative to the repository root. */
  files: string[];
}

/** One row of the demo: an example that reproduces a seed tutorial. */
export interface Example {
  /** The example's folder name under `examples/`, e.g. `sigmoid-chain-rule`. */
  name: string;
  /** What it reproduces, in a few words. */
  reproduces: string;
  /** The seed's own figure, as the tutorial states it. */
  seedFigure: string;
  /** Runs the example, printing through `ctx.log`, writing files under `ctx.outDir`. */
  run(ctx: ExampleContext): Promise<ExampleResult>;
}

/** A progress bar for a loop of known length; the demo draws it, tests ignore it. */
export interface Progress {
  /** Moves the bar to `step` (1-based) and shows the given figures beside it, e.g. `{ loss: 0.12 }`. */
  update(step: number, figures?: Record<string, number | string>): void;
  /** Finishes the bar. */
  stop(): void;
}

/** What an example may use while it runs. */
export interface ExampleContext {
  /** The folder to write pictures and data into (created on demand by `writeOut`). */
  outDir: string;
  /** Prints one block of text. */
  log(text: string): void;
  /** A progress bar over `total` steps, labelled `label`. */
  progress(label: string, total: number): Progress;
  /**
   * Run quickly (tests, `start -- --fast`): examples with long training shorten it, and judge
   * themselves by what the short run can show (the loss falls, accuracy passes a lower bar).
   */
  fast?: boolean;
}
