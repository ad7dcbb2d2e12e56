/**
 * HubSpot down (connections accepted, no answer) for half an hour of the pipeline's clock, longer
 * than the give-up rule's backoff (8 attempts, about four minutes): the work waiting on it is put
 * off without counting attempts, so nothing becomes a dead letter; Salesforce's work goes on; and
 * once HubSpot answers again everything is handed off, once.
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { FakeRequest, FakeResponse } from '../../sandbox/types.ts';
import { ANA, hubspotContact, makeHarness, postEvents, type Harness } from './harness.ts';

const saved = { timeout: process.env.BATON_CRM_TIMEOUT_SECONDS, pause: process.env.BATON_CRM_PAUSE_SECONDS };
beforeAll(() => {
  // Short deadlines and pauses in real time; the pipeline's clock is moved by minutes.
  process.env.BATON_CRM_TIMEOUT_SECONDS = '0.2';
  process.env.BATON_CRM_PAUSE_SECONDS = '0.3';
});
afterAll(() => {
  for (const [name, value] of [
    ['BATON_CRM_TIMEOUT_SECONDS', saved.timeout],
    ['BATON_CRM_PAUSE_SECONDS', saved.pause],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MIN = 60_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('HubSpot down for 30 minutes: nothing dead-lettered, everything handed off once when it is back', async () => {
  h = await makeHarness();
  const harness = h;
  const hanaId = await hubspotContact(harness, { ...ANA, email: 'hana@down.example', firstname: 'Hana' });

  // HubSpot stops answering: every request is taken and left hanging.
  let down = true;
  const hung: (() => void)[] = [];
  const answer = harness.hubspot.handle.bind(harness.hubspot);
  harness.hubspot.handle = (req: FakeRequest) =>
    down ? new Promise<FakeResponse | null>((ok) => hung.push(() => ok({ status: 503 }))) : answer(req);

  // Hana's demo request (her Lead, Task and contact write) and a change to a contact Baton must read.
  expect(
    (
      await postEvents(harness, {
        id: 'evt-down-1',
        email: 'hana@down.example',
        type: 'form_submission',
        at: harness.clock.now.toISOString(),
        properties: { form: 'demo-request' },
      })
    ).status,
  ).toBe(202);
  const { country: _country, ...bo } = { ...ANA, email: 'bo@down.example', firstname: 'Bo' };
  const boId = harness.hubspot.seed('contacts', bo);
  expect(
    (await harness.hubspotWebhook(harness.hubspot.changeAsMarketer('contacts', boId, { country: 'US' }))).status,
  ).toBe(200);

  // Half an hour of the pipeline's clock in 3-minute steps, each far past the backoff of the last
  // attempt; between them the circuit's pause ends, so each step probes HubSpot and times out.
  for (let step = 0; step < 10; step++) {
    await harness.drain();
    harness.clock.advance(3 * MIN);
    await pause(350);
  }
  await harness.drain();
  expect(harness.ctx.connectors.hubspot!.unavailable!()).toMatch(/hubspot did not answer/);
  expect(await harness.store.inboxDeadLetters()).toEqual([]);
  expect(await harness.store.listDeadLetters()).toEqual([]);
  // Salesforce's side of the handoff went on.
  expect(harness.salesforce.org.rows('Lead').map((l) => l.Email)).toEqual(['hana@down.example']);
  expect(harness.salesforce.org.rows('Task')).toHaveLength(1);
  expect(harness.hubspot.data.records.contacts.get(hanaId)?.properties.baton_stage).not.toBe('mql');

  // HubSpot answers again: the next probe closes the circuit and the waiting work goes through.
  down = false;
  for (const release of hung.splice(0)) release();
  for (let step = 0; step < 5 && harness.ctx.connectors.hubspot!.unavailable!() !== null; step++) {
    await pause(350);
    harness.clock.advance(MIN);
    await harness.drain();
  }
  harness.clock.advance(MIN);
  await harness.drain();
  expect(harness.ctx.connectors.hubspot!.unavailable!()).toBeNull();
  expect(harness.hubspot.data.records.contacts.get(hanaId)?.properties.baton_stage).toBe('mql');
  expect(await harness.store.findPersonByEmail('bo@down.example')).toBeTruthy();
  expect(await harness.store.inboxDeadLetters()).toEqual([]);
  expect(await harness.store.listDeadLetters()).toEqual([]);
  expect(harness.salesforce.org.rows('Lead')).toHaveLength(1);
  expect(harness.salesforce.org.rows('Task')).toHaveLength(1);
}, 120_000);
