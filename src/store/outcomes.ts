/**
 * The outcome report's reads: five plain scans (people, stage changes, feedback, deals with their
 * people, the events of people handed over); JSON the report may not need is left as text, each one query, so the report costs a few round trips
 * whatever the number of people.
 */
import type { Stage } from '../config/schema.ts';
import type { Ctx } from './db.ts';
import { fromJson } from './dialect.ts';
import type { OutcomeRows } from './types.ts';

/** Most stage changes skip nothing: one shared empty list for them. */
const NO_STAGES: Stage[] = [];

/** Every row the outcome report folds; transitions are stage changes only (no breach marks), by person and time. */
export async function outcomeRows(ctx: Ctx): Promise<OutcomeRows> {
  const { db } = ctx;
  const [people, transitions, feedback, deals, events] = await Promise.all([
    db.selectFrom('people').select(['id', 'email', 'stage', 'fit', 'engagement', 'fields', 'updated_at']).execute(),
    db
      .selectFrom('transitions')
      .select(['person_id', 'to_stage', 'passed', 'at', 'cause', 'version', 'fit', 'engagement'])
      .where('breached', '=', 0)
      .where((eb) => eb.or([eb('from_stage', 'is', null), eb('from_stage', '!=', eb.ref('to_stage'))]))
      .orderBy('person_id')
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db.selectFrom('feedback').select(['person_id', 'decision', 'reason', 'at']).orderBy('at').orderBy('id').execute(),
    db
      .selectFrom('deal_people')
      .innerJoin('deals', 'deals.key', 'deal_people.deal_key')
      .select(['deals.key', 'deal_people.person_id', 'deals.fields', 'deals.created_at'])
      .execute(),
    // only the events of people handed over: score rules are reported for those
    db
      .selectFrom('events')
      .select(['person_id', 'type', 'properties'])
      .where('person_id', 'in', (eb) => eb.selectFrom('transitions').select('person_id').where('to_stage', '=', 'mql'))
      .execute(),
  ]);
  return {
    people: people.map((p) => ({
      id: Number(p.id),
      email: p.email,
      stage: p.stage as Stage,
      scores: { fit: Number(p.fit), engagement: Number(p.engagement) },
      fieldsText: p.fields,
      updatedAt: p.updated_at,
    })),
    transitions: transitions.map((t) => ({
      personId: Number(t.person_id),
      to: t.to_stage as Stage,
      passed: t.passed === '[]' ? NO_STAGES : fromJson<Stage[]>(t.passed, []),
      at: t.at,
      cause: t.cause,
      version: Number(t.version),
      scores: { fit: Number(t.fit), engagement: Number(t.engagement) },
    })),
    feedback: feedback.map((f) => ({
      personId: Number(f.person_id),
      decision: f.decision as 'accept' | 'reject',
      reason: f.reason,
      at: f.at,
    })),
    deals: deals.map((d) => ({
      key: d.key,
      personId: Number(d.person_id),
      fields: fromJson<Record<string, unknown>>(d.fields, {}),
      createdAt: d.created_at,
    })),
    events: events.map((e) => ({
      personId: Number(e.person_id),
      type: e.type,
      propertiesText: e.properties,
    })),
  };
}
