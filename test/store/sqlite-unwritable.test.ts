import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BatonError } from '../../src/platform/errors.ts';
import { SqliteWriteHealth } from '../../src/store/sqlite.ts';

it('names the file when SQLite refuses a write (read-only), and clears once a write succeeds', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'baton-ro-'));
  const path = join(dir, 'baton.db');
  try {
    const rw = new DatabaseSync(path);
    rw.exec('CREATE TABLE t (x INTEGER)');
    const ro = new DatabaseSync(path, { readOnly: true });
    const health = new SqliteWriteHealth(path);
    let err: unknown;
    try {
      health.write(() => ro.exec('INSERT INTO t VALUES (1)'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BatonError);
    expect(err).toMatchObject({ code: 'store_unwritable', details: { path } });
    expect(health.problem).toContain(path);
    expect(health.problem).toMatch(/readonly/);
    // Other failures pass through untouched and leave the flag alone.
    expect(() => health.write(() => rw.exec('INSERT INTO nope VALUES (1)'))).toThrow(/no such table/);
    expect(health.problem).not.toBeNull();
    health.write(() => rw.exec('INSERT INTO t VALUES (2)'));
    expect(health.problem).toBeNull();
    ro.close();
    rw.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
