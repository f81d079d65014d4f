// The public API of @chainrule/viz (browser-safe): graphs, line charts and decision boundaries as SVG text.

export {
  type DecisionBoundaryOptions,
  decisionBoundarySvg,
  type Predict,
} from './decision-boundary.js';
export { formatNumber, type GraphOptions, graphDot, graphNodes, graphSvg, type Node } from './graph.js';
export { dotToSvg } from './graphviz.js';
export { type LineChartOptions, lineChartSvg, type Series } from './line-chart.js';
