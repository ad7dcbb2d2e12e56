/** History queries: transitions (append-only), events/touches (unique by id) and sales feedback. */
import type { Stage } from '../config/schema.ts';
import type { EventRow, FeedbackRow, TransitionRow } from './types.ts';
import type { Selectable } from 'kysely';
import type { Ctx, EventsTable } from './db.ts';
import { numberInput, prepared } from './prepared.ts';
import { fromBool, fromJson, iso, toBool, toJson } from './dialect.ts';

/** Rows per multi-row INSERT, well under either backend's bound-parameter limit. */
const CHUNK = 200;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Appends transitions; they are never updated (a merge only re-points them). */
export async function appendTransitions(ctx: Ctx, rows: Omit<TransitionRow, 'id'>[]): Promise<void> {
  for (const part of chunks(rows)) {
    await ctx.db
      .insertInto('transitions')
      .values(
        part.map((t) => ({
          person_id: t.personId,
          from_stage: t.from,
          to_stage: t.to,
          at: iso(t.at),
          cause: t.cause,
          version: t.version,
          fit: t.scores.fit,
          engagement: t.scores.engagement,
          passed: toJson(t.passed),
          breached: toBool(t.breached),
          reason: t.reason,
          meta: toJson(t.meta),
        })),
      )
      .execute();
  }
}

const transitionColumns = [
  'id',
  'person_id',
  'from_stage',
  'to_stage',
  'at',
  'cause',
  'version',
  'fit',
  'engagement',
  'passed',
  'breached',
  'reason',
  'meta',
] as const;

function toTransition(r: {
  id: number;
  person_id: number;
  from_stage: string | null;
  to_stage: string;
  at: string;
  cause: string;
  version: number;
  fit: number;
  engagement: number;
  passed: string;
  breached: number;
  reason: string | null;
  meta: string;
}): TransitionRow {
  return {
    id: Number(r.id),
    personId: Number(r.person_id),
    from: r.from_stage as Stage | null,
    to: r.to_stage as Stage,
    at: r.at,
    cause: r.cause,
    version: Number(r.version),
    scores: { fit: Number(r.fit), engagement: Number(r.engagement) },
    passed: fromJson<Stage[]>(r.passed, []),
    breached: fromBool(r.breached),
    reason: r.reason,
    meta: fromJson(r.meta, {}),
  };
}

/** One person's transitions, oldest first. */
export async function listTransitions(ctx: Ctx, personId: number): Promise<TransitionRow[]> {
  const rows = await ctx.db
    .selectFrom('transitions')
    .select(transitionColumns)
    .where('person_id', '=', personId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(toTransition);
}

/** Transitions with `from <= at < to` (either bound optional), newest first. */
export async function transitionsBetween(
  ctx: Ctx,
  from: string | null,
  to: string | null,
  limit?: number,
): Promise<TransitionRow[]> {
  const rows = await ctx.db
    .selectFrom('transitions')
    .select(transitionColumns)
    .$if(from !== null, (q) => q.where('at', '>=', iso(from!)))
    .$if(to !== null, (q) => q.where('at', '<', iso(to!)))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .$if(limit !== undefined, (q) => q.limit(limit!))
    .execute();
  return rows.map(toTransition);
}

// One event (an API event, a webhook's): the common case, compiled once (prepared.ts).
const insertOneEvent = prepared(
  'events.insertOne',
  ['id', 'personId', 'type', 'at', 'properties', 'campaign', 'channel'],
  (db, v) =>
    db
      .insertInto('events')
      .values({
        id: v.id,
        person_id: numberInput(v.personId),
        type: v.type,
        at: v.at,
        properties: v.properties,
        campaign: v.campaign,
        channel: v.channel,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id'),
);

/** Inserts events whose id is new (others are left untouched); returns the new ids. */
export async function insertEvents(ctx: Ctx, rows: EventRow[]): Promise<string[]> {
  if (rows.length === 1) {
    const [e] = rows;
    const { rows: inserted } = await insertOneEvent<{ id: string }>(ctx, {
      id: e.id,
      personId: e.personId,
      type: e.type,
      at: iso(e.at),
      properties: toJson(e.properties),
      campaign: e.campaign,
      channel: e.channel,
    });
    return inserted.length ? [e.id] : [];
  }
  const fresh: string[] = [];
  for (const part of chunks(rows)) {
    const inserted = await ctx.db
      .insertInto('events')
      .values(
        part.map((e) => ({
          id: e.id,
          person_id: e.personId,
          type: e.type,
          at: iso(e.at),
          properties: toJson(e.properties),
          campaign: e.campaign,
          channel: e.channel,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    fresh.push(...inserted.map((r) => r.id));
  }
  // RETURNING order is not guaranteed; report in input order.
  const isNew = new Set(fresh);
  return rows.map((r) => r.id).filter((id) => isNew.delete(id));
}

/** One person's events, oldest first. */
const eventsOf = prepared('events.ofPerson', ['personId'], (db, v) =>
  db.selectFrom('events').selectAll().where('person_id', '=', numberInput(v.personId)).orderBy('at').orderBy('id'),
);

export async function listEvents(ctx: Ctx, personId: number): Promise<EventRow[]> {
  const { rows } = await eventsOf<Selectable<EventsTable>>(ctx, { personId });
  return rows.map((r) => ({
    id: r.id,
    personId: Number(r.person_id),
    type: r.type,
    at: r.at,
    properties: fromJson(r.properties, {}),
    campaign: r.campaign,
    channel: r.channel,
  }));
}

/** Records one accept/reject decision. */
export async function insertFeedback(ctx: Ctx, row: Omit<FeedbackRow, 'id'>): Promise<FeedbackRow> {
  const r = await ctx.db
    .insertInto('feedback')
    .values({
      person_id: row.personId,
      decision: row.decision,
      reason: row.reason,
      at: iso(row.at),
      source: row.source,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...row, at: iso(row.at), id: Number(r.id) };
}

/** One person's feedback, oldest first. */
export async function listFeedback(ctx: Ctx, personId: number): Promise<FeedbackRow[]> {
  const rows = await ctx.db
    .selectFrom('feedback')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    personId: Number(r.person_id),
    decision: r.decision as FeedbackRow['decision'],
    reason: r.reason,
    at: r.at,
    source: r.source,
  }));
}
