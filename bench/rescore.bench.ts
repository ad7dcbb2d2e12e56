/**
 * `npm run bench:rescore`: a new agreement version goes live over 10,000 people and Baton re-scores
 * all of them (the world of test/e2e/rescore.test.ts: people made through the real intake under v7,
 * the sandboxes at HubSpot's real 100-requests-per-10-s window behind msw, SQLite). Prints the
 * re-score's time, HubSpot requests and 429s, the contacts written against the people whose values
 * changed, the busiest rolling 10 s of HubSpot requests against the 100 allowed, and a baseline
 * measured in the same run: a walk over the same people that changes nothing (the daily re-evaluation).
 * Usage: node bench/rescore.bench.ts [--people N]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { dailyReevaluation } from '../src/pipeline/person/daily.ts';
import { makeHarness } from '../test/e2e/harness.ts';
import { maxInWindow } from '../test/scale/world.ts';
import { goLive, listen, seedPeople, shown, tapContactWrites } from '../test/e2e/rescore-world.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '10000' } } });
const PEOPLE = Number(values.people);
const HUBSPOT_WINDOW = { limit: 100, windowMs: 10_000 };

const h = await makeHarness({ realLimits: true });
listen(h);
try {
  let t = performance.now();
  await seedPeople(h, PEOPLE);
  console.log(
    `seeded ${PEOPLE} people through the intake under v7 in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const before = await shown(h.store);
  const writes = tapContactWrites(h);
  const logged = h.hubspot.log.length;

  t = performance.now();
  await goLive(h);
  // Until the walk is done and every write it queued is sent (the log shows a line per tenth).
  for (;;) {
    await h.runtime.drain(20);
    const p = (await (await h.fetch('/api/agreement/rescore')).json()) as { running: boolean };
    if (!p.running && (await h.store.outboxPending()) === 0) break;
  }
  const rescoreMs = performance.now() - t;
  const calls = h.hubspot.log.slice(logged);
  const after = await shown(h.store);
  const changed = [...after]
    .filter(([id, v]) => JSON.stringify(v) !== JSON.stringify(before.get(id)))
    .map(([id]) => id);
  const exact = changed.length === writes.size && changed.every((id) => writes.get(id)?.length === 1);
  const busiest = (log: { at: number }[]) =>
    maxInWindow(
      log.map((l) => l.at),
      HUBSPOT_WINDOW.windowMs,
    );

  t = performance.now();
  const walked = await dailyReevaluation(h.ctx, true);
  const walkMs = performance.now() - t;

  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `re-score of ${PEOPLE} people under v8: ${s(rescoreMs)} (goal: every person, writes only for changed values, no 429)`,
  );
  console.log(
    `  HubSpot requests ${calls.length}, 429s ${h.hubspot.log.filter((l) => l.status === 429).length} (whole run); busiest 10 s: ${busiest(calls)} in the re-score, ${busiest(h.hubspot.log)} in the whole run, of ${HUBSPOT_WINDOW.limit} allowed`,
  );
  console.log(
    `  contacts written ${writes.size}, people whose values changed ${changed.length}: ${exact ? 'one write each, none for the rest' : 'MISMATCH'}`,
  );
  console.log(
    `  Salesforce Leads ${h.salesforce.org.rows('Lead').length}, Tasks ${h.salesforce.org.rows('Task').length}`,
  );
  console.log(
    `baseline: a walk over the same ${walked} people that changes nothing: ${s(walkMs)}; re-score / walk = ${(rescoreMs / walkMs).toFixed(2)}`,
  );
  if (!exact || h.hubspot.log.some((l) => l.status === 429)) process.exitCode = 1;
} finally {
  await h.close();
}
