// The sigmoid chain-rule example: the walkthrough as a function, and its entry for the demo.

export {
  example,
  type GraphFiles,
  report,
  SEED_DERIVATIVE,
  SEED_GRADIENTS,
  type Walkthrough,
  walkthrough,
  writeGraph,
} from './example.js';
export {
  type ChainNode,
  naiveDerivative,
  type SigmoidChainRule,
  sigmoidAndDerivative,
  sigmoidChainRule,
} from './sigmoid-chain-rule.js';
