#!/usr/bin/env node
// Plain JavaScript that older Nodes can parse: the version is checked before any TypeScript source
// is imported, because only Node 24 strips types natively and an older one fails with a stack trace.
const NEEDED = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major < NEEDED) {
  console.error(
    `baton needs Node.js ${NEEDED} or newer (this is Node ${process.versions.node}): in the project, npm install brings it, then use npx baton … or npm run demo; or install Node ${NEEDED} from https://nodejs.org`,
  );
  process.exit(1);
}

const { main } = await import('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
