/** prepared(): a query compiled once, run with each call's values in their places. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/db.ts';
import { prepared } from '../../src/store/prepared.ts';
import type { Store } from '../../src/store/types.ts';
import { bothBackends, type TestStore } from '../support/store.ts';

describe.each(bothBackends)('$name', ({ make }) => {
  let t: TestStore;
  let store: Store;
  let ctx: { db: Kysely<DB>; dialect: 'sqlite' | 'postgres' };
  beforeEach(async () => {
    t = await make();
    store = t.store;
    ctx = {
      db: (store as unknown as { db: Kysely<DB> }).db,
      dialect: (store as unknown as { dialect: 'sqlite' | 'postgres' }).dialect,
    };
  });
  afterEach(async () => {
    await t.cleanup();
  });

  test('values go where their inputs are, whatever order the SQL binds them in, call after call', async () => {
    const put = prepared('test.put', ['value', 'name'], (db, v) =>
      db
        .insertInto('kv')
        .values({ name: v.name, value: v.value })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: v.value })),
    );
    const get = prepared('test.get', ['name'], (db, v) =>
      db.selectFrom('kv').select('value').where('name', '=', v.name),
    );
    await put(ctx, { name: 'a', value: '1' });
    await put(ctx, { name: 'b', value: '2' });
    await put(ctx, { name: 'a', value: '3' });
    expect((await get<{ value: string }>(ctx, { name: 'a' })).rows).toEqual([{ value: '3' }]);
    expect((await get<{ value: string }>(ctx, { name: 'b' })).rows).toEqual([{ value: '2' }]);
    expect(await store.getValue('a')).toBe(3);
  });

  test('an input that does not reach the SQL as a bound value is refused, not stored as placeholder text', async () => {
    const bad = prepared('test.bad', ['name', 'unused'], (db, v) =>
      db.selectFrom('kv').select('value').where('name', '=', v.name),
    );
    await expect(bad(ctx, { name: 'a', unused: 'x' })).rejects.toThrow(
      'prepared query test.bad: input unused is not a bound value',
    );
  });
});
