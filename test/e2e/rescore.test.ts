/**
 * Going live re-scores everyone: people made through the real intake under v7 against the
 * sandboxes at HubSpot's real limits, then v8 goes live. Every person is re-scored under v8 in
 * batches, HubSpot is written only for the people whose values changed (and only those values),
 * each new MQL gets its Lead and Task, no request is answered 429, and the progress is visible
 * on `GET /api/agreement/rescore` and `/metrics`. 10,000 people: `npm run bench:rescore`.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { makeHarness, type Harness } from './harness.ts';
import { goLive, listen, seedPeople, shown, tapContactWrites } from './rescore-world.ts';

const PEOPLE = 1000;

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ realLimits: true });
  listen(h);
});
afterEach(async () => {
  await h.close();
});

test('a new version re-scores every person, writing only the values that change, without a 429', async () => {
  await seedPeople(h, PEOPLE);
  const before = await shown(h.store);
  expect(before.size).toBe(PEOPLE);
  expect((await (await h.fetch('/api/agreement/rescore')).json()).running).toBe(false);
  const writes = tapContactWrites(h);
  const leadsBefore = h.salesforce.org.rows('Lead').length;

  await goLive(h);
  let progress = await (await h.fetch('/api/agreement/rescore')).json();
  expect(progress).toMatchObject({ version: 8, done: 0, total: PEOPLE, finished: null, running: true });

  await h.runtime.drain(500);
  progress = await (await h.fetch('/api/agreement/rescore')).json();
  expect(progress).toMatchObject({ version: 8, done: PEOPLE, total: PEOPLE, running: false });
  expect(Date.parse(progress.finished)).toBeGreaterThanOrEqual(Date.parse(progress.started));
  expect(await h.store.outboxPending()).toBe(0);
  const metrics = await (await h.fetch('/metrics')).text();
  expect(metrics).toMatch(/baton_rescore_progress\{version="8"[^}]*\} 1/);

  const after = await shown(h.store);
  const changed = [...after]
    .filter(([id, v]) => JSON.stringify(v) !== JSON.stringify(before.get(id)))
    .map(([id]) => id);
  // The change is real and partial: senior titles move, the others do not.
  expect(changed.length).toBeGreaterThan(PEOPLE / 3);
  expect(changed.length).toBeLessThan(PEOPLE);
  // One write for each person whose values changed, none for the others.
  expect([...writes.keys()].sort()).toEqual(changed.sort());
  expect([...writes.values()].filter((w) => w.length !== 1)).toEqual([]);
  // A fit that moved is the only value written for a person who did not change stage.
  const fitOnly = changed.filter((id) => after.get(id)!.stage === before.get(id)!.stage);
  expect(fitOnly.length).toBeGreaterThan(0);
  for (const id of fitOnly) expect(Object.keys(writes.get(id)![0])).toEqual(['baton_fit_score']);
  // Each new MQL: a Lead (and its Task), the stage in HubSpot, a transition naming v8.
  const mqls = changed.filter((id) => after.get(id)!.stage === 'mql');
  expect(mqls.length).toBeGreaterThan(0);
  expect(h.salesforce.org.rows('Lead').length - leadsBefore).toBe(mqls.length);
  for (const id of mqls) expect(writes.get(id)![0]).toMatchObject({ baton_stage: 'mql' });
  const person = await h.store.findPersonByCrmId('hubspot', mqls[0]);
  expect((await h.store.listTransitions(person!.id)).at(-1)).toMatchObject({ to: 'mql', version: 8 });

  expect(h.hubspot.log.filter((l) => l.status === 429)).toEqual([]);
  // Salesforce's limit is a daily request count: the Leads and Tasks go in composite calls of many records.
  expect(h.salesforce.log.filter((l) => l.partOf === undefined && l.path.includes('/composite')).length).toBeLessThan(
    mqls.length,
  );
}, 90_000);

test('the same version going live again (a restart, another instance) re-scores no one', async () => {
  await seedPeople(h, 30);
  await goLive(h);
  await h.runtime.drain(50);
  const first = await (await h.fetch('/api/agreement/rescore')).json();
  const writes = tapContactWrites(h);
  const live = h.config.current()!;
  // What `baton serve` does at start, with the same files.
  const { onWentLive } = await import('../../src/pipeline/person/rescore.ts');
  expect(await onWentLive(h.ctx, { version: live.version, hash: live.hash!, previous: null })).toBeNull();
  await h.runtime.drain(50);
  expect(await (await h.fetch('/api/agreement/rescore')).json()).toEqual(first);
  expect(writes.size).toBe(0);
});
