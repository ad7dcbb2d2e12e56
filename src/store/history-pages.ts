/**
 * The paged history reader: people in id order, a page at a time, each with what a replay of its
 * history needs (fields, the latest deal, events, sales' answers) and when it actually entered `mql`.
 * Five range queries a page whatever its size, so 100,000 people never sit in memory at once.
 */
import { sql } from 'kysely';
import type { Stage } from '../config/schema.ts';
import type { Ctx } from './db.ts';
import { fromJson } from './dialect.ts';
import type { StoredHistory } from './types.ts';

/** One page of people with `id > afterId`, in id order, at most `limit`. */
export async function historyPage(ctx: Ctx, afterId: number, limit: number): Promise<StoredHistory[]> {
  const { db } = ctx;
  const people = await db
    .selectFrom('people')
    .select(['id', 'email', 'stage', 'owner_id', 'fields'])
    // only Baton's notes of the field sources: the per-field values and times are not the replay's
    .select(
      (ctx.dialect === 'postgres'
        ? sql<string | null>`(field_sources::jsonb -> '$meta')::text`
        : sql<string | null>`json_extract(field_sources, '$."$meta"')`
      ).as('meta'),
    )
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (people.length === 0) return [];
  const first = Number(people[0].id);
  const last = Number(people[people.length - 1].id);
  const [events, feedback, deals, mqls] = await Promise.all([
    db
      .selectFrom('events')
      .select(['person_id', 'id', 'type', 'at', 'properties'])
      .where('person_id', '>=', first)
      .where('person_id', '<=', last)
      .orderBy('person_id')
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('feedback')
      .select(['person_id', 'decision', 'reason', 'at'])
      .where('person_id', '>=', first)
      .where('person_id', '<=', last)
      .orderBy('person_id')
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('deal_people')
      .innerJoin('deals', 'deals.key', 'deal_people.deal_key')
      .select(['deal_people.person_id', 'deals.key', 'deals.fields', 'deals.updated_at'])
      .where('deal_people.person_id', '>=', first)
      .where('deal_people.person_id', '<=', last)
      .orderBy('deal_people.person_id')
      .orderBy('deals.key')
      .execute(),
    // handoffs as they happened: entries into mql (also when passed on the way), breach marks aside
    db
      .selectFrom('transitions')
      .select(['person_id', 'at'])
      .where('person_id', '>=', first)
      .where('person_id', '<=', last)
      .where('breached', '=', 0)
      .where((eb) => eb.or([eb('to_stage', '=', 'mql'), eb('passed', 'like', '%"mql"%')]))
      .orderBy('person_id')
      .orderBy('at')
      .execute(),
  ]);
  const byId = new Map<number, StoredHistory>();
  const out = people.map((p) => {
    const h: StoredHistory = {
      id: Number(p.id),
      email: p.email,
      stage: p.stage as Stage,
      ownerId: p.owner_id,
      fields: fromJson<Record<string, unknown>>(p.fields, {}),
      meta: fromJson<Record<string, unknown> | null>(p.meta, null) ?? {},
      deal: null,
      events: [],
      feedback: [],
      mqlAt: [],
    };
    byId.set(h.id, h);
    return h;
  });
  for (const e of events)
    byId.get(Number(e.person_id))?.events.push({
      id: e.id,
      type: e.type,
      at: e.at,
      properties: fromJson<Record<string, unknown>>(e.properties, {}),
    });
  for (const f of feedback)
    byId.get(Number(f.person_id))?.feedback.push({
      decision: f.decision as 'accept' | 'reject',
      reason: f.reason,
      at: f.at,
    });
  // The person's current deal is its latest by update time (ties: the first by key), as evaluation reads it.
  const latest = new Map<number, { at: number; fields: string }>();
  for (const d of deals) {
    const id = Number(d.person_id);
    const at = Date.parse(d.updated_at);
    const seen = latest.get(id);
    if (!seen || at > seen.at) latest.set(id, { at, fields: d.fields });
  }
  for (const [id, d] of latest) {
    const h = byId.get(id);
    if (!h) continue;
    const { $sources: _s, ...deal } = fromJson<Record<string, unknown>>(d.fields, {});
    h.deal = deal;
  }
  for (const t of mqls) byId.get(Number(t.person_id))?.mqlAt.push(t.at);
  return out;
}
