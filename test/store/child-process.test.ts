/** A test store's URL opens the same database from a child process (as `baton serve` would). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothBackends } from '../support/store.ts';

const run = promisify(execFile);
const storeModule = pathToFileURL(resolve(import.meta.dirname, '../../src/store/index.ts')).href;

const child = `
import { openStore, defaultDatabaseUrl } from ${JSON.stringify(storeModule)};
const store = await openStore(defaultDatabaseUrl());
const seen = await store.getCursor('parent');
await store.transaction(async (tx) => {
  await tx.setCursor('child', 'hello');
  await tx.increment('n');
});
await store.close();
console.log(JSON.stringify({ seen }));
`;

describe.each(bothBackends)('child process on $name', ({ make }) => {
  it('shares the database through BATON_DATABASE_URL', async () => {
    const t = await make();
    try {
      await t.store.setCursor('parent', 'hi');
      const [a, b] = await Promise.all(
        [1, 2].map(() =>
          run(process.execPath, ['--input-type=module', '-e', child], {
            env: { ...process.env, BATON_DATABASE_URL: t.url },
          }),
        ),
      );
      expect(JSON.parse(a.stdout)).toEqual({ seen: 'hi' });
      expect(JSON.parse(b.stdout)).toEqual({ seen: 'hi' });
      expect(await t.store.getCursor('child')).toBe('hello');
      expect(await t.store.increment('n', 0)).toBe(2);
    } finally {
      await t.cleanup();
    }
  });
});
