/** Small named state: cursors, named leases, counters and JSON values. */
import { sql } from 'kysely';
import type { Ctx } from './db.ts';
import { prepared } from './prepared.ts';
import { fromJson, iso, isoPlus, toJson } from './dialect.ts';

export async function getCursor(ctx: Ctx, name: string): Promise<string | null> {
  const r = await ctx.db.selectFrom('cursors').select('value').where('name', '=', name).executeTakeFirst();
  return r?.value ?? null;
}

/** Stores a poller's cursor; `null` forgets it. */
export async function setCursor(ctx: Ctx, name: string, value: string | null): Promise<void> {
  if (value === null) {
    await ctx.db.deleteFrom('cursors').where('name', '=', name).execute();
    return;
  }
  await ctx.db
    .insertInto('cursors')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/**
 * Takes the named lease, renews it for the same owner, or takes it over once expired; one atomic
 * upsert, so of two instances racing for a free lease exactly one wins. False when another owner
 * holds it unexpired.
 */
export async function acquireLease(
  ctx: Ctx,
  name: string,
  owner: string,
  ttlMs: number,
  now: string,
): Promise<boolean> {
  const at = iso(now);
  const until = isoPlus(at, ttlMs);
  const won = await ctx.db
    .insertInto('leases')
    .values({ name, owner, until })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, until })
        .where((eb) => eb.or([eb('leases.owner', '=', owner), eb('leases.until', '<=', at)])),
    )
    .returning('name')
    .executeTakeFirst();
  return won !== undefined;
}

/** Gives the lease up, only if `owner` still holds it. */
export async function releaseLease(ctx: Ctx, name: string, owner: string): Promise<void> {
  await ctx.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

/** Unexpired leases whose name starts with `prefix`, by name (compared exactly: no LIKE wildcards or case folding). */
export async function liveLeases(
  ctx: Ctx,
  prefix: string,
  now: string,
): Promise<{ name: string; owner: string; until: string }[]> {
  const rows = await ctx.db
    .selectFrom('leases')
    .select(['name', 'owner', 'until'])
    .where(sql<string>`substr(name, 1, ${prefix.length})`, '=', prefix)
    .where('until', '>', iso(now))
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, owner: r.owner, until: r.until }));
}

/** Atomically adds `by` to a counter (starting at 0) and returns the new value. */
export async function increment(ctx: Ctx, name: string, by = 1): Promise<number> {
  const r = await ctx.db
    .insertInto('counters')
    .values({ name, value: by })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', by) })))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(r.value);
}

/** A stored JSON value; `undefined` when never set. */
const selectValue = prepared('kv.get', ['name'], (db, v) =>
  db.selectFrom('kv').select('value').where('name', '=', v.name),
);
const upsertValue = prepared('kv.set', ['name', 'value'], (db, v) =>
  db
    .insertInto('kv')
    .values({ name: v.name, value: v.value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: v.value })),
);

export async function getValue(ctx: Ctx, name: string): Promise<unknown> {
  const [r] = (await selectValue<{ value: string }>(ctx, { name })).rows;
  return r ? fromJson<unknown>(r.value, null) : undefined;
}

/** Stores a JSON value; `undefined` deletes it. */
export async function setValue(ctx: Ctx, name: string, value: unknown): Promise<void> {
  if (value === undefined) {
    await ctx.db.deleteFrom('kv').where('name', '=', name).execute();
    return;
  }
  await upsertValue(ctx, { name, value: toJson(value) });
}
