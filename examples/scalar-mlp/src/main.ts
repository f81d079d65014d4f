// Trains micrograd's demo: pnpm --filter @chainrule/example-scalar-mlp start
import { runAsCli } from '@chainrule/example-kit';
import { example } from './example.js';

await runAsCli(example);
