import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { routingSchema } from '../../src/config/routing-schema.ts';
import { createRoutingRuntime } from '../../src/pipeline/routing/routing-runtime.ts';
import type { RoutingRuntime } from '../../src/pipeline/routing-slot.ts';
import { compileRouting, type RoutedPerson } from '../../src/routing/policy.ts';
import type { Store } from '../../src/store/types.ts';
import { makePostgresTestStore, makeTestStore, type TestStore } from '../support/store.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from '../connectors/salesforce/helpers.ts';
import type { FakeSalesforce } from '../../sandbox/salesforce/index.ts';

useFakeSalesforce();

const ROUTING = `match_accounts:
  by: [email_domain, company_name]
  ignore_domains: [gmail.com]
  create: contact
rules:
  - id: enterprise
    if: { field: person.employees, gte: 1000 }
    assign:
      round_robin: [ana@acme.example, bo@acme.example]
      weights: { ana@acme.example: 2 }
  - id: dach
    if: { field: person.country, in: [DE, AT, CH] }
    assign: { user: carla@acme.example }
fallback: { round_robin: [sdr1@acme.example, sdr2@acme.example] }
skip_inactive: true
`;

const stores: TestStore[] = [];
afterEach(async () => {
  while (stores.length) await stores.pop()!.cleanup();
});

function seedUsers(api: FakeSalesforce) {
  const ids: Record<string, string> = {};
  for (const n of ['ana', 'bo', 'carla', 'sdr1', 'sdr2'])
    ids[n] = api.org.addUser({
      Username: `${n}@acme.example.prod`,
      Email: `${n}@acme.example`,
      Name: n[0].toUpperCase() + n.slice(1),
    });
  return ids;
}

function runtime(
  api: FakeSalesforce,
  store: Store,
  text = ROUTING,
  instanceId = 'a',
  now?: () => Date,
): RoutingRuntime {
  const sf = connectorFor(api);
  return createRoutingRuntime({
    store,
    directory: sf,
    routing: compileRouting(routingSchema.parse(parse(text)), text),
    timeZone: 'America/New_York',
    instanceId,
    now,
  });
}

const big = (i: number): RoutedPerson => ({
  key: `p${i}`,
  email: `p${i}@big${i}.example`,
  person: { employees: 5000 },
  at: '2026-12-01T15:00:00Z',
});

/** Checks that every prefix of `seq` gives ana 2/3 of the picks within one. */
function checkPrefixes(seq: string[], ana: string) {
  let a = 0;
  seq.forEach((u, i) => {
    if (u === ana) a++;
    expect(Math.abs(a - (2 * (i + 1)) / 3)).toBeLessThanOrEqual(1);
  });
}

describe('routing runtime against the fake org', () => {
  it('reports users Salesforce does not know, by routing.yaml line', async () => {
    const api = freshOrg();
    seedUsers(api);
    const ts = await makeTestStore();
    stores.push(ts);
    const text = ROUTING.replace('carla@acme.example', 'nobody@acme.example');
    expect(await runtime(api, ts.store, text).start()).toEqual([
      "routing.yaml:13:21: no Salesforce user 'nobody@acme.example'",
    ]);
  });

  it('matches one Account by domain, ignores free mail, and names the ambiguity of two', async () => {
    const api = freshOrg();
    const ids = seedUsers(api);
    const owner = api.org.addUser({ Username: 'owner@acme.example', Email: 'owner@acme.example', Name: 'Olga Owner' });
    api.org.insert('Account', { Name: 'Corp Inc', Website: 'https://www.corp.example/about', OwnerId: owner });
    api.org.insert('Account', { Name: 'Twin', Website: 'twin.example', OwnerId: owner });
    api.org.insert('Account', { Name: 'Twin GmbH', Website: 'http://twin.example/de', OwnerId: owner });
    api.org.insert('Account', { Name: 'Gmail', Website: 'gmail.com', OwnerId: owner });
    const ts = await makeTestStore();
    stores.push(ts);
    const rt = runtime(api, ts.store);
    await rt.start();
    const at = '2026-12-01T15:00:00Z';
    const before = api.log.filter((r) => r.path.endsWith('/query')).length;
    const d = await rt.routeBatch([
      { key: 'corp', email: 'x@corp.example', person: {}, at },
      { key: 'free', email: 'y@gmail.com', person: { country: 'DE' }, at },
      { key: 'twin', email: 'z@twin.example', person: { employees: 2000 }, at },
    ]);
    const accountQueries = api.log.filter(
      (r) => r.path.endsWith('/query') && decodeURIComponent(r.query).includes('FROM Account'),
    );
    expect(accountQueries).toHaveLength(1);
    expect(api.log.filter((r) => r.path.endsWith('/query')).length - before).toBeLessThanOrEqual(2);
    expect(d.get('corp')).toMatchObject({ rule: 'account', createAs: 'Contact', user: { id: owner } });
    expect(d.get('corp')!.reason).toBe('account Corp Inc (by email domain): owner Olga Owner');
    expect(d.get('free')).toMatchObject({ rule: 'dach', user: { id: ids.carla }, createAs: 'Lead' });
    expect(d.get('twin')).toMatchObject({ rule: 'enterprise', user: { id: ids.ana } });
    expect(d.get('twin')!.reason).toBe(
      'ambiguous account match by email domain: Twin, Twin GmbH; rule enterprise, round robin: Ana (2 of 3)',
    );
  });

  it('splits 300 handoffs 2:1, within one at every prefix, across a restart', async () => {
    const api = freshOrg();
    const ids = seedUsers(api);
    const ts = await makeTestStore();
    stores.push(ts);
    const seq: string[] = [];
    let rt = runtime(api, ts.store);
    await rt.start();
    for (let i = 0; i < 300; i += 10) {
      if (i === 150) {
        rt = runtime(api, ts.store, ROUTING, 'b'); // restart: a new runtime on the same store
        await rt.start();
      }
      const batch = Array.from({ length: 10 }, (_, j) => big(i + j));
      const d = await rt.routeBatch(batch);
      for (const p of batch) seq.push(d.get(p.key)!.user!.id);
    }
    expect(seq.filter((u) => u === ids.ana)).toHaveLength(200);
    expect(seq.filter((u) => u === ids.bo)).toHaveLength(100);
    checkPrefixes(seq, ids.ana);
  });

  it('keeps one rotation for two runtimes on one PostgreSQL store', async () => {
    const api = freshOrg();
    const ids = seedUsers(api);
    const ts = await makePostgresTestStore();
    stores.push(ts);
    const a = runtime(api, ts.store, ROUTING, 'a');
    const b = runtime(api, ts.store, ROUTING, 'b');
    await Promise.all([a.start(), b.start()]);
    // alternating: the sequence is the one a single instance would give
    const seq: string[] = [];
    for (let i = 0; i < 150; i += 5) {
      const batch = Array.from({ length: 5 }, (_, j) => big(i + j));
      const d = await (i % 10 === 0 ? a : b).routeBatch(batch);
      for (const p of batch) seq.push(d.get(p.key)!.user!.id);
    }
    checkPrefixes(seq, ids.ana);
    // at once: the lease serializes them, nothing is lost
    const got: string[] = [];
    await Promise.all(
      [a, b].map(async (rt, k) => {
        for (let i = 0; i < 75; i += 5) {
          const batch = Array.from({ length: 5 }, (_, j) => big(1000 + k * 100 + i + j));
          const d = await rt.routeBatch(batch);
          for (const p of batch) got.push(d.get(p.key)!.user!.id);
        }
      }),
    );
    const all = [...seq, ...got];
    expect(all.filter((u) => u === ids.ana)).toHaveLength(200);
    expect(all.filter((u) => u === ids.bo)).toHaveLength(100);
  });

  it('passes over an inactive user and one at cap_per_day; the fallback takes over when all are', async () => {
    const api = freshOrg();
    const ids = seedUsers(api);
    api.org.get(ids.bo)!.IsActive = false;
    const ts = await makeTestStore();
    stores.push(ts);
    const text = `${ROUTING}cap_per_day: 3\n`;
    const rt = runtime(api, ts.store, text, 'a', () => new Date('2026-12-01T15:00:00Z'));
    await rt.start();
    const d = await rt.routeBatch(Array.from({ length: 6 }, (_, i) => big(i)));
    const users = [...d.values()].map((x) => x.user!.id);
    expect(users.slice(0, 3)).toEqual([ids.ana, ids.ana, ids.ana]);
    expect(users.slice(3)).toEqual([ids.sdr1, ids.sdr2, ids.sdr1]);
    expect(d.get('p3')!.reason).toContain('rule enterprise matched but every user was passed over');
    expect(d.get('p3')!.reason).toContain('bo@acme.example inactive');
    expect(d.get('p3')!.reason).toContain('ana@acme.example at cap');
    // a new day in New York: ana takes again
    const next = runtime(api, ts.store, text, 'a', () => new Date('2026-12-02T06:00:00Z'));
    await next.start();
    expect((await next.routeBatch([big(9)])).get('p9')!.user!.id).toBe(ids.ana);
  });

  it('gives the person to the org rule when the fallback cannot either', async () => {
    const api = freshOrg();
    const ids = seedUsers(api);
    for (const n of ['ana', 'bo', 'sdr1', 'sdr2']) api.org.get(ids[n])!.IsActive = false;
    const ts = await makeTestStore();
    stores.push(ts);
    const rt = runtime(api, ts.store);
    await rt.start();
    const d = (await rt.routeBatch([big(1)])).get('p1')!;
    expect(d.rule).toBe('org');
    expect(d.user).toBeNull();
    expect(d.reason).toMatch(/the fallback could not assign; the org's assignment rule decides$/);
  });

  it('picks the next user of the rule for a reassignment, never the old owner', async () => {
    const api = freshOrg();
    const ids = seedUsers(api);
    const ts = await makeTestStore();
    stores.push(ts);
    const rt = runtime(api, ts.store);
    await rt.start();
    expect((await rt.nextUser('enterprise', ids.ana))!.user.id).toBe(ids.bo);
    expect((await rt.nextUser('dach', ids.carla))!).toMatchObject({ rule: 'fallback', user: { id: ids.sdr1 } });
  });
});
