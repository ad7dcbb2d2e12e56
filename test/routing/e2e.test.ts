/** Routing and SLA policies end to end: the harness's pipeline and app, with `routing.yaml` in the config folder. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SalesforceConnector } from '../../connectors/salesforce/index.ts';
import { enableRouting } from '../../src/pipeline/routing/routing-setup.ts';
import { checkSla } from '../../src/pipeline/sla/sla-scheduler.ts';
import { queueSlaReminders } from '../../src/pipeline/sla/sla-policy-reminders.ts';
import {
  ANA,
  hubspotContact,
  makeHarness,
  mqlPerson,
  nextVersion,
  postEvents,
  repEdits,
  type Harness,
} from '../e2e/harness.ts';

const ROUTING = `match_accounts:
  by: [email_domain, company_name]
  ignore_domains: [gmail.com]
  create: contact
rules:
  - id: dach
    if: { field: person.country, in: [DE, AT, CH] }
    assign: { user: carla@org.example }
fallback:
  round_robin: [ana.rep@org.example, bo.rep@org.example]
  weights: { ana.rep@org.example: 2 }
skip_inactive: true
`;

let h: Harness;
let reps: Record<string, string>;

async function withRouting(
  agreementEdit?: (text: string) => string,
  fieldsEdit?: (text: string) => string,
): Promise<string[]> {
  reps = {};
  for (const n of ['ana.rep', 'bo.rep', 'carla']) {
    const name = n.replace('.rep', '').replace(/^./, (c) => c.toUpperCase());
    reps[n] = h.salesforce.org.addUser({
      Username: `${n}@org.example`,
      Email: `${n}@org.example`,
      Name: `${name} Rep`,
    });
  }
  await writeFile(join(h.configDir, 'routing.yaml'), ROUTING);
  if (agreementEdit) {
    const file = join(h.configDir, 'agreement.yaml');
    await writeFile(file, nextVersion(agreementEdit(await readFile(file, 'utf8'))));
  }
  if (fieldsEdit) {
    const file = join(h.configDir, 'fields.yaml');
    await writeFile(file, fieldsEdit(await readFile(file, 'utf8')));
  }
  const r = await h.config.reload();
  if (!r.ok) throw new Error(r.message);
  const loaded = h.config.loaded()!;
  return enableRouting(h.ctx, h.ctx.connectors.salesforce as SalesforceConnector, {
    routing: loaded.routing,
    text: loaded.texts.routing,
    file: loaded.files.routing,
  });
}

const person = async (key: string) => (await h.fetch(`/api/people/${encodeURIComponent(key)}`)).json();

beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe('routing end to end', () => {
  it('writes the owner and the reason back through the templates, and the HubSpot owner by email', async () => {
    h.hubspot.marketing.owners.push({
      id: '77',
      email: 'Ana.Rep@org.example',
      firstName: 'Ana',
      lastName: 'Rep',
      userId: 7,
    });
    const problems = await withRouting(undefined, (text) =>
      text
        .replace('baton_reason: "{{reason}}"', 'baton_reason: "{{owner.name}} <{{owner.email}}>: {{routing.reason}}"')
        .replace(/^( {4}lifecyclestage: true.*)$/m, '$1\n    owner: true'),
    );
    expect(problems).toEqual([]);
    const { hsId } = await mqlPerson(h);
    const props = h.hubspot.data.records.contacts.get(hsId)!.properties;
    expect(props.hubspot_owner_id).toBe('77');
    expect(props.baton_reason).toBe('Ana Rep <ana.rep@org.example>: fallback, round robin: Ana Rep (2 of 3)');
  });

  it('sets the routed owner on the new Lead, gives the Task to them and records why', async () => {
    expect(await withRouting()).toEqual([]);
    const { leadId } = await mqlPerson(h);
    const lead = h.salesforce.org.get(leadId)!;
    expect(lead.OwnerId).toBe(reps['ana.rep']);
    // the sObject Collections create itself (sent alone or as a subrequest of a composite call)
    const create = h.salesforce.log.find(
      (r) => r.method === 'POST' && r.path.endsWith('/composite/sobjects') && r.body.includes('ana@corp.example'),
    )!;
    expect(create.headers['sforce-auto-assign']).toBe('FALSE');
    const task = h.salesforce.org.rows('Task').find((t) => t.WhoId === leadId)!;
    expect(task.OwnerId).toBe(reps['ana.rep']);
    const p = await person('ana@corp.example');
    expect(p.routing).toMatchObject({
      rule: 'fallback',
      user: 'ana.rep@org.example',
      reason: 'fallback, round robin: Ana Rep (2 of 3)',
    });
  });

  it('makes a person whose domain matches one Account a Contact of its owner', async () => {
    await withRouting();
    const olga = h.salesforce.org.addUser({
      Username: 'olga@org.example',
      Email: 'olga@org.example',
      Name: 'Olga Owner',
    });
    const account = h.salesforce.org.insert('Account', {
      Name: 'Corp',
      Website: 'https://www.corp.example',
      OwnerId: olga,
    }).Id;
    await hubspotContact(h, ANA);
    await postEvents(h, {
      id: 'evt-demo',
      email: 'ana@corp.example',
      type: 'form_submission',
      at: h.clock.now.toISOString(),
      properties: { form: 'demo-request' },
    });
    await h.drain();
    expect(h.salesforce.org.rows('Lead').filter((l) => l.Email === 'ana@corp.example')).toHaveLength(0);
    const contact = h.salesforce.org.rows('Contact').find((c) => c.Email === 'ana@corp.example')!;
    expect(contact).toMatchObject({ AccountId: account, OwnerId: olga });
    const p = await person('ana@corp.example');
    expect(p.ids.salesforce).toBe(contact.Id);
    expect(p.routing).toMatchObject({
      rule: 'account',
      user: 'olga@org.example',
      reason: 'account Corp (by email domain): owner Olga Owner',
    });
    expect(h.salesforce.org.rows('Task').find((t) => t.WhoId === contact.Id)?.OwnerId).toBe(olga);
  });

  it('keeps the owner a person gave the Lead through 10 later write-backs', async () => {
    await withRouting();
    const { hsId, leadId } = await mqlPerson(h);
    const other = h.salesforce.org.addUser({ Username: 'dana@org.example', Email: 'dana@org.example', Name: 'Dana' });
    await repEdits(h, 'Lead', leadId, { OwnerId: other });
    const before = h.salesforce.log.length;
    // a marketer renames the person ten times; each rename is one Lead update
    for (let i = 0; i < 10; i++) {
      await h.hubspotWebhook(h.hubspot.changeAsMarketer('contacts', hsId, { firstname: `Ana${i}` }));
      await h.drain();
    }
    expect(h.salesforce.org.get(leadId)!.FirstName).toBe('Ana9');
    const updates = h.salesforce.log.slice(before).filter((r) => r.method === 'PATCH' && r.body.includes(leadId));
    expect(updates.length).toBeGreaterThanOrEqual(10);
    expect(updates.every((r) => r.headers['sforce-auto-assign'] === 'FALSE')).toBe(true);
    expect(updates.some((r) => r.body.includes('OwnerId'))).toBe(false);
    expect(h.salesforce.org.get(leadId)!.OwnerId).toBe(other);
  });
});

const SLA = (text: string) =>
  text.replace(
    /^sla:\n(?: {2}.*\n)+/m,
    `sla:
  accept_within: 24h
  tiers:
    - { when: { event: form_submission, where: { form: demo-request }, within: 1d }, accept_within: 30m }
  remind_before: 15m
  on_breach: reassign
`,
  );

describe('SLA tiers, reminder and reassignment end to end', () => {
  it('gives a demo request 30 minutes, reminds once, and on breach reassigns once', async () => {
    await withRouting(SLA);
    const { leadId } = await mqlPerson(h);
    let p = await person('ana@corp.example');
    const due = Date.parse(p.sla.due);
    expect(due - Date.parse(p.sla.started)).toBe(30 * 60_000);

    h.clock.now = new Date(due - 20 * 60_000);
    expect(await queueSlaReminders(h.ctx)).toBe(0);
    h.clock.now = new Date(due - 10 * 60_000);
    expect(await queueSlaReminders(h.ctx)).toBe(1);
    expect(await queueSlaReminders(h.ctx)).toBe(0);
    await h.drain();
    const mqlTask = h.salesforce.org.rows('Task').find((t) => t.WhoId === leadId)!;
    expect(String(mqlTask.Description)).toContain('Reminder: answer Ana Lima by');

    h.clock.now = new Date(due + 5000);
    expect(await checkSla(h.ctx)).toBe(1);
    await h.drain();
    h.clock.advance(60_000);
    expect(await checkSla(h.ctx)).toBe(0);
    await h.drain();

    const tasks = h.salesforce.org.rows('Task').filter((t) => t.WhoId === leadId);
    expect(tasks).toHaveLength(2);
    expect(tasks.filter((t) => t.Status === 'Completed')).toHaveLength(1);
    const open = tasks.find((t) => t.Status !== 'Completed')!;
    expect(open.OwnerId).toBe(reps['bo.rep']);
    expect(h.salesforce.org.get(leadId)!.OwnerId).toBe(reps['bo.rep']);

    p = await person('ana@corp.example');
    expect(p.routing.reassigned).toMatchObject({ from: reps['ana.rep'], to: reps['bo.rep'], rule: 'fallback' });
    const funnel = await (await h.fetch('/api/funnel')).json();
    expect(funnel.sla).toMatchObject({ breached: 1 });
    expect(funnel.sla_detail.by_owner['ana.rep@org.example']).toMatchObject({ breached: 1 });
    expect(funnel.sla_detail.by_owner['bo.rep@org.example']).toBeUndefined();
  });

  it('a reassignment queued with its breach survives a stop before it ran (durable, done once)', async () => {
    await withRouting(SLA);
    const { leadId } = await mqlPerson(h);
    const p0 = await person('ana@corp.example');
    h.clock.now = new Date(Date.parse(p0.sla.due) + 5000);
    // An instance without its routing runtime stands for one that died between the breach and the reassignment.
    expect(await checkSla({ ...h.ctx, routing: undefined })).toBe(1);
    await h.drain();
    expect(h.salesforce.org.get(leadId)!.OwnerId).toBe(reps['ana.rep']);
    expect((await person('ana@corp.example')).routing.reassigned).toBeFalsy();

    h.clock.advance(60_000);
    expect(await checkSla(h.ctx)).toBe(0);
    await h.drain();
    expect(h.salesforce.org.get(leadId)!.OwnerId).toBe(reps['bo.rep']);
    expect((await person('ana@corp.example')).routing.reassigned).toMatchObject({
      from: reps['ana.rep'],
      to: reps['bo.rep'],
    });
    h.clock.advance(60_000);
    await checkSla(h.ctx);
    await h.drain();
    expect(
      h.salesforce.org.rows('Task').filter((t) => t.WhoId === leadId && t.OwnerId === reps['bo.rep']),
    ).toHaveLength(1);
  });

  it("reports Baton's delay and the rep's delay separately", async () => {
    await withRouting(SLA);
    const { leadId } = await mqlPerson(h);
    await repEdits(h, 'Lead', leadId, { Status: 'Working - Contacted' });
    const funnel = await (await h.fetch('/api/funnel')).json();
    expect(funnel.sla.answered_in_time).toBe(1);
    const d = funnel.sla_detail;
    expect(d.answered_in_time).toBe(1);
    expect(d.share_in_time).toBe(1);
    expect(typeof d.median_baton_delay_minutes).toBe('number');
    expect(typeof d.median_rep_delay_hours).toBe('number');
    expect(Object.keys(d.by_tier)).toEqual(['tier 1']);
  });
});
