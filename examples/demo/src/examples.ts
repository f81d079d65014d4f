// The examples the demo runs, in order. To add one: export an `Example` from its package and list it here.

import { example as highSchoolNetwork } from '@chainrule/example-high-school-network';
import type { Example } from '@chainrule/example-kit';
import { example as moonsClassifier } from '@chainrule/example-moons-classifier';
import { example as scalarMLP } from '@chainrule/example-scalar-mlp';
import { example as sigmoidChainRule } from '@chainrule/example-sigmoid-chain-rule';
import { example as singleNeuron } from '@chainrule/example-single-neuron';
import { example as twoLayerNetwork } from '@chainrule/example-two-layer-network';

export const examples: readonly Example[] = [
  sigmoidChainRule,
  highSchoolNetwork,
  singleNeuron,
  twoLayerNetwork,
  moonsClassifier,
  scalarMLP,
];
