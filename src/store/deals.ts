/** Deal and attribution queries. */
import type { AccountRef, AttributionRow, Crm, DealRow } from './types.ts';
import type { Selectable } from 'kysely';
import type { Ctx, DealsTable } from './db.ts';
import { numberInput, prepared } from './prepared.ts';
import { fromJson, iso, toJson } from './dialect.ts';

/** Inserts or replaces a deal and its set of linked people. Must run inside a transaction. */
export async function upsertDeal(ctx: Ctx, row: DealRow): Promise<void> {
  const values = {
    hubspot_id: row.hubspotId,
    salesforce_id: row.salesforceId,
    fields: toJson(row.fields),
    created_at: row.createdAt === null ? null : iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
  await ctx.db
    .insertInto('deals')
    .values({ key: row.key, ...values })
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute();
  await ctx.db.deleteFrom('deal_people').where('deal_key', '=', row.key).execute();
  // Absent accounts leave the stored ones as they are.
  if (row.accounts) {
    await ctx.db.deleteFrom('deal_accounts').where('deal_key', '=', row.key).execute();
    const unique = new Map(row.accounts.map((a) => [`${a.crm}:${a.id}`, a]));
    if (unique.size > 0)
      await ctx.db
        .insertInto('deal_accounts')
        .values([...unique.values()].map((a) => ({ deal_key: row.key, crm: a.crm, account_id: a.id })))
        .execute();
  }
  const ids = [...new Set(row.personIds)];
  if (ids.length > 0)
    await ctx.db
      .insertInto('deal_people')
      .values(ids.map((person_id) => ({ deal_key: row.key, person_id })))
      .execute();
}

async function hydrate(
  ctx: Ctx,
  rows: {
    key: string;
    hubspot_id: string | null;
    salesforce_id: string | null;
    fields: string;
    created_at: string | null;
    updated_at: string;
  }[],
): Promise<DealRow[]> {
  if (rows.length === 0) return [];
  const links = await ctx.db
    .selectFrom('deal_people')
    .select(['deal_key', 'person_id'])
    .where(
      'deal_key',
      'in',
      rows.map((r) => r.key),
    )
    .orderBy('person_id')
    .execute();
  const accounts = await ctx.db
    .selectFrom('deal_accounts')
    .select(['deal_key', 'crm', 'account_id'])
    .where(
      'deal_key',
      'in',
      rows.map((r) => r.key),
    )
    .orderBy('crm')
    .orderBy('account_id')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    hubspotId: r.hubspot_id,
    salesforceId: r.salesforce_id,
    fields: fromJson(r.fields, {}),
    personIds: links.filter((l) => l.deal_key === r.key).map((l) => Number(l.person_id)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    accounts: accounts.filter((a) => a.deal_key === r.key).map((a) => ({ crm: a.crm as Crm, id: a.account_id })),
  }));
}

export async function getDeal(ctx: Ctx, key: string): Promise<DealRow | null> {
  const rows = await ctx.db.selectFrom('deals').selectAll().where('key', '=', key).execute();
  return (await hydrate(ctx, rows))[0] ?? null;
}

/** Deals linked to a person, by key. */
const dealsOf = prepared('deals.ofPerson', ['personId'], (db, v) =>
  db
    .selectFrom('deals')
    .selectAll()
    .where('key', 'in', (eb) =>
      eb.selectFrom('deal_people').select('deal_key').where('person_id', '=', numberInput(v.personId)),
    )
    .orderBy('key'),
);

export async function dealsForPerson(ctx: Ctx, personId: number): Promise<DealRow[]> {
  const { rows } = await dealsOf<Selectable<DealsTable>>(ctx, { personId });
  return hydrate(ctx, rows);
}

/** Deals created in `from <= created_at < to`; with both bounds open, every deal (also those without a creation time). */
export async function dealsCreated(ctx: Ctx, from: string | null, to: string | null): Promise<DealRow[]> {
  const rows = await ctx.db
    .selectFrom('deals')
    .selectAll()
    .$if(from !== null, (q) => q.where('created_at', '>=', iso(from!)))
    .$if(to !== null, (q) => q.where('created_at', '<', iso(to!)))
    .orderBy('key')
    .execute();
  return hydrate(ctx, rows);
}

/** Replaces the accounts a person is on in one CRM. Must run inside a transaction. */
export async function setPersonAccounts(
  ctx: Ctx,
  personId: number,
  crm: Crm,
  accountIds: readonly string[],
): Promise<void> {
  await ctx.db.deleteFrom('person_accounts').where('person_id', '=', personId).where('crm', '=', crm).execute();
  const ids = [...new Set(accountIds.filter((id) => id))];
  if (ids.length > 0)
    await ctx.db
      .insertInto('person_accounts')
      .values(ids.map((account_id) => ({ crm, account_id, person_id: personId })))
      .execute();
}

/** The people on any of `accounts`, by id. */
export async function peopleOnAccounts(ctx: Ctx, accounts: readonly AccountRef[]): Promise<number[]> {
  if (accounts.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('person_accounts')
    .select('person_id')
    .distinct()
    .where((eb) => eb.or(accounts.map((a) => eb.and([eb('crm', '=', a.crm), eb('account_id', '=', a.id)]))))
    .orderBy('person_id')
    .execute();
  return rows.map((r) => Number(r.person_id));
}

/** Deals on any of `accounts`, by key. */
export async function dealsOnAccounts(ctx: Ctx, accounts: readonly AccountRef[]): Promise<DealRow[]> {
  if (accounts.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('deals')
    .selectAll()
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('deal_accounts')
        .select('deal_key')
        .where((w) => w.or(accounts.map((a) => w.and([w('crm', '=', a.crm), w('account_id', '=', a.id)])))),
    )
    .orderBy('key')
    .execute();
  return hydrate(ctx, rows);
}

/** The accounts a person is on, in both CRMs. */
export async function accountsOfPerson(ctx: Ctx, personId: number): Promise<AccountRef[]> {
  const rows = await ctx.db
    .selectFrom('person_accounts')
    .select(['crm', 'account_id'])
    .where('person_id', '=', personId)
    .orderBy('crm')
    .orderBy('account_id')
    .execute();
  return rows.map((r) => ({ crm: r.crm as Crm, id: r.account_id }));
}

/** Replaces every model's result for one deal. Must run inside a transaction. */
export async function replaceAttribution(ctx: Ctx, dealKey: string, rows: AttributionRow[]): Promise<void> {
  await ctx.db.deleteFrom('attribution').where('deal_key', '=', dealKey).execute();
  if (rows.length === 0) return;
  await ctx.db
    .insertInto('attribution')
    .values(
      rows.map((r) => ({
        deal_key: dealKey,
        model: r.model,
        amount_cents: r.amountCents,
        close_date: r.closeDate,
        shares: toJson(r.shares),
        computed_at: iso(r.computedAt),
      })),
    )
    .execute();
}

/** One model's results for deals closing in `from <= closeDate < to` (either bound optional). */
export async function attributionFor(
  ctx: Ctx,
  model: string,
  from: string | null,
  to: string | null,
): Promise<AttributionRow[]> {
  const rows = await ctx.db
    .selectFrom('attribution')
    .selectAll()
    .where('model', '=', model)
    .$if(from !== null, (q) => q.where('close_date', '>=', from!))
    .$if(to !== null, (q) => q.where('close_date', '<', to!))
    .orderBy('close_date')
    .orderBy('deal_key')
    .execute();
  return rows.map((r) => ({
    dealKey: r.deal_key,
    model: r.model,
    amountCents: Number(r.amount_cents),
    closeDate: r.close_date,
    shares: fromJson<AttributionRow['shares']>(r.shares, []),
    computedAt: r.computed_at,
  }));
}
