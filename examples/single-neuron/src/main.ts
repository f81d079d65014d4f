// Trains the single neuron of seed 004: pnpm --filter @chainrule/example-single-neuron start
import { runAsCli } from '@chainrule/example-kit';
import { example } from './example.js';

await runAsCli(example);
