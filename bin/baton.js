#!/usr/bin/env node
// Runs under plain `node`: Node 24 strips TypeScript types natively, so the CLI sources load as they are.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// A backfill keeps little alive (two pages) but allocates fast; under V8's default young generation
// its resident memory would grow to several times its live heap. So it runs with a small one, in a
// child with the flag, unless the flag is already given.
const YOUNG = '--max-semi-space-size=4';
const args = process.argv.slice(2);
const flagged = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size'));
if (args[0] === 'backfill' && !args.includes('--help') && !args.includes('-h') && !flagged) {
  const child = spawn(process.execPath, [...process.execArgv, YOUNG, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 1 : 0); });
} else {
  const { main } = await import('../src/cli/main.ts');
  main(args).then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
  );
}
