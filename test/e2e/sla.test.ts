/** The SLA end to end: a breach is marked once at the deadline and escalates to the owner's manager. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { checkSla } from '../../src/pipeline/sla/sla-scheduler.ts';
import { makeHarness, mqlPerson, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

test('an unanswered MQL breaches once, at the deadline, with one escalation Task for the owner’s manager', async () => {
  const { leadId } = await mqlPerson(h);
  const lead = h.salesforce.org.get(leadId)!;
  const manager = h.salesforce.org.addUser({
    Username: 'manager@org.example',
    Name: 'Mia Manager',
    Email: 'manager@org.example',
  });
  h.salesforce.org.table('User').get(String(lead.OwnerId))!.ManagerId = manager;

  let person = await (await h.fetch('/api/people/ana@corp.example')).json();
  const due = Date.parse(person.sla.due);
  h.clock.now = new Date(due - 1000);
  expect(await checkSla(h.ctx)).toBe(0);

  h.clock.now = new Date(due + 5000);
  expect(await checkSla(h.ctx)).toBe(1);
  expect(await checkSla(h.ctx)).toBe(0);
  await h.drain();
  h.clock.advance(60_000);
  expect(await checkSla(h.ctx)).toBe(0);
  await h.drain();

  person = await (await h.fetch('/api/people/ana@corp.example')).json();
  const breaches = person.transitions.filter((t: { breached?: boolean }) => t.breached);
  expect(breaches).toHaveLength(1);
  expect(breaches[0]).toMatchObject({ cause: 'sla', at: new Date(due).toISOString() });
  expect(person.sla.breached).toBe(true);

  const tasks = h.salesforce.org.rows('Task');
  expect(tasks).toHaveLength(2);
  const escalation = tasks.find((t) => String(t.Subject).startsWith('SLA breached'))!;
  expect(escalation).toMatchObject({ WhoId: leadId, OwnerId: manager });

  const metrics = await (await h.fetch('/metrics', { auth: false })).text();
  expect(metrics).toMatch(/baton_sla_breaches_total\{instance="[^"]+"\} 1/);

  const funnel = await (await h.fetch('/api/funnel')).json();
  expect(funnel.sla).toMatchObject({ breached: 1, open: 0 });
  expect(funnel.entered.mql).toBe(1);
});
