/**
 * `bin/baton.js` run directly under a Node too old for the TypeScript sources: one line naming the
 * version it needs and how to get it, exit 1 — not a stack trace about `.ts` extensions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/baton.js');

function major(node: string): number {
  try {
    return Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

/** A real Node older than 24: the machine's own (/usr/bin/node is 20 here), else any on PATH. */
function oldNode(): string | null {
  const candidates = [
    '/usr/bin/node',
    '/usr/local/bin/node',
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'node')),
  ];
  return candidates.find((c) => existsSync(c) && major(c) < 24) ?? null;
}

test('under an old Node, bin/baton.js prints one line naming Node 24 and how to get it, and exits 1', () => {
  const node = oldNode();
  // Without an old Node on this machine, the running one is made to report 20 before the script starts.
  const args = node
    ? [BIN, 'validate']
    : [
        '--import',
        'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.0.0"})',
        BIN,
        'validate',
      ];
  const run = spawnSync(node ?? process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^baton needs Node\.js 24 or newer \(this is Node 20\.[\d.]+\): .*npm install brings it.*https:\/\/nodejs\.org$/,
  );
  expect(run.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|\.ts/);
});

test('under Node 24, bin/baton.js runs the command', () => {
  const run = spawnSync(process.execPath, [BIN, 'validate', '--config', resolve(dirname(BIN), '../mappings')], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^ok: agreement/);
  expect(run.status).toBe(0);
});
