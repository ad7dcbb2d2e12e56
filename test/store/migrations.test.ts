/** Migrations on a brand-new database, with several instances starting at once. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import type { DB } from '../../src/store/db.ts';
import { DEFAULT_TEST_DATABASE_URL } from '../support/store.ts';

async function appliedVersions(url: string): Promise<number[]> {
  const store = await openStore(url, { migrate: false });
  try {
    const db = (store as unknown as { db: Kysely<DB> }).db;
    const rows = await db.selectFrom('baton_migrations').select('version').orderBy('version').execute();
    return rows.map((r) => Number(r.version));
  } finally {
    await store.close();
  }
}

async function startTogether(url: string): Promise<void> {
  const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
  try {
    const ids = await Promise.all(
      stores.map((s, i) =>
        s.inboxInsert({ source: 'api', dedupKey: 'same', body: i, receivedAt: '2026-01-01T00:00:00Z' }),
      ),
    );
    expect(ids.filter((r) => !r.duplicate)).toHaveLength(1);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
  expect(await appliedVersions(url)).toEqual(MIGRATIONS.map((m) => m.version));
}

describe('migrations on a new database', () => {
  it('SQLite: three stores opening one new file at once migrate it once, creating its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-mig-'));
    try {
      await startTogether(`sqlite:${join(dir, 'nested', 'baton.db')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: three instances starting at once create the schema and migrate it once', async () => {
    const base = process.env.BATON_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
    const schema = `m_${randomBytes(6).toString('hex')}`;
    const url = new URL(base);
    url.searchParams.set('schema', schema);
    try {
      await startTogether(url.toString());
    } finally {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  });

  it('an in-memory SQLite store works for unit tests', async () => {
    const store = await openStore('sqlite::memory:');
    expect(await store.increment('n')).toBe(1);
    await store.close();
  });
});
