// The public API of @chainrule/viz (browser-safe): graphs, line charts and decision boundaries as SVG text.

export { formatNumber, type GraphOptions, graphDot, graphNodes, graphSvg, type Node } from './graph.js';
export { dotToSvg } from './graphviz.js';
