/** Inbox queries: durable, deduplicated incoming changes, claimed by workers under a lease. */
import type { InboxDeadLetterRow, InboxRow, Source } from './types.ts';
import type { Ctx } from './db.ts';
import { prepared } from './prepared.ts';
import { BatonError } from '../platform/errors.ts';
import { affected, fromJson, IMMEDIATELY, iso, isoPlus, lockForClaim, nowIso, toJson } from './dialect.ts';

/**
 * Insert-if-new on (source, dedupKey). A duplicate changes nothing (not even a done row's status)
 * and returns the stored row's id with `duplicate: true`.
 */
export async function inboxInsert(
  ctx: Ctx,
  item: { source: Source; dedupKey: string; body: unknown; receivedAt: string },
): Promise<{ id: number; duplicate: boolean }> {
  const values = {
    source: item.source,
    dedupKey: item.dedupKey,
    body: toJson(item.body),
    receivedAt: iso(item.receivedAt),
  };
  const inserted = (await insertNew<{ id: number | string }>(ctx, values)).rows[0];
  if (inserted) return { id: Number(inserted.id), duplicate: false };
  const existing = (await storedId<{ id: number | string }>(ctx, values)).rows[0];
  if (!existing)
    throw new BatonError('store_misuse', `inbox row ${item.source}/${item.dedupKey} neither inserted nor found`);
  return { id: Number(existing.id), duplicate: true };
}

// Every webhook item and API event is one insert: compiled once (prepared.ts), not built anew each time.
const insertNew = prepared('inbox.insert', ['source', 'dedupKey', 'body', 'receivedAt'], (db, v) =>
  db
    .insertInto('inbox')
    .values({
      source: v.source as Source,
      dedup_key: v.dedupKey,
      body: v.body,
      received_at: v.receivedAt,
      status: 'pending',
      attempts: 0,
      next_attempt_at: IMMEDIATELY,
    })
    .onConflict((oc) => oc.columns(['source', 'dedup_key']).doNothing())
    .returning('id'),
);
const storedId = prepared('inbox.idOf', ['source', 'dedupKey'], (db, v) =>
  db
    .selectFrom('inbox')
    .select('id')
    .where('source', '=', v.source as Source)
    .where('dedup_key', '=', v.dedupKey),
);

/**
 * Claims up to `limit` pending items that are due (`next_attempt_at <= now`) and unleased or whose
 * lease expired, oldest first, leasing them to `owner` until `now + leaseMs`. One UPDATE … WHERE id
 * IN (SELECT … FOR UPDATE SKIP LOCKED) statement, so two claimers never get the same item; an item
 * whose worker died is claimable again once its lease expires.
 */
export async function inboxClaim(
  ctx: Ctx,
  owner: string,
  limit: number,
  leaseMs: number,
  now: string,
): Promise<InboxRow[]> {
  if (limit <= 0) return [];
  const at = iso(now);
  const due = lockForClaim(
    ctx.dialect,
    ctx.db
      .selectFrom('inbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit),
  );
  const rows = await ctx.db
    .updateTable('inbox')
    .set({ lease_owner: owner, lease_until: isoPlus(at, leaseMs) })
    .where('id', 'in', due)
    .returning(['id', 'source', 'dedup_key', 'body', 'received_at', 'attempts'])
    .execute();
  return rows
    .map((r) => ({
      id: Number(r.id),
      source: r.source as Source,
      dedupKey: r.dedup_key,
      body: fromJson<unknown>(r.body, null),
      receivedAt: r.received_at,
      attempts: Number(r.attempts),
    }))
    .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id - b.id));
}

/** Marks items done and releases their lease; done rows are kept so duplicates stay recognisable. */
export async function inboxComplete(ctx: Ctx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db
    .updateTable('inbox')
    .set({ status: 'done', lease_owner: null, lease_until: null, last_error: null, completed_at: nowIso() })
    .where('id', 'in', ids)
    .execute();
}

/** Counts a failed attempt, records the error, releases the lease and makes the item due at `retryAt`. */
export async function inboxFail(ctx: Ctx, id: number, error: string, retryAt: string): Promise<void> {
  await ctx.db
    .updateTable('inbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error,
      next_attempt_at: iso(retryAt),
      lease_owner: null,
      lease_until: null,
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Puts an item off without counting an attempt (it waits on a CRM that is unavailable, not on its
 * own failure): the reason recorded, the lease released, due again at `retryAt`.
 */
export async function inboxDefer(ctx: Ctx, id: number, reason: string, retryAt: string): Promise<void> {
  await ctx.db
    .updateTable('inbox')
    .set({ last_error: reason, next_attempt_at: iso(retryAt), lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .execute();
}

/**
 * Gives an item up: it becomes an inbox dead letter (status `dead`) with `error`, the failed attempt
 * counted and its lease released; `completed_at` records when. It stays in the inbox table, so a
 * redelivery of it is still recognised as a duplicate, and retention never prunes it.
 */
export async function inboxDead(ctx: Ctx, id: number, error: string): Promise<void> {
  await ctx.db
    .updateTable('inbox')
    .set((eb) => ({
      status: 'dead',
      attempts: eb('attempts', '+', 1),
      last_error: error,
      lease_owner: null,
      lease_until: null,
      completed_at: nowIso(),
    }))
    .where('id', '=', id)
    .execute();
}

/** Inbox dead letters, oldest first. */
export async function inboxDeadLetters(ctx: Ctx): Promise<InboxDeadLetterRow[]> {
  const rows = await ctx.db
    .selectFrom('inbox')
    .select(['id', 'source', 'dedup_key', 'last_error', 'attempts', 'completed_at', 'received_at'])
    .where('status', '=', 'dead')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source as Source,
    dedupKey: r.dedup_key,
    error: r.last_error ?? '',
    attempts: Number(r.attempts),
    createdAt: r.completed_at ?? r.received_at,
  }));
}

/** Puts an inbox dead letter back in the inbox, due at `now` with fresh attempts; false when no such dead letter. */
export async function retryInboxDeadLetter(ctx: Ctx, id: number, now: string): Promise<boolean> {
  const r = await ctx.db
    .updateTable('inbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: iso(now), completed_at: null })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return affected(r) > 0;
}

/**
 * Drops an inbox dead letter: the item is marked done (never processed), so a redelivery is still a
 * duplicate and retention prunes it like any done item. False when no such dead letter.
 */
export async function dropInboxDeadLetter(ctx: Ctx, id: number): Promise<boolean> {
  const r = await ctx.db
    .updateTable('inbox')
    .set({ status: 'done', completed_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return affected(r) > 0;
}

/** Pending count and the age in ms of the oldest pending item (0 when none): the inbox lag. */
export async function inboxStats(ctx: Ctx, now: string): Promise<{ pending: number; oldestMs: number }> {
  const row = await ctx.db
    .selectFrom('inbox')
    .select((eb) => [eb.fn.countAll().as('pending'), eb.fn.min('received_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const pending = Number(row.pending);
  const oldest = row.oldest as string | null;
  return { pending, oldestMs: oldest ? Math.max(0, Date.parse(now) - Date.parse(oldest)) : 0 };
}

/**
 * Deletes done items completed before `doneBefore` (retention). A duplicate of a pruned item is no
 * longer recognised, so keep them longer than any CRM redelivers. Returns how many were deleted.
 */
export async function inboxPrune(ctx: Ctx, doneBefore: string): Promise<number> {
  const r = await ctx.db
    .deleteFrom('inbox')
    .where('status', '=', 'done')
    .where('completed_at', '<', iso(doneBefore))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
