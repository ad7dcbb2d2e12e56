/**
 * Scale-out: two real `baton serve` processes on one PostgreSQL schema and one Redis behave as one
 * service. 2,000 events (1,500 HubSpot webhook events, 500 API events), every request delivered to
 * both instances at once, under HubSpot's real 100-requests-per-10-s window at the fake:
 * each event processed once, each HubSpot contact written once, one Lead and one Task per MQL,
 * both events of a person counted although two instances received them at the same moment, and
 * the two instances' HubSpot requests together never above 100 in any rolling 10 s (no 429).
 * Then the same with one instance killed by SIGKILL mid-run: the survivor finishes it all.
 */
import { afterEach, expect, test } from 'vitest';
import { maxInWindow, ScaleWorld, until, type Instance, type Workload } from './world.ts';

const CONTACTS = 1500;
const API_PEOPLE = 250;

let world: ScaleWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function settled(w: ScaleWorld, work: Workload, survivors: Instance[]): Promise<void> {
  const mqls = work.apiPeople.length;
  await until(
    async () => {
      const [inbox] = await w.sql<{ pending: string }>(
        `select count(*) filter (where status <> 'done') as pending from inbox`,
      );
      const [outbox] = await w.sql<{ n: string }>(`select count(*) as n from outbox`);
      return Number(inbox.pending) === 0 && Number(outbox.n) === 0 && w.salesforce.org.rows('Task').length >= mqls;
    },
    75_000,
    'the inbox and outbox to empty',
    () => survivors.map((s) => `--- ${s.name}:\n${s.output().slice(-2000)}`).join('\n'),
  );
  // Anything still in flight (a retry, a late write) would show up now.
  await new Promise((r) => setTimeout(r, 1000));
}

/**
 * Everything the two instances did, checked against the workload: once each, nothing missing.
 * `killedAt`: HubSpot updates that reached HubSpot before that instant may be sent once more by
 * the survivor (the dead instance never recorded them as done); they must be the same values.
 */
async function expectDoneOnce(w: ScaleWorld, work: Workload, killedAt?: number): Promise<number> {
  const [inbox] = await w.sql<{ n: string; done: string }>(
    `select count(*) as n, count(*) filter (where status = 'done') as done from inbox`,
  );
  expect(Number(inbox.n)).toBe(work.events);
  expect(Number(inbox.done)).toBe(work.events);

  // One HubSpot write per contact: every contact changed (its stage and scores are new to HubSpot).
  const missing = work.contacts.filter((c) => !w.contactWrites.has(c.id));
  expect(missing).toEqual([]);
  let replayed = 0;
  for (const [id, list] of w.contactWrites) {
    if (list.length === 1) continue;
    // Only a write in flight when an instance died may arrive twice, with the same values.
    expect({
      id,
      writes: list.length,
      before: killedAt !== undefined && list[0].at <= killedAt,
      same: new Set(list.map((l) => l.properties)).size,
    }).toEqual({ id, writes: 2, before: true, same: 1 });
    replayed++;
  }

  const mqlEmails = work.apiPeople;
  const leads = w.salesforce.org.rows('Lead');
  expect(leads).toHaveLength(mqlEmails.length);
  expect(new Set(leads.map((l) => String(l.Email).toLowerCase()))).toEqual(new Set(mqlEmails));
  const tasks = w.salesforce.org.rows('Task');
  expect(tasks).toHaveLength(mqlEmails.length);
  expect(new Set(tasks.map((t) => t.WhoId))).toEqual(new Set(leads.map((l) => l.Id)));

  const transitions = await w.sql<{ n: string }>(
    `select count(*) as n from transitions where to_stage = 'mql' group by person_id having count(*) > 1`,
  );
  expect(transitions).toEqual([]);
  const [mql] = await w.sql<{ n: string }>(`select count(*) as n from people where stage = 'mql'`);
  expect(Number(mql.n)).toBe(mqlEmails.length);
  // Both events of an API person count, though two instances got them at the same moment.
  const api = await w.sql<{ email: string; engagement: string }>(
    `select email, engagement from people where email like 'api%'`,
  );
  expect(api).toHaveLength(work.apiPeople.length);
  for (const p of api) expect(Math.round(Number(p.engagement))).toBe(45);
  const [events] = await w.sql<{ n: string }>(`select count(*) as n from events where id like 'scale:%'`);
  expect(Number(events.n)).toBe(2 * work.apiPeople.length);
  return replayed;
}

function expectWithinHubSpotLimit(w: ScaleWorld): number {
  const times = w.hubspot.log.map((l) => l.at);
  expect(w.hubspot.log.filter((l) => l.status === 429)).toEqual([]);
  const most = maxInWindow(times, 10_000);
  expect(most).toBeLessThanOrEqual(100);
  return most;
}

test('two instances, 2,000 events delivered to both: everything once, HubSpot limit kept together', async () => {
  world = await new ScaleWorld().open();
  const w = world;
  const work = w.workload(CONTACTS, API_PEOPLE);
  expect(work.events).toBe(2000);
  const a = await w.start('scale-a');
  const b = await w.start('scale-b');
  expect(await (await fetch(`${a.url}/readyz`)).json()).toMatchObject({
    ready: true,
    store: true,
    redis: true,
    instance: 'scale-a',
  });
  const t0 = Date.now();
  const sent = await w.deliver(work, a, b);
  expect(sent.acknowledged).toBe(sent.requests);
  await settled(w, work, [a, b]);
  const ms = Date.now() - t0 - 1000;

  await expectDoneOnce(w, work);
  const processed =
    (await a.counter('baton_events_processed_total')) + (await b.counter('baton_events_processed_total'));
  expect(processed).toBe(work.events);
  expect(await a.counter('baton_events_processed_total')).toBeGreaterThan(0);
  expect(await b.counter('baton_events_processed_total')).toBeGreaterThan(0);
  expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(
    /baton_events_processed_total\{[^}]*instance="scale-b"/,
  );
  const most = expectWithinHubSpotLimit(w);
  console.log(
    `two instances: ${work.events} events in ${(ms / 1000).toFixed(1)} s; HubSpot ${w.hubspot.log.length} requests, at most ${most} in any 10 s; Salesforce ${w.salesforce.log.length} requests`,
  );
}, 110_000);

test('one of two instances killed with SIGKILL mid-run: the other finishes, nothing lost or done twice', async () => {
  world = await new ScaleWorld().open();
  const w = world;
  const work = w.workload(CONTACTS, API_PEOPLE);
  const a = await w.start('kill-a');
  const b = await w.start('kill-b');
  const sent = await w.deliver(work, a, b);
  expect(sent.acknowledged).toBe(sent.requests);
  // Mid-run: both are working, Leads are being created, HubSpot is half written.
  await until(
    () => w.contactWrites.size >= CONTACTS / 3 || w.salesforce.org.rows('Lead').length > 0,
    40_000,
    'work to be under way',
  );
  await a.kill();
  const killedAt = Date.now();
  const writtenBefore = w.contactWrites.size;
  await settled(w, work, [b]);
  const replayed = await expectDoneOnce(w, work, killedAt);
  // At most the batches the dead instance had in flight (100 contacts a batch).
  expect(replayed).toBeLessThanOrEqual(200);
  expectWithinHubSpotLimit(w);
  expect(b.alive()).toBe(true);
  console.log(
    `killed mid-run: ${writtenBefore} of ${CONTACTS} contacts written before the kill; ${replayed} HubSpot updates in flight at the kill sent again by the survivor (same values)`,
  );
}, 110_000);

test('without Redis, an instance that finds another on its store warns that limits are not shared', async () => {
  world = await new ScaleWorld().open();
  const a = await world.start('alone-a', { redis: false });
  const b = await world.start('alone-b', { redis: false });
  expect(await (await fetch(`${b.url}/readyz`)).json()).not.toHaveProperty('redis');
  await until(
    () => /other Baton instance\(s\) share this store \(alone-a\) but BATON_REDIS_URL is not set/.test(b.output()),
    10_000,
    'the warning',
    () => b.output(),
  );
  expect(a.alive() && b.alive()).toBe(true);
}, 40_000);
