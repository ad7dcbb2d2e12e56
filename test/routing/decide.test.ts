import { describe, expect, it } from 'vitest';
import { indexAccounts, lookupKeys, matchAccount } from '../../src/routing/accounts.ts';
import { decideRoute, type RoutingInputs, type RoutingPolicy, type UserInfo } from '../../src/routing/decide.ts';

const user = (id: string, email: string, active = true): UserInfo => ({ id, email, name: email.split('@')[0], active });
const ana = user('005A', 'ana@acme.example');
const bo = user('005B', 'bo@acme.example');
const sdr = user('005S', 'sdr1@acme.example');
const owner = user('005O', 'owner@acme.example');

function inputs(overrides: Partial<RoutingInputs> = {}): RoutingInputs {
  const all = [ana, bo, sdr, owner];
  return {
    users: new Map(all.map((u) => [u.email, u])),
    usersById: new Map(all.map((u) => [u.id, u])),
    assignedToday: new Map(),
    rotations: new Map(),
    ...overrides,
  };
}

const policy: RoutingPolicy = {
  rules: [
    {
      id: 'enterprise',
      holds: (p) => Number(p.employees) >= 1000,
      assign: { round_robin: [ana.email, bo.email], weights: { [ana.email]: 2 } },
    },
  ],
  fallback: { user: sdr.email },
  skipInactive: true,
  capPerDay: 2,
  createContactOnMatch: true,
  accountOwner: true,
};

const options = {
  by: ['email_domain', 'company_name'] as ('email_domain' | 'company_name')[],
  ignoreDomains: ['gmail.com'],
};
const accounts = indexAccounts([
  { id: '001A', name: 'Corp Inc', website: 'https://www.corp.example', ownerId: owner.id },
  { id: '001B', name: 'Twin', website: 'twin.example', ownerId: owner.id },
  { id: '001C', name: 'Twin Ltd', website: 'http://twin.example/de', ownerId: owner.id },
  { id: '001D', name: 'Gmail Fans', website: 'gmail.com', ownerId: owner.id },
]);

describe('account matching', () => {
  it('sends a person whose domain matches one account to its owner, as a Contact', () => {
    const match = matchAccount({ email: 'kim@corp.example' }, accounts, options);
    const d = decideRoute({}, match, policy, inputs());
    expect(d).toMatchObject({ rule: 'account', user: owner, createAs: 'Contact', accountId: '001A' });
    expect(d.reason).toContain('Corp Inc');
  });

  it('never matches a free-mail address', () => {
    expect(matchAccount({ email: 'kim@gmail.com' }, accounts, options)).toEqual({ kind: 'none' });
  });

  it('falls through with the reason when two accounts are candidates', () => {
    const match = matchAccount({ email: 'kim@twin.example' }, accounts, options);
    expect(match.kind).toBe('ambiguous');
    const d = decideRoute({ employees: 10 }, match, policy, inputs());
    expect(d.rule).toBe('fallback');
    expect(d.reason).toMatch(/ambiguous account match by email domain: Twin, Twin Ltd/);
  });

  it('matches by the normalized company name when the domain does not', () => {
    const match = matchAccount({ email: 'kim@other.example', companyName: 'CORP, Inc.' }, accounts, options);
    expect(match).toMatchObject({ kind: 'match', by: 'company_name' });
  });

  it('collects one batch of look-up keys, skipping ignored domains', () => {
    expect(
      lookupKeys([{ email: 'a@corp.example', companyName: 'Corp Inc' }, { email: 'b@gmail.com' }], options),
    ).toEqual({
      domains: ['corp.example'],
      names: ['corp'],
    });
  });
});

describe('rules, caps and the fallback', () => {
  it('passes over an inactive user and a user at the cap', () => {
    const i = inputs({
      users: new Map([
        [ana.email, { ...ana, active: false }],
        [bo.email, bo],
        [sdr.email, sdr],
      ]),
      assignedToday: new Map([[bo.id, 2]]),
    });
    const d = decideRoute({ employees: 5000 }, { kind: 'none' }, policy, i);
    expect(d.rule).toBe('fallback');
    expect(d.user).toEqual(sdr);
    expect(d.reason).toContain('every user was passed over');
  });

  it('hands to the org’s assignment rule when the fallback cannot take it either', () => {
    const i = inputs({
      assignedToday: new Map([
        [ana.id, 2],
        [bo.id, 2],
        [sdr.id, 2],
      ]),
    });
    const d = decideRoute({ employees: 5000 }, { kind: 'none' }, policy, i);
    expect(d).toMatchObject({ rule: 'org', user: null });
    expect(d.reason).toContain("org's assignment rule");
  });

  it('says which user of the rotation got the person and its share', () => {
    const d = decideRoute({ employees: 5000 }, { kind: 'none' }, policy, inputs());
    expect(d.reason).toBe('rule enterprise, round robin: ana (2 of 3)');
    expect(d.rotation?.key).toBe('enterprise');
  });
});
