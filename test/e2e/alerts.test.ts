/**
 * Alerts end to end: the harness's pipeline with `alerts.yaml`, the real `@slack/web-api` client
 * against the Slack emulation on loopback and nodemailer against a real SMTP server on loopback.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SalesforceConnector } from '../../connectors/salesforce/index.ts';
import { enableRouting } from '../../src/pipeline/routing/routing-setup.ts';
import { checkSla } from '../../src/pipeline/sla/sla-scheduler.ts';
import { queueSlaReminders } from '../../src/pipeline/sla/sla-policy-reminders.ts';
import { sendAlertBatch } from '../../src/pipeline/outbox/alert-sender.ts';
import { startAlertWorld, type AlertWorld } from '../support/alerts.ts';
import { makeHarness, mqlPerson, repEdits, type Harness } from './harness.ts';

export const ALERTS = `channels:
  slack: {}
  email: { from: baton@acme.example }
links:
  baton: http://baton.test
  salesforce: https://baton-e2e.my.salesforce.com
templates:
  handoff: { subject: "New lead for you: {{person.first_name}} {{person.last_name}}", body: "Routed: {{routing.reason}}" }
  reminder: { subject: "Reminder: answer {{person.first_name}} {{person.last_name}} by {{sla.due}}" }
  breach: { subject: "SLA breached: {{person.first_name}} {{person.last_name}} ({{owner.email}})" }
  reassigned: { subject: "Reassigned to you: {{person.first_name}} {{person.last_name}}" }
  rejected: { subject: "Sales rejected {{person.first_name}} {{person.last_name}}", body: "Reason: {{reject_reason}}" }
rules:
  - { on: handoff, to: [owner], template: handoff }
  - { on: reminder, to: [owner], template: reminder }
  - { on: breach, to: [manager, channel], channel: "#sales-leads", template: breach }
  - { on: reassigned, to: [owner], template: reassigned }
  - { on: rejected, to: [channel], channel: "#marketing", template: rejected }
`;

const ROUTING = `rules: []
fallback:
  round_robin: [ana.rep@org.example, bo.rep@org.example]
`;

// A new SLA is a new version: v7's text went live when the harness started.
const SLA = (text: string) =>
  text
    .replace(/^version: (\d+)$/m, (_, v: string) => `version: ${Number(v) + 1}`)
    .replace(
      /^sla:\n(?: {2}.*\n)+/m,
      `sla:
  accept_within: 30m
  remind_before: 15m
  on_breach: reassign
`,
    );

let h: Harness;
let w: AlertWorld;
let reps: Record<string, string>;

async function setup(options: { slackUsers?: string[]; alerts?: string } = {}): Promise<void> {
  reps = {};
  for (const n of ['ana.rep', 'bo.rep', 'mia.manager']) {
    reps[n] = h.salesforce.org.addUser({ Username: `${n}@org.example`, Email: `${n}@org.example`, Name: n });
  }
  for (const n of ['ana.rep', 'bo.rep']) h.salesforce.org.table('User').get(reps[n])!.ManagerId = reps['mia.manager'];
  for (const [i, n] of (options.slackUsers ?? ['ana.rep', 'bo.rep', 'mia.manager']).entries())
    w.slack.addUser({ id: `U0${i + 1}`, email: `${n}@org.example`, name: n });
  w.slack.addChannel('#sales-leads');
  w.slack.addChannel('#marketing');
  await writeFile(join(h.configDir, 'routing.yaml'), ROUTING);
  await writeFile(join(h.configDir, 'alerts.yaml'), options.alerts ?? ALERTS);
  const file = join(h.configDir, 'agreement.yaml');
  await writeFile(file, SLA(await readFile(file, 'utf8')));
  const r = await h.config.reload();
  if (!r.ok) throw new Error(r.message);
  const loaded = h.config.loaded()!;
  await enableRouting(h.ctx, h.ctx.connectors.salesforce as SalesforceConnector, {
    routing: loaded.routing,
    text: loaded.texts.routing,
    file: loaded.files.routing,
  });
}

const person = async (key: string) => (await h.fetch(`/api/people/${encodeURIComponent(key)}`)).json();

beforeEach(async () => {
  w = await startAlertWorld();
  h = await makeHarness({ alerts: w.transports });
});
afterEach(async () => {
  await h.close();
  await w.close();
});

describe('alerts', () => {
  it('DMs the owner once at handoff, reminds before the deadline, tells the manager and the channel of a breach, and the new owner of the reassignment', async () => {
    await setup();
    const { leadId } = await mqlPerson(h);
    await h.drain();
    // One DM, to the owner routing chose, and nothing to anyone else.
    expect(h.salesforce.org.table('Lead').get(leadId)!.OwnerId).toBe(reps['ana.rep']);
    expect(w.slack.messages).toHaveLength(1);
    const ana = w.slack.to('ana.rep@org.example');
    expect(ana).toHaveLength(1);
    expect(ana[0].text).toContain('*New lead for you: Ana Lima*');
    expect(ana[0].text).toContain('*Why:*');
    expect(ana[0].text).toContain('*Deadline:*');
    expect(ana[0].text).toContain(`<https://baton-e2e.my.salesforce.com/${leadId}|Salesforce record>`);
    expect(ana[0].text).toContain('<http://baton.test/api/people/ana%40corp.example|Baton person view>');

    // More changes to the person: still one DM.
    await repEdits(h, 'Lead', leadId, { Title: 'COO' });
    await h.drain();
    expect(w.slack.to('ana.rep@org.example')).toHaveLength(1);

    let p = await person('ana@corp.example');
    const due = Date.parse(p.sla.due);
    // remind_before is 15m: nothing at 20 minutes before the deadline, the reminder at 10.
    h.clock.now = new Date(due - 20 * 60_000);
    expect(await queueSlaReminders(h.ctx)).toBe(0);
    h.clock.now = new Date(due - 10 * 60_000);
    expect(await queueSlaReminders(h.ctx)).toBe(1);
    await h.drain();
    const reminders = w.slack.to('ana.rep@org.example').filter((m) => m.text.includes('Reminder: answer Ana Lima'));
    expect(reminders).toHaveLength(1);

    h.clock.now = new Date(due + 5000);
    expect(await checkSla(h.ctx)).toBe(1);
    await h.drain();
    h.clock.advance(60_000);
    await checkSla(h.ctx);
    await h.drain();

    const manager = w.slack.to('mia.manager@org.example');
    expect(manager.map((m) => m.text)).toEqual([expect.stringContaining('*SLA breached: Ana Lima')]);
    expect(w.slack.to('#sales-leads').map((m) => m.text)).toEqual([expect.stringContaining('SLA breached: Ana Lima')]);
    const bo = w.slack.to('bo.rep@org.example');
    expect(bo.map((m) => m.text)).toEqual([expect.stringContaining('*Reassigned to you: Ana Lima*')]);
    expect(w.smtp.mails).toHaveLength(0);

    p = await person('ana@corp.example');
    expect(p.alerts.map((a: { event: string; role: string }) => `${a.event}:${a.role}`).sort()).toEqual([
      'breach:channel',
      'breach:manager',
      'handoff:owner',
      'reassigned:owner',
      'reminder:owner',
    ]);
  });

  it('posts a rejection to marketing’s channel with the reason', async () => {
    await setup();
    const { leadId } = await mqlPerson(h);
    await repEdits(h, 'Lead', leadId, { Status: 'Closed - Not Converted', Baton_Reject_Reason__c: 'no_budget' });
    await h.drain();
    const posts = w.slack.to('#marketing');
    expect(posts).toHaveLength(1);
    expect(posts[0].text).toContain('*Sales rejected Ana Lima*');
    expect(posts[0].text).toContain('Reason: no_budget');
  });

  it('emails a rep Slack does not know, and says so', async () => {
    await setup({ slackUsers: ['bo.rep'] });
    await mqlPerson(h);
    await h.drain();
    expect(w.slack.messages).toHaveLength(0);
    expect(w.smtp.mails).toHaveLength(1);
    const mail = w.smtp.mails[0];
    expect(mail.to).toEqual(['ana.rep@org.example']);
    expect(mail.subject).toBe('New lead for you: Ana Lima');
    expect(mail.raw).toContain('text/plain');
    expect(mail.raw).toContain('text/html');
    expect(mail.raw).toContain('users_not_found');
    expect(mail.raw).toMatch(/^Message-ID: <baton-alert\.[0-9a-f]{32}@acme\.example>/im);
    const p = await person('ana@corp.example');
    expect(p.alerts).toEqual([
      expect.objectContaining({
        event: 'handoff',
        via: 'email',
        to: 'ana.rep@org.example',
        fallback: expect.any(String),
      }),
    ]);
  });

  it('waits out a 429 from Slack and drops nothing', async () => {
    await setup();
    w.slack.rateLimitNext('chat.postMessage', 1, 2);
    await mqlPerson(h);
    await h.drain();
    expect(w.slack.to('ana.rep@org.example')).toHaveLength(1);
    expect(w.slack.calls.get('chat.postMessage')).toBe(3);
    // Each retry came after Slack's Retry-After (1 s), not at once.
    const [first, second, third] = w.slack.callTimes.get('chat.postMessage')!;
    expect(second - first).toBeGreaterThanOrEqual(990);
    expect(third - second).toBeGreaterThanOrEqual(990);
    expect(await h.store.outboxPending('slack')).toBe(0);
    expect(await h.store.listDeadLetters()).toEqual([]);
    expect((await person('ana@corp.example')).alerts).toEqual([
      expect.objectContaining({ event: 'handoff', via: 'slack' }),
    ]);
  });

  it('Slack took the message but its answer was lost: the retry finds it by its key and does not post again', async () => {
    await setup();
    w.slack.afterPost(() => {
      w.slack.afterPost(null);
      return { status: 500, body: 'upstream gone' };
    });
    await mqlPerson(h);
    await h.drain();
    const ana = w.slack.to('ana.rep@org.example');
    expect(ana).toHaveLength(1);
    expect(ana[0].metadata).toEqual({
      event_type: 'baton_alert',
      event_payload: { key: expect.stringMatching(/^alert:handoff:person-\d+:/) },
    });
    expect(w.slack.calls.get('chat.postMessage')).toBe(1);
    expect(w.slack.calls.get('conversations.history')).toBe(1);
    expect(await h.store.outboxPending('slack')).toBe(0);
    expect((await person('ana@corp.example')).alerts).toEqual([
      expect.objectContaining({ event: 'handoff', via: 'slack', to: ana[0].channel }),
    ]);
    // Found and completed: the attempt's mark is gone, so nothing is looked up again.
    const key = String(ana[0].metadata!.event_payload.key).replace(/^alert:/, '');
    expect(await h.store.getValue(`alerts:attempt:slack:${key}`)).toBeUndefined();
  });

  it('without alerts.yaml nothing changes: no alert rows, no Slack call, no mail', async () => {
    await setup();
    await rm(join(h.configDir, 'alerts.yaml'));
    const r = await h.config.reload();
    expect(r.ok).toBe(true);
    expect(h.config.loaded()!.alerts).toBeNull();
    const { leadId } = await mqlPerson(h);
    await h.drain();
    expect(await h.store.outboxPending('slack')).toBe(0);
    expect(await h.store.outboxPending('email')).toBe(0);
    expect(w.slack.calls.size).toBe(0);
    expect(w.smtp.mails).toHaveLength(0);
    expect(h.salesforce.org.rows('Task').filter((t) => t.WhoId === leadId)).toHaveLength(1);
    expect((await person('ana@corp.example')).alerts).toBeUndefined();
  });

  it('two instances sending at once send each alert once', async () => {
    await setup();
    const payload = {
      purpose: 'alert',
      event: 'handoff',
      role: 'owner',
      email: 'ana.rep@org.example',
      message: { subject: 'Once', body: [], why: [], deadline: null, links: [] },
    };
    for (const n of [1, 2, 3])
      await h.store.outboxPut({
        crm: 'slack',
        key: `slack:handoff:person-${n}:t:handoff:owner`,
        personId: null,
        payload,
        hash: `h${n}`,
        idempotencyKey: `alert:${n}`,
      });
    const other = { ...h.ctx, instanceId: 'other-instance' };
    const sent = await Promise.all([sendAlertBatch(h.ctx, 'slack', 2), sendAlertBatch(other, 'slack', 2)]);
    expect(sent[0] + sent[1]).toBe(3);
    await h.drain();
    expect(w.slack.to('ana.rep@org.example')).toHaveLength(3);
    expect(await h.store.outboxPending('slack')).toBe(0);
  });

  it('a `when` condition keeps other people out', async () => {
    await setup({
      alerts: ALERTS.replace(
        '{ on: handoff, to: [owner], template: handoff }',
        '{ on: handoff, to: [owner], template: handoff, when: { field: person.country, eq: DE } }',
      ),
    });
    await mqlPerson(h);
    await h.drain();
    expect(w.slack.messages).toHaveLength(0);
  });
});
