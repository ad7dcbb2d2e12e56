/**
 * The Store contract for account-based attribution: the accounts people and deals are on, and
 * deals by creation time; the same suite on SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { type DealRow, type Store } from '../../src/store/index.ts';
import { bothBackends } from '../support/store.ts';
import { at, openForSuite } from './contract-support.ts';

const deal = (key: string, createdAt: string | null, extra: Partial<DealRow> = {}): DealRow => ({
  key,
  hubspotId: null,
  salesforceId: key.replace('salesforce:', ''),
  fields: { amount: 100 },
  personIds: [],
  createdAt,
  updatedAt: at(0),
  ...extra,
});

describe.each(bothBackends)('Store accounts contract on $name', ({ make }) => {
  let s: Store;
  openForSuite(make, (opened) => {
    s = opened.store;
  });

  it("replaces a person's accounts per CRM and finds the people on accounts", async () => {
    const a = await s.createPerson({ email: 'a@corp.example' });
    const b = await s.createPerson({ email: 'b@corp.example' });
    const c = await s.createPerson({ email: 'c@corp.example' });
    await s.setPersonAccounts(a.id, 'salesforce', ['001A']);
    await s.setPersonAccounts(b.id, 'salesforce', ['001A', '001B', '001A']);
    await s.setPersonAccounts(b.id, 'hubspot', ['77']);
    await s.setPersonAccounts(c.id, 'hubspot', ['77']);
    expect(await s.peopleOnAccounts([{ crm: 'salesforce', id: '001A' }])).toEqual([a.id, b.id]);
    // the same id in the other CRM is another account
    expect(await s.peopleOnAccounts([{ crm: 'salesforce', id: '77' }])).toEqual([]);
    expect(
      await s.peopleOnAccounts([
        { crm: 'salesforce', id: '001B' },
        { crm: 'hubspot', id: '77' },
      ]),
    ).toEqual([b.id, c.id]);
    expect(await s.peopleOnAccounts([])).toEqual([]);
    // a Contact moved to another Account leaves the old one; the HubSpot company stays
    await s.setPersonAccounts(b.id, 'salesforce', ['001C']);
    expect(await s.peopleOnAccounts([{ crm: 'salesforce', id: '001A' }])).toEqual([a.id]);
    expect(await s.peopleOnAccounts([{ crm: 'hubspot', id: '77' }])).toEqual([b.id, c.id]);
    expect(await s.accountsOfPerson(b.id)).toEqual([
      { crm: 'hubspot', id: '77' },
      { crm: 'salesforce', id: '001C' },
    ]);
    // a merge moves the accounts to the survivor
    await s.mergePeople(a.id, c.id);
    expect(await s.peopleOnAccounts([{ crm: 'hubspot', id: '77' }])).toEqual([a.id, b.id]);
    expect(await s.accountsOfPerson(c.id)).toEqual([]);
  });

  it("keeps a deal's accounts (an upsert without them leaves them) and lists deals created in [from, to)", async () => {
    await s.upsertDeal(deal('salesforce:006A', at(0), { accounts: [{ crm: 'salesforce', id: '001A' }] }));
    await s.upsertDeal(deal('salesforce:006B', at(60_000)));
    await s.upsertDeal(deal('salesforce:006C', null));
    expect((await s.getDeal('salesforce:006A'))?.accounts).toEqual([{ crm: 'salesforce', id: '001A' }]);
    expect((await s.getDeal('salesforce:006B'))?.accounts).toEqual([]);
    await s.upsertDeal(deal('salesforce:006A', at(0), { fields: { amount: 200 } }));
    expect((await s.getDeal('salesforce:006A'))?.accounts).toEqual([{ crm: 'salesforce', id: '001A' }]);
    await s.upsertDeal(
      deal('salesforce:006B', at(60_000), {
        accounts: [
          { crm: 'salesforce', id: '001A' },
          { crm: 'hubspot', id: '77' },
        ],
      }),
    );
    const on = async (accounts: { crm: 'hubspot' | 'salesforce'; id: string }[]) =>
      (await s.dealsOnAccounts(accounts)).map((d) => d.key);
    expect(await on([{ crm: 'salesforce', id: '001A' }])).toEqual(['salesforce:006A', 'salesforce:006B']);
    expect(await on([{ crm: 'hubspot', id: '77' }])).toEqual(['salesforce:006B']);
    expect(await on([])).toEqual([]);
    await s.upsertDeal(deal('salesforce:006B', at(60_000), { accounts: [] }));
    expect(await on([{ crm: 'hubspot', id: '77' }])).toEqual([]);
    const keys = async (from: string | null, to: string | null) => (await s.dealsCreated(from, to)).map((d) => d.key);
    expect(await keys(null, null)).toEqual(['salesforce:006A', 'salesforce:006B', 'salesforce:006C']);
    expect(await keys(at(0), at(60_000))).toEqual(['salesforce:006A']);
    expect(await keys(at(1), null)).toEqual(['salesforce:006B']);
  });
});
