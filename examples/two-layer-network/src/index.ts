// The two-layer network example: the training as a function, and its entry for the demo.

export { example, report, SEED_PREDICTIONS, type TwoLayerRun, twoLayerNetwork } from './example.js';
export {
  INPUTS,
  TARGETS,
  type TwoLayerOptions,
  type TwoLayerResult,
  trainTwoLayerNetwork,
} from './two-layer-network.js';
