// @chainrule/example-kit: what the examples and the demo share (Node only).

export {
  type DecisionBoundaryOptions,
  decisionBoundaryChart,
  type LabelledPoint,
  type LineChartOptions,
  lineChart,
  renderVegaLite,
  type Series,
} from './charts.js';
export { recordingContext, runAsCli, type TerminalContextOptions, terminalContext } from './context.js';
export type { Example, ExampleContext, ExampleResult, Progress } from './example.js';
export { displayPath, outDirFor, repoRoot, writeOut } from './files.js';
export {
  dotToSvg,
  fontFiles,
  type Picture,
  type Png,
  pictureFiles,
  pictureLine,
  svgToPng,
  writePicture,
} from './render.js';
