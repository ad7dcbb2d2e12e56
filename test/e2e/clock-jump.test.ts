/**
 * The system clock stepped under the pipeline (NTP): on Baton's steady clock (`src/platform/clock.ts`,
 * the clock `serve` gives the pipeline) a step of 5 minutes past an MQL's SLA deadline fires no
 * breach; the breach comes when the deadline really passes, once.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { steadyClock } from '../../src/platform/clock.ts';
import { checkSla } from '../../src/pipeline/sla/sla-scheduler.ts';
import { makeHarness, mqlPerson, type Harness } from './harness.ts';

const MIN = 60_000;
let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

test('a 5-minute step of the clock past an SLA deadline fires no breach early; the real deadline does, once', async () => {
  await mqlPerson(h);
  const due = Date.parse((await (await h.fetch('/api/people/ana@corp.example')).json()).sla.due);
  h.clock.now = new Date(due - 2 * MIN);

  // The harness clock is the wall clock; time that really runs moves the monotonic clock too.
  let ran = 0;
  const steady = steadyClock({ wall: () => h.clock.now.getTime(), monotonic: () => performance.now() + ran });
  h.ctx.now = () => new Date(steady());
  const run = (ms: number) => {
    h.clock.advance(ms);
    ran += ms;
  };

  // NTP steps the clock 5 minutes forward: the wall is 3 minutes past the deadline, Baton is not.
  h.clock.advance(5 * MIN);
  expect(h.clock.now.getTime()).toBeGreaterThan(due + 2 * MIN);
  expect(await checkSla(h.ctx)).toBe(0);
  run(MIN);
  expect(await checkSla(h.ctx)).toBe(0);

  // The deadline really passes: the breach is marked, once.
  run(MIN + 5000);
  expect(await checkSla(h.ctx)).toBe(1);
  run(MIN);
  expect(await checkSla(h.ctx)).toBe(0);
  await h.drain();
  const person = await (await h.fetch('/api/people/ana@corp.example')).json();
  expect(person.transitions.filter((t: { breached?: boolean }) => t.breached)).toHaveLength(1);

  // And back: a 5-minute step back does not hand the breach out again.
  h.clock.advance(-5 * MIN);
  run(MIN);
  expect(await checkSla(h.ctx)).toBe(0);
});
