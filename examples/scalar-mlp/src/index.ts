// micrograd's demo with chainrule's scalar networks: the training as a function, and its entry for the demo.

export { example, report, type ScalarMLPRun, scalarMLP } from './example.js';
export { ALPHA, type ScalarMLPOptions, type ScalarMLPResult, scores, trainScalarMLP } from './scalar-mlp.js';
