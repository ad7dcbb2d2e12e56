import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/attribution/attribute.ts';
import { peopleInScope } from '../../src/attribution/scope.ts';
import type { DealInput, Touch } from '../../src/attribution/types.ts';
import { dealAccounts, personAccountIds } from '../../src/pipeline/person/record-accounts.ts';
import type { CrmRecord } from '../../connectors/types.ts';

const settings = { lookback: '365d', time_decay_half_life: '7d' };
const deal: DealInput = {
  key: 'salesforce:006A',
  amount: 24000,
  closeDate: '2026-11-30',
  createdAt: '2026-11-10T00:00:00Z',
  mqlAt: null,
};

describe('account scope', () => {
  // person 1 is the deal's contact role (no touches); person 2 is on the same Account, touched, without a role
  const touchesOf = new Map<number, Touch[]>([
    [1, []],
    [2, [{ id: 'e1', at: '2026-11-05T00:00:00Z', campaign: 'Summit', channel: 'event', personKey: 'bo@corp.example' }]],
  ]);
  const onAccount = [1, 2];
  const credit = (scope: 'contact_roles' | 'account') =>
    attribute(
      deal,
      peopleInScope({ personIds: [1] }, scope, onAccount).flatMap((id) => touchesOf.get(id) ?? []),
      'w_shaped',
      settings,
    );

  it('credits the touched person without a contact role under account', () => {
    const r = credit('account');
    expect(r.unattributedCents).toBe(0);
    expect(r.shares).toEqual([expect.objectContaining({ campaign: 'Summit', cents: 2_400_000 })]);
  });

  it('leaves the deal unattributed under contact_roles', () => {
    const r = credit('contact_roles');
    expect(r.shares).toEqual([]);
    expect(r.unattributedCents).toBe(2_400_000);
  });

  it('peopleInScope unions the deal people and the account people, once each', () => {
    expect(peopleInScope({ personIds: [5, 2] }, 'account', [2, 3])).toEqual([2, 3, 5]);
    expect(peopleInScope({ personIds: [5, 2] }, 'contact_roles', [2, 3])).toEqual([2, 5]);
  });
});

describe('record accounts', () => {
  const rec = (crm: 'hubspot' | 'salesforce', object: CrmRecord['object'], extra: Partial<CrmRecord>): CrmRecord => ({
    crm,
    object,
    id: 'X',
    modifiedAt: '2026-11-01T00:00:00Z',
    properties: {},
    ...extra,
  });

  it("reads a Contact's AccountId, a converted Lead's account, a HubSpot contact's companies", () => {
    expect(personAccountIds(rec('salesforce', 'Contact', { associations: { accounts: ['001A'] } }))).toEqual(['001A']);
    expect(personAccountIds(rec('salesforce', 'Contact', {}))).toEqual([]);
    expect(
      personAccountIds(
        rec('salesforce', 'Lead', { properties: { IsConverted: true }, associations: { accounts: ['001B'] } }),
      ),
    ).toEqual(['001B']);
    // an unconverted Lead says nothing about accounts: what is known stays
    expect(personAccountIds(rec('salesforce', 'Lead', {}))).toBeUndefined();
    expect(personAccountIds(rec('hubspot', 'contact', { associations: { companies: ['77'], deals: [] } }))).toEqual([
      '77',
    ]);
    expect(personAccountIds(rec('hubspot', 'contact', {}))).toBeUndefined();
  });

  it("replaces one CRM's accounts of a deal and keeps the other's", () => {
    const before = [
      { crm: 'hubspot' as const, id: '77' },
      { crm: 'salesforce' as const, id: '001OLD' },
    ];
    expect(dealAccounts(rec('salesforce', 'Opportunity', { associations: { accounts: ['001A'] } }), before)).toEqual([
      { crm: 'hubspot', id: '77' },
      { crm: 'salesforce', id: '001A' },
    ]);
    expect(dealAccounts(rec('hubspot', 'deal', {}), before)).toEqual(before);
  });
});
