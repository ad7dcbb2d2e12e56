#!/usr/bin/env node
// Runs under plain `node`: Node 24 strips TypeScript types natively, so the CLI sources load as they are.
import { main } from '../src/cli/main.ts';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
