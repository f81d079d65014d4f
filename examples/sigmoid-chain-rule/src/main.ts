// Runs the sigmoid chain-rule walkthrough: pnpm --filter @chainrule/example-sigmoid-chain-rule start
import { runAsCli } from '@chainrule/example-kit';
import { example } from './example.js';

await runAsCli(example);
