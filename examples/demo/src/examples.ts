// The examples the demo runs, in order. To add one: export an `Example` from its package and list it here.

import type { Example } from '@chainrule/example-kit';
import { example as sigmoidChainRule } from '@chainrule/example-sigmoid-chain-rule';

export const examples: readonly Example[] = [
  sigmoidChainRule,
  // next: two-layer network, moons classifier, single neuron, scalar MLP, 10-5-2 network
];
