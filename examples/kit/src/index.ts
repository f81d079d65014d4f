// @chainrule/example-kit: what the examples and the demo share (Node only).

export { recordingContext, runAsCli, type TerminalContextOptions, terminalContext } from './context.js';
export type { Example, ExampleContext, ExampleResult, Progress } from './example.js';
export { displayPath, outDirFor, repoRoot, writeOut } from './files.js';
export { dotToSvg, type Png, svgToPng } from './render.js';
