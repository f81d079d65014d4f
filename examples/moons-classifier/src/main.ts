// Trains seed 002's moons classifier: pnpm --filter @chainrule/example-moons-classifier start
import { runAsCli } from '@chainrule/example-kit';
import { example } from './example.js';

await runAsCli(example);
