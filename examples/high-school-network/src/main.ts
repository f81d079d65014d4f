// Trains seed 001's products and 10-5-2 network: pnpm --filter @chainrule/example-high-school-network start
import { runAsCli } from '@chainrule/example-kit';
import { example } from './example.js';

await runAsCli(example);
