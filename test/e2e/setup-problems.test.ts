/**
 * Problems that are not the record's, end to end: a Salesforce field Baton writes that the org
 * lacks, a HubSpot property Baton cannot create. The writes are held (no bisection, no field left
 * out, nothing dead-lettered), the problem is said once (log, /readyz, dashboard), and once it is
 * fixed every held write arrives at the next re-check, with the field.
 */
import winston from 'winston';
import { afterEach, expect, test } from 'vitest';
import type { FakeField } from '../../sandbox/salesforce/schema.ts';
import { Sink } from '../support/sink.ts';
import { ANA, makeHarness, postEvents, type Harness, type HarnessOptions } from './harness.ts';

const RECHECK_MS = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The harness with its pipeline logging into a sink, so the test can count what was said. */
async function start(before: HarnessOptions['before']): Promise<{ h: Harness; logs: Sink }> {
  const harness = await makeHarness({ before, recheckMs: RECHECK_MS });
  const logs = new Sink();
  harness.ctx.log = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: logs })],
  });
  return { h: harness, logs };
}

const lines = (logs: Sink) =>
  logs
    .text()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: string; message: string; [k: string]: unknown });

/** `n` HubSpot contacts delivered by webhook, then made MQL by a demo request each. */
async function mqlPeople(harness: Harness, n: number): Promise<string[]> {
  const ids: string[] = [];
  const events = [];
  for (let i = 0; i < n; i++) {
    const id = harness.hubspot.seed('contacts', { ...ANA, email: `person${i}@corp.example`, lastname: `Person${i}` });
    ids.push(id);
    events.push(...harness.hubspot.changeAsMarketer('contacts', id, { country: 'US' }));
  }
  expect((await harness.hubspotWebhook(events)).status).toBe(200);
  await harness.drain();
  const at = harness.clock.now.toISOString();
  expect(
    (
      await postEvents(
        harness,
        ids.map((_, i) => ({
          id: `evt-${i}`,
          email: `person${i}@corp.example`,
          type: 'form_submission',
          at,
          properties: { form: 'demo-request' },
        })),
      )
    ).status,
  ).toBeLessThan(300);
  await harness.drain();
  return ids;
}

async function readyz(harness: Harness) {
  const res = await harness.fetch('/readyz', { auth: false });
  return {
    status: res.status,
    body: (await res.json()) as {
      ready: boolean;
      status: string;
      problems: { crm: string; object: string; fields?: string[]; message: string; fix: string; held: number }[];
    },
  };
}

/** The next re-check, and everything it lets through. */
async function recheck(harness: Harness): Promise<void> {
  harness.clock.advance(RECHECK_MS + 1);
  await harness.drain();
}

test('a Salesforce field Baton writes that the org lacks holds the writes, says so once, and they all arrive with the field once it exists', async () => {
  let reason: FakeField | undefined;
  const s = await start(({ salesforce }) => {
    reason = salesforce.org.removeField('Lead', 'Baton_Reason__c');
  });
  h = s.h;
  expect(reason).toBeDefined();
  const n = 30;
  await mqlPeople(h, n);

  // Held, not lost: no Lead written without the field, nothing dead-lettered.
  expect(h.salesforce.org.rows('Lead')).toHaveLength(0);
  expect((await h.store.listDeadLetters()).map((d) => d.error)).toEqual([]);
  expect(await h.store.outboxPending('salesforce')).toBe(n);
  // One problem, named with field and object, said once in the log.
  const said = lines(s.logs).filter((l) => /setup problem:/.test(l.message));
  expect(said).toHaveLength(1);
  expect(said[0]).toMatchObject({ level: 'error', crm: 'salesforce', object: 'Lead', fields: ['Baton_Reason__c'] });
  const ready = await readyz(h);
  expect(ready.status).toBe(200);
  expect(ready.body.status).toBe('degraded');
  expect(ready.body.problems).toHaveLength(1);
  expect(ready.body.problems[0]).toMatchObject({
    crm: 'salesforce',
    object: 'Lead',
    fields: ['Baton_Reason__c'],
    held: n,
  });
  expect(ready.body.problems[0].fix).toMatch(/create Baton_Reason__c on Lead/);
  const dash = (await (await h.fetch('/api/dashboard')).json()) as { health: { problems: { fields: string[] }[] } };
  expect(dash.health.problems).toMatchObject([{ crm: 'salesforce', object: 'Lead', fields: ['Baton_Reason__c'] }]);
  const metrics = await (await h.fetch('/metrics', { auth: false })).text();
  expect(metrics).toMatch(new RegExp(`baton_outbox_held\\{crm="salesforce"[^}]*\\} ${n}`));

  // While it stands, the held writes cost no call; one probe a re-check.
  const creates = () =>
    h!.salesforce.log.filter(
      (l) => l.method === 'POST' && /\/composite\/sobjects$/.test(l.path) && /"type":"Lead"/.test(l.body),
    ).length;
  const probesBefore = creates();
  await recheck(h);
  expect(creates() - probesBefore).toBe(1);
  expect(h.salesforce.org.rows('Lead')).toHaveLength(0);
  expect(lines(s.logs).filter((l) => /setup problem:/.test(l.message))).toHaveLength(1);

  // An admin creates the field: at the next re-check every held write arrives, with it.
  h.salesforce.org.addField('Lead', reason!);
  await recheck(h);
  const leads = h.salesforce.org.rows('Lead');
  expect(leads).toHaveLength(n);
  for (const l of leads) expect(l.Baton_Reason__c).toEqual(expect.any(String));
  // the MQL Task of each new Lead followed it
  expect(new Set(h.salesforce.org.rows('Task').map((t) => t.WhoId))).toEqual(new Set(leads.map((l) => l.Id)));
  // and the HubSpot contacts carry what Salesforce set on the new Leads (the handoff's one write)
  for (const c of h.hubspot.data.records.contacts.values()) expect(c.properties.baton_stage).toBe('mql');
  expect(await h.store.outboxPending('salesforce')).toBe(0);
  expect(await h.store.listDeadLetters()).toHaveLength(0);
  expect((await readyz(h)).body).toMatchObject({ status: 'ready', problems: [] });
  expect(lines(s.logs).some((l) => /setup problem resolved/.test(l.message))).toBe(true);
});

test('a HubSpot property Baton cannot create (no schema scope) holds the contact writes without bisecting them, and Baton creates it once the scope is granted', async () => {
  const all = [
    'crm.objects.contacts.read',
    'crm.objects.contacts.write',
    'crm.objects.companies.read',
    'crm.objects.deals.read',
    'crm.objects.deals.write',
    'crm.schemas.contacts.read',
    'crm.schemas.deals.read',
    'crm.schemas.deals.write',
    'crm.schemas.companies.read',
  ];
  const s = await start(({ hubspot }) => hubspot.setScopes(all));
  h = s.h;
  expect(h.hubspot.data.properties.contacts.has('baton_reason')).toBe(false);
  const n = 150;
  const updatesBefore = h.hubspot.calls(/\/crm\/v3\/objects\/contacts\/batch\/update$/, 'POST').length;
  await mqlPeople(h, n);

  // One batch update was refused (of 100 contacts); the other 50 were held without a call, and nothing was split to single records.
  const updates = () => h!.hubspot.calls(/\/crm\/v3\/objects\/contacts\/batch\/update$/, 'POST');
  const refused = updates()
    .slice(updatesBefore)
    .filter((c) => c.status === 400);
  expect(refused.map((c) => c.inputs)).toEqual([100]);
  expect(await h.store.listDeadLetters()).toHaveLength(0);
  expect(await h.store.outboxPending('hubspot')).toBe(n);
  const said = lines(s.logs).filter((l) => /setup problem:/.test(l.message) && l.crm === 'hubspot');
  expect(said).toHaveLength(1);
  expect(said[0]).toMatchObject({ object: 'contact', fields: expect.arrayContaining(['baton_stage', 'baton_reason']) });
  const ready = await readyz(h);
  expect(ready.body.status).toBe('degraded');
  expect(ready.body.problems.find((p) => p.crm === 'hubspot')).toMatchObject({
    object: 'contact',
    fields: expect.arrayContaining(['baton_stage', 'baton_reason']),
    held: n,
  });
  expect(ready.body.problems.find((p) => p.crm === 'hubspot')!.fix).toMatch(/crm\.schemas\.contacts\.write/);

  // Still refused at a re-check: one probe call, still not split.
  const beforeProbe = updates().length;
  await recheck(h);
  expect(
    updates()
      .slice(beforeProbe)
      .map((c) => [c.status, c.inputs]),
  ).toEqual([[400, 100]]);
  expect(await h.store.listDeadLetters()).toHaveLength(0);

  // The scope is granted: at the next re-check Baton creates the property and every held write arrives, with it.
  h.hubspot.setScopes([...all, 'crm.schemas.contacts.write']);
  await recheck(h);
  expect(h.hubspot.data.properties.contacts.has('baton_reason')).toBe(true);
  const contacts = [...h.hubspot.data.records.contacts.values()];
  expect(contacts).toHaveLength(n);
  for (const c of contacts) {
    expect(c.properties.baton_stage).toBe('mql');
    expect(c.properties.baton_reason).toEqual(expect.any(String));
  }
  expect(await h.store.outboxPending('hubspot')).toBe(0);
  expect(await h.store.listDeadLetters()).toHaveLength(0);
  expect((await readyz(h)).body.problems.filter((p) => p.crm === 'hubspot')).toEqual([]);
});
