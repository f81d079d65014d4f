// @chainrule/example-kit: what the examples and the demo share (Node only). Pictures come from @chainrule/viz.

export { recordingContext, runAsCli, type TerminalContextOptions, terminalContext } from './context.js';
export type { Example, ExampleContext, ExampleResult, Progress } from './example.js';
export { displayPath, outDirFor, repoRoot, writeOut } from './files.js';
export { type Picture, pictureFiles, pictureLine, writePicture } from './pictures.js';
