#!/usr/bin/env node
// Plain JavaScript that older Nodes can parse: the version is checked before any TypeScript source
// is imported, because only Node 24 strips types natively and an older one fails with a stack trace.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const NEEDED = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major < NEEDED) {
  console.error(
    `baton needs Node.js ${NEEDED} or newer (this is Node ${process.versions.node}): in the project, npm install brings it, then use npx baton … or npm run demo; or install Node ${NEEDED} from https://nodejs.org`,
  );
  process.exit(1);
}

// Node keeps the compiled (and type-stripped) modules on disk between runs: start-up is mostly
// loading modules, and a warm cache halves it. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();

// A backfill keeps little alive (two pages, ~70 MiB with the code) but allocates fast; under V8's
// default young generation its resident memory would grow to several times its live heap, and the
// old generation, left to its own growth, to 350 MiB by 100,000 records of garbage. So it runs with
// a small young generation and an old one capped at 192 MiB (collected sooner, never short), in a
// child with the flags, unless they are already given.
const FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=192'];
const args = process.argv.slice(2);
const flagged = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size'));
if (args[0] === 'backfill' && !args.includes('--help') && !args.includes('-h') && !flagged) {
  // Imported here: child_process (and net under it) cost every other command ~20 ms of start-up.
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...FLAGS, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
} else {
  const { main } = await import('../src/cli/main.ts');
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
