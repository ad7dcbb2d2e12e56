/** People queries: the person record, its CRM ids (with aliases of merged ids) and merging. */
import type { Selectable } from 'kysely';
import type { Stage } from '../config/schema.ts';
import type { Crm, NewPerson, PersonRow } from './types.ts';
import type { Ctx, PeopleTable } from './db.ts';
import { numberInput, prepared } from './prepared.ts';
import { readPersonState } from './stored.ts';
import { BatonError } from '../platform/errors.ts';
import { fromBool, fromJson, isUniqueViolation, iso, nowIso, toBool, toJson } from './dialect.ts';

/** Lower-cased, trimmed email: the person's key. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The CRM ids each loaded person row had in the store, so a save links only ids that changed: the
 * links of stored ids exist already (every save and create made them), and re-linking them on
 * every save would cost two upserts a person.
 */
const storedIds = new WeakMap<PersonRow, { hubspotId: string | null; salesforceId: string | null }>();

function toPerson(r: Selectable<PeopleTable>): PersonRow {
  const p = toPersonRow(r);
  storedIds.set(p, { hubspotId: p.hubspotId, salesforceId: p.salesforceId });
  return p;
}

function toPersonRow(r: Selectable<PeopleTable>): PersonRow {
  return {
    id: Number(r.id),
    email: r.email,
    hubspotId: r.hubspot_id,
    salesforceId: r.salesforce_id,
    salesforceObject: r.salesforce_object,
    fields: fromJson(r.fields, {}),
    fieldSources: fromJson(r.field_sources, {}),
    state: readPersonState(fromJson(r.state, null), Number(r.id)),
    stage: r.stage as Stage,
    scores: { fit: Number(r.fit), engagement: Number(r.engagement) },
    slaDue: r.sla_due,
    slaBreached: fromBool(r.sla_breached),
    ownerId: r.owner_id,
    updatedAt: r.updated_at,
    revision: Number(r.revision),
  };
}

type PersonSelect = Selectable<PeopleTable>;
const personById = prepared('people.byId', ['id'], (db, v) =>
  db.selectFrom('people').selectAll().where('id', '=', numberInput(v.id)),
);
const personByEmail = prepared('people.byEmail', ['email'], (db, v) =>
  db.selectFrom('people').selectAll().where('email', '=', v.email),
);
const personByCrmId = prepared('people.byCrmId', ['crm', 'id'], (db, v) =>
  db
    .selectFrom('people')
    .innerJoin('person_crm_ids as c', 'c.person_id', 'people.id')
    .selectAll('people')
    .where('c.crm', '=', v.crm)
    .where('c.crm_id', '=', v.id),
);
const upsertCrmId = prepared('people.linkCrmId', ['crm', 'id', 'personId'], (db, v) =>
  db
    .insertInto('person_crm_ids')
    .values({ crm: v.crm, crm_id: v.id, person_id: numberInput(v.personId) })
    .onConflict((oc) => oc.columns(['crm', 'crm_id']).doUpdateSet({ person_id: numberInput(v.personId) })),
);

export async function getPerson(ctx: Ctx, id: number): Promise<PersonRow | null> {
  const [r] = (await personById<PersonSelect>(ctx, { id })).rows;
  return r ? toPerson(r) : null;
}

/** Looks a person up by (normalised) email. */
export async function findPersonByEmail(ctx: Ctx, email: string): Promise<PersonRow | null> {
  const [r] = (await personByEmail<PersonSelect>(ctx, { email: normalizeEmail(email) })).rows;
  return r ? toPerson(r) : null;
}

/** The stored people of `emails` (normalised here), read 500 emails a query. */
export async function findPeopleByEmails(ctx: Ctx, emails: string[]): Promise<PersonRow[]> {
  const keys = [...new Set(emails.map(normalizeEmail))];
  const out: PersonRow[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('people')
      .selectAll()
      .where('email', 'in', keys.slice(i, i + 500))
      .execute();
    out.push(...rows.map(toPerson));
  }
  return out;
}

/** Resolves a CRM id, including ids of records merged away in the CRM or into this person. */
export async function findPersonByCrmId(ctx: Ctx, crm: Crm, id: string): Promise<PersonRow | null> {
  const [r] = (await personByCrmId<PersonSelect>(ctx, { crm, id })).rows;
  return r ? toPerson(r) : null;
}

/** Points a CRM id at a person (moving it if it pointed elsewhere). */
export async function linkCrmId(ctx: Ctx, personId: number, crm: Crm, id: string): Promise<void> {
  await upsertCrmId(ctx, { crm, id, personId });
}

async function linkOwnIds(ctx: Ctx, p: PersonRow): Promise<void> {
  const stored = storedIds.get(p);
  if (p.hubspotId && p.hubspotId !== stored?.hubspotId) await linkCrmId(ctx, p.id, 'hubspot', p.hubspotId);
  if (p.salesforceId && p.salesforceId !== stored?.salesforceId)
    await linkCrmId(ctx, p.id, 'salesforce', p.salesforceId);
  storedIds.set(p, { hubspotId: p.hubspotId, salesforceId: p.salesforceId });
}

const PERSON_COLUMNS = [
  'email',
  'hubspot_id',
  'salesforce_id',
  'salesforce_object',
  'fields',
  'field_sources',
  'state',
  'stage',
  'fit',
  'engagement',
  'sla_due',
  'sla_breached',
  'owner_id',
  'updated_at',
  'revision',
] as const;
const updatePersonRow = prepared('people.save', [...PERSON_COLUMNS, 'id', 'stored_revision'], (db, v) => {
  const set = Object.fromEntries(PERSON_COLUMNS.map((c) => [c, v[c]]));
  return db
    .updateTable('people')
    .set(set as never)
    .where('id', '=', numberInput(v.id))
    .where('revision', '=', numberInput(v.stored_revision));
});

function columns(p: Omit<PersonRow, 'id' | 'email' | 'revision' | 'updatedAt'>) {
  return {
    hubspot_id: p.hubspotId,
    salesforce_id: p.salesforceId,
    salesforce_object: p.salesforceObject,
    fields: toJson(p.fields),
    field_sources: toJson(p.fieldSources),
    // a person never evaluated keeps `{}`, as before the state had a type
    state: toJson(p.state ?? {}),
    stage: p.stage,
    fit: p.scores.fit,
    engagement: p.scores.engagement,
    sla_due: p.slaDue === null ? null : iso(p.slaDue),
    sla_breached: toBool(p.slaBreached),
    owner_id: p.ownerId,
  };
}

const insertPersonRow = prepared('people.create', PERSON_COLUMNS, (db, v) =>
  db
    .insertInto('people')
    .values(Object.fromEntries(PERSON_COLUMNS.map((c) => [c, v[c]])) as never)
    .returningAll(),
);

/**
 * Creates a person (email normalised, revision 1) and links its CRM ids. When the email is taken
 * (another worker created the person first) it throws `BatonError` with code `person_exists`, so
 * the caller can look the person up again.
 */
export async function createPerson(ctx: Ctx, p: NewPerson): Promise<PersonRow> {
  const full = {
    hubspotId: p.hubspotId ?? null,
    salesforceId: p.salesforceId ?? null,
    salesforceObject: p.salesforceObject ?? null,
    fields: p.fields ?? {},
    fieldSources: p.fieldSources ?? {},
    state: p.state ?? null,
    stage: p.stage ?? 'lead',
    scores: p.scores ?? { fit: 0, engagement: 0 },
    slaDue: p.slaDue ?? null,
    slaBreached: p.slaBreached ?? false,
    ownerId: p.ownerId ?? null,
  };
  const [row] = (
    await insertPersonRow<PersonSelect>(ctx, {
      email: normalizeEmail(p.email),
      ...columns(full),
      updated_at: nowIso(),
      revision: 1,
    }).catch((err: unknown) => {
      // No email in the message: errors reach info-level logs.
      if (isUniqueViolation(err))
        throw new BatonError('person_exists', 'a person with this email already exists', { cause: err });
      throw err;
    })
  ).rows;
  // Not yet linked: toPersonRow leaves it out of `storedIds`, so every id is linked now.
  const person = toPersonRow(row);
  await linkOwnIds(ctx, person);
  return person;
}

/**
 * Saves when `p.revision` is still the stored one (optimistic concurrency); false when someone saved
 * first. On success `p.revision` is bumped in place, so the same object can be saved again.
 * `updatedAt` is written as given (the caller owns the clock).
 */
export async function savePerson(ctx: Ctx, p: PersonRow): Promise<boolean> {
  const result = await updatePersonRow(ctx, {
    email: normalizeEmail(p.email),
    ...columns(p),
    updated_at: iso(p.updatedAt),
    revision: p.revision + 1,
    id: p.id,
    stored_revision: p.revision,
  });
  if (Number(result.numAffectedRows ?? 0) === 0) return false;
  p.revision += 1;
  await linkOwnIds(ctx, p);
  return true;
}

/** People in id order, for paging with `afterId`. */
export async function listPeople(ctx: Ctx, opts: { afterId?: number; limit: number }): Promise<PersonRow[]> {
  const rows = await ctx.db
    .selectFrom('people')
    .selectAll()
    .$if(opts.afterId !== undefined, (q) => q.where('id', '>', opts.afterId!))
    .orderBy('id')
    .limit(opts.limit)
    .execute();
  return rows.map(toPerson);
}

/** How many people are stored and the highest id (0 when none). */
export async function peopleExtent(ctx: Ctx): Promise<{ count: number; maxId: number }> {
  const r = await ctx.db
    .selectFrom('people')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('id').as('max')])
    .executeTakeFirst();
  return { count: Number(r?.n ?? 0), maxId: Number(r?.max ?? 0) };
}

/** People whose SLA is due at or before `at` and not yet breached, soonest first. */
export async function dueSla(ctx: Ctx, at: string, limit: number): Promise<PersonRow[]> {
  const rows = await ctx.db
    .selectFrom('people')
    .selectAll()
    .where('sla_due', 'is not', null)
    .where('sla_due', '<=', iso(at))
    .where('sla_breached', '=', 0)
    .orderBy('sla_due')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toPerson);
}

/**
 * Folds `fromId` into `intoId`: events, transitions, feedback, CRM ids (kept as aliases, so the
 * merged ids still resolve), deal links and outbox rows move over; `into` takes `from`'s CRM ids
 * where it has none; its revision is bumped (its history changed) and `from` is deleted.
 * Must run inside a transaction (the Store wraps it in one).
 */
export async function mergePeople(ctx: Ctx, intoId: number, fromId: number): Promise<void> {
  if (intoId === fromId) return;
  const into = await getPerson(ctx, intoId);
  const from = await getPerson(ctx, fromId);
  if (!into || !from)
    throw new BatonError(
      'person_not_found',
      `cannot merge person ${fromId} into ${intoId}: ${!into ? intoId : fromId} does not exist`,
    );
  const db = ctx.db;
  await db.updateTable('events').set({ person_id: intoId }).where('person_id', '=', fromId).execute();
  await db.updateTable('transitions').set({ person_id: intoId }).where('person_id', '=', fromId).execute();
  await db.updateTable('feedback').set({ person_id: intoId }).where('person_id', '=', fromId).execute();
  await db.updateTable('person_crm_ids').set({ person_id: intoId }).where('person_id', '=', fromId).execute();
  await db.updateTable('outbox').set({ person_id: intoId }).where('person_id', '=', fromId).execute();
  await db
    .insertInto('deal_people')
    .columns(['deal_key', 'person_id'])
    .expression((eb) =>
      eb
        .selectFrom('deal_people')
        .select((e) => ['deal_key', e.val(intoId).as('person_id')])
        .where('person_id', '=', fromId),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db.deleteFrom('deal_people').where('person_id', '=', fromId).execute();
  await db
    .insertInto('person_accounts')
    .columns(['crm', 'account_id', 'person_id'])
    .expression((eb) =>
      eb
        .selectFrom('person_accounts')
        .select((e) => ['crm', 'account_id', e.val(intoId).as('person_id')])
        .where('person_id', '=', fromId),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db.deleteFrom('person_accounts').where('person_id', '=', fromId).execute();
  await db.deleteFrom('people').where('id', '=', fromId).execute();
  await db
    .updateTable('people')
    .set((eb) => ({
      hubspot_id: into.hubspotId ?? from.hubspotId,
      salesforce_id: into.salesforceId ?? from.salesforceId,
      salesforce_object: into.salesforceId ? into.salesforceObject : (from.salesforceObject ?? into.salesforceObject),
      revision: eb('revision', '+', 1),
    }))
    .where('id', '=', intoId)
    .execute();
}
