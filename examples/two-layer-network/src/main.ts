// Trains the two-layer network of seeds 000 and 003: pnpm --filter @chainrule/example-two-layer-network start
import { runAsCli } from '@chainrule/example-kit';
import { example } from './example.js';

await runAsCli(example);
