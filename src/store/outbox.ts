/**
 * Outbox queries. The outbox holds desired state, one row per target record (`key`): a newer
 * payload replaces a pending one, so ten changes are one write. Rows are claimed under a lease;
 * completion removes the row only if no newer payload arrived meanwhile. Failed rows end in the
 * dead letters, from where they can be retried or dropped.
 */
import type { DeadLetterRow, OutboxChannel, OutboxRow } from './types.ts';
import type { Ctx, Db } from './db.ts';
import { numberInput, prepared } from './prepared.ts';
import { affected, fromJson, IMMEDIATELY, iso, isoPlus, lockForClaim, nowIso, toJson } from './dialect.ts';

export interface OutboxPut {
  crm: OutboxChannel;
  key: string;
  personId: number | null;
  /** Any JSON object; the pipeline's kinds (`OutboxPayload`, `AlertPayload`) are in `stored.ts`. */
  payload: object;
  hash: string;
  idempotencyKey: string;
  notBefore?: string;
}

/**
 * Upserts the desired state of `key`. On an existing row the payload, hash and idempotency key are
 * replaced and `version` bumped (so an in-flight claim of the old payload cannot delete it); its
 * attempts and back-off stay unless `notBefore` is given, and a row not yet attempted is due at
 * `notBefore`, or at once without one (so a hold ends with the next put). A lease held on the row stays.
 */
export async function outboxPut(ctx: Ctx, row: OutboxPut): Promise<void> {
  const values = {
    crm: row.crm,
    key: row.key,
    personId: row.personId,
    payload: toJson(row.payload),
    hash: row.hash,
    idempotencyKey: row.idempotencyKey,
    createdAt: nowIso(),
  };
  if (row.notBefore === undefined) await putDue(ctx, values);
  else await putNotBefore(ctx, { ...values, notBefore: iso(row.notBefore) });
}

const PUT_INPUTS = ['crm', 'key', 'personId', 'payload', 'hash', 'idempotencyKey', 'createdAt'] as const;
type PutInput = (typeof PUT_INPUTS)[number] | 'notBefore';

function putQuery(db: Db, v: Record<PutInput, string>, withNotBefore: boolean) {
  return db
    .insertInto('outbox')
    .values({
      crm: v.crm,
      key: v.key,
      person_id: numberInput(v.personId),
      payload: v.payload,
      hash: v.hash,
      idempotency_key: v.idempotencyKey,
      attempts: 0,
      next_attempt_at: withNotBefore ? v.notBefore : IMMEDIATELY,
      version: 1,
      created_at: v.createdAt,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        crm: eb.ref('excluded.crm'),
        person_id: eb.ref('excluded.person_id'),
        payload: eb.ref('excluded.payload'),
        hash: eb.ref('excluded.hash'),
        idempotency_key: eb.ref('excluded.idempotency_key'),
        version: eb('outbox.version', '+', 1),
        // A row held by `notBefore` (no attempt yet) is released by a put without one; a back-off stays.
        next_attempt_at: withNotBefore
          ? eb.ref('excluded.next_attempt_at')
          : eb
              .case()
              .when('outbox.attempts', '=', 0)
              .then(eb.ref('excluded.next_attempt_at'))
              .else(eb.ref('outbox.next_attempt_at'))
              .end(),
      })),
    );
}
const putDue = prepared('outbox.put', PUT_INPUTS, (db, v) => putQuery(db, { ...v, notBefore: '' }, false));
const putNotBefore = prepared('outbox.putNotBefore', [...PUT_INPUTS, 'notBefore'], (db, v) => putQuery(db, v, true));

type OutboxSelect = {
  id: number;
  crm: string;
  key: string;
  person_id: number | null;
  payload: string;
  hash: string;
  idempotency_key: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  version: number;
};

function toOutbox(r: OutboxSelect): OutboxRow {
  return {
    id: Number(r.id),
    crm: r.crm as OutboxChannel,
    key: r.key,
    personId: r.person_id === null ? null : Number(r.person_id),
    payload: fromJson(r.payload, {}),
    hash: r.hash,
    idempotencyKey: r.idempotency_key,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    version: Number(r.version),
  };
}

const outboxColumns = [
  'id',
  'crm',
  'key',
  'person_id',
  'payload',
  'hash',
  'idempotency_key',
  'attempts',
  'next_attempt_at',
  'last_error',
  'version',
] as const;

/**
 * Claims up to `limit` due rows of one CRM that are unleased or whose lease expired, leasing them to
 * `owner` until `now + leaseMs`. One UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) statement:
 * two claimers never get the same row, and a row whose worker died is claimable after its lease.
 */
export async function outboxClaim(
  ctx: Ctx,
  crm: OutboxChannel,
  owner: string,
  limit: number,
  leaseMs: number,
  now: string,
): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  const at = iso(now);
  const due = lockForClaim(
    ctx.dialect,
    ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('crm', '=', crm)
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit),
  );
  const rows = await ctx.db
    .updateTable('outbox')
    .set({ lease_owner: owner, lease_until: isoPlus(at, leaseMs) })
    .where('id', 'in', due)
    .returning(outboxColumns)
    .execute();
  return rows.map(toOutbox).sort((a, b) => a.id - b.id);
}

/** One written row: the claimed `id`, the `hash` written and, optionally, the claimed `version`. */
export interface Written {
  id: number;
  hash: string;
  version?: number;
}

/**
 * Done writing the claimed rows: records each `hash` as last written for its key and deletes the
 * row, unless a newer payload arrived meanwhile (a different hash, or a different `version` when
 * the claimer passes the one it claimed); such a row stays pending, unleased, with fresh attempts.
 * A fixed handful of statements whatever the batch size. Must run inside a transaction.
 */
export async function outboxCompleteMany(ctx: Ctx, written: Written[]): Promise<void> {
  if (written.length === 0) return;
  const ids = written.map((w) => w.id);
  const rows = await ctx.db.selectFrom('outbox').select(['id', 'key']).where('id', 'in', ids).execute();
  if (rows.length === 0) return;
  const keyOf = new Map(rows.map((r) => [Number(r.id), r.key]));
  const at = nowIso();
  const hashes = new Map<string, string>();
  for (const w of written) {
    const key = keyOf.get(w.id);
    if (key !== undefined) hashes.set(key, w.hash);
  }
  await ctx.db
    .insertInto('written_hashes')
    .values([...hashes].map(([key, hash]) => ({ key, hash, written_at: at })))
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({ hash: eb.ref('excluded.hash'), written_at: eb.ref('excluded.written_at') })),
    )
    .execute();
  // The hash/version check sits in the DELETE itself, so a put racing this completion is never lost.
  await ctx.db
    .deleteFrom('outbox')
    .where((eb) =>
      eb.or(
        written
          .filter((w) => keyOf.has(w.id))
          .map((w) =>
            eb.and([
              eb('id', '=', w.id),
              eb('hash', '=', w.hash),
              ...(w.version === undefined ? [] : [eb('version', '=', w.version)]),
            ]),
          ),
      ),
    )
    .execute();
  await ctx.db
    .updateTable('outbox')
    .set({ lease_owner: null, lease_until: null, attempts: 0, last_error: null })
    .where('id', 'in', ids)
    .execute();
}

/** `outboxCompleteMany` for one row. Must run inside a transaction. */
export function outboxComplete(ctx: Ctx, id: number, hash: string, version?: number): Promise<void> {
  return outboxCompleteMany(ctx, [{ id, hash, version }]);
}

/** Counts a failed attempt, records the error, releases the lease and makes the row due at `nextAttemptAt`. */
export async function outboxRetry(ctx: Ctx, id: number, error: string, nextAttemptAt: string): Promise<void> {
  await ctx.db
    .updateTable('outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error,
      next_attempt_at: iso(nextAttemptAt),
      lease_owner: null,
      lease_until: null,
    }))
    .where('id', '=', id)
    .execute();
}

/** Holds rows for a setup problem: error recorded, lease released, due at `until`, attempts unchanged (a hold never leads to the dead letters). */
export async function outboxHold(ctx: Ctx, ids: number[], error: string, until: string): Promise<void> {
  if (!ids.length) return;
  await ctx.db
    .updateTable('outbox')
    .set({ last_error: error, next_attempt_at: iso(until), lease_owner: null, lease_until: null })
    .where('id', 'in', ids)
    .execute();
}

/** Moves the row to the dead letters with `error` (counting the failed attempt). Must run inside a transaction. */
export async function outboxDead(ctx: Ctx, id: number, error: string): Promise<void> {
  const row = await ctx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return;
  await ctx.db
    .insertInto('dead_letters')
    .values({
      crm: row.crm,
      key: row.key,
      person_id: row.person_id,
      payload: row.payload,
      hash: row.hash,
      idempotency_key: row.idempotency_key,
      error,
      attempts: Number(row.attempts) + 1,
      created_at: nowIso(),
    })
    .execute();
  await ctx.db.deleteFrom('outbox').where('id', '=', id).execute();
}

/** Rows waiting to be written (leased or not), optionally for one CRM. */
export async function outboxPending(ctx: Ctx, crm?: OutboxChannel): Promise<number> {
  const r = await ctx.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll().as('n'))
    .$if(crm !== undefined, (q) => q.where('crm', '=', crm!))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The pending rows (leased or not) of `keys`, in no particular order. */
export async function outboxByKeys(ctx: Ctx, keys: string[]): Promise<OutboxRow[]> {
  const out: OutboxRow[] = [];
  // chunked: SQLite allows a bounded number of bound parameters per statement
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('outbox')
      .select(outboxColumns)
      .where('key', 'in', keys.slice(i, i + 500))
      .execute();
    out.push(...rows.map(toOutbox));
  }
  return out;
}

/** Hash last written to `key`, for skipping no-op writes. */
export async function lastWrittenHash(ctx: Ctx, key: string): Promise<string | null> {
  const [r] = (await writtenHash<{ hash: string }>(ctx, { key })).rows;
  return r?.hash ?? null;
}
const writtenHash = prepared('outbox.writtenHash', ['key'], (db, v) =>
  db.selectFrom('written_hashes').select('hash').where('key', '=', v.key),
);

/** Dead letters, oldest first. */
export async function listDeadLetters(ctx: Ctx): Promise<DeadLetterRow[]> {
  const rows = await ctx.db.selectFrom('dead_letters').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    crm: r.crm as OutboxChannel,
    key: r.key,
    payload: fromJson(r.payload, {}),
    error: r.error,
    attempts: Number(r.attempts),
    createdAt: r.created_at,
  }));
}

/**
 * Puts a dead letter back into the outbox, due at `now` with fresh attempts and its original
 * idempotency key (a retry creates nothing twice). If a newer desired state for the same key is
 * already pending, that one is kept and only made due. False when no such dead letter.
 * Must run inside a transaction.
 */
export async function retryDeadLetter(ctx: Ctx, id: number, now: string): Promise<boolean> {
  const dead = await ctx.db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!dead) return false;
  const at = iso(now);
  await ctx.db
    .insertInto('outbox')
    .values({
      crm: dead.crm,
      key: dead.key,
      person_id: dead.person_id,
      payload: dead.payload,
      hash: dead.hash,
      idempotency_key: dead.idempotency_key,
      attempts: 0,
      next_attempt_at: at,
      version: 1,
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.column('key').doUpdateSet({ attempts: 0, next_attempt_at: at, last_error: null }))
    .execute();
  await ctx.db.deleteFrom('dead_letters').where('id', '=', id).execute();
  return true;
}

/** Deletes a dead letter; false when no such id. */
export async function dropDeadLetter(ctx: Ctx, id: number): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('dead_letters').where('id', '=', id).executeTakeFirst()) > 0;
}
