/** Pure alert logic with plain data: which events a state shows, which rows an event calls for, how they read. */
import { describe, expect, it } from 'vitest';
import type { PersonState } from '../../src/agreement/types.ts';
import { alertWrites, stateEvents, type AlertInput } from '../../src/alerts/desired.ts';
import { alertHtml, alertMrkdwn, alertText } from '../../src/alerts/render.ts';
import { alertsSchema } from '../../src/config/alerts-schema.ts';
import type { PersonRow } from '../../src/store/types.ts';

const NOW = '2026-11-20T14:10:00Z';
const running: PersonState = {
  stage: 'mql',
  entered: { mql: '2026-11-20T14:00:00Z' },
  sla: { startedAt: '2026-11-20T14:00:05Z', due: '2026-11-20T14:30:05Z', breached: false },
};

const person: PersonRow = {
  id: 7,
  email: 'ana@corp.example',
  hubspotId: '5101',
  salesforceId: '00Q7',
  salesforceObject: 'Lead',
  fields: { email: 'ana@corp.example', first_name: 'Ana', last_name: 'Lima', country: 'US' },
  fieldSources: {},
  state: null,
  stage: 'mql',
  scores: { fit: 40, engagement: 30 },
  slaDue: null,
  slaBreached: false,
  ownerId: '005A',
  updatedAt: NOW,
  revision: 1,
};

const config = alertsSchema.parse({
  channels: { slack: {}, email: { from: 'baton@acme.example' } },
  links: { baton: 'http://baton.test/', salesforce: 'https://acme.my.salesforce.com' },
  templates: { handoff: { subject: 'New lead: {{person.first_name}} & co <b>', body: 'Routed: {{routing.reason}}' } },
  rules: [
    { on: 'handoff', to: ['owner', 'channel'], channel: '#leads', template: 'handoff' },
    { on: 'handoff', to: ['manager'], via: 'email', template: 'handoff', when: { field: 'person.country', eq: 'DE' } },
  ],
});

const input = (over: Partial<AlertInput> = {}): AlertInput => ({
  config,
  event: { event: 'handoff', at: running.sla!.startedAt },
  person,
  template: {
    stage: 'mql',
    scores: { fit: 40, engagement: 30 },
    reason: null,
    reject_reason: null,
    sla: { due: running.sla!.due },
    owner: { name: 'Ana Rep', email: 'ana.rep@org.example' },
    routing: { reason: 'fallback' },
    person: person.fields,
  },
  why: ['fit +25 big-company'],
  deadline: running.sla!.due,
  ownerEmail: 'ana.rep@org.example',
  managerEmail: 'mia@org.example',
  condition: () => ({ person: person.fields, deal: null, scores: person.scores, events: [], at: Date.parse(NOW) }),
  can: { slack: true, email: true },
  ...over,
});

describe('stateEvents', () => {
  it('a running clock is a handoff; a breach and a rejection are their own events; old news is left out', () => {
    expect(stateEvents(running, NOW)).toEqual([{ event: 'handoff', at: running.sla!.startedAt }]);
    const breached = { ...running, sla: { ...running.sla!, breached: true } };
    expect(stateEvents(breached, NOW)).toEqual([{ event: 'breach', at: running.sla!.startedAt }]);
    const rejected: PersonState = {
      stage: 'recycled',
      entered: { recycled: '2026-11-20T14:05:00Z' },
      rejectReason: 'no_budget',
      movedAt: '2026-11-20T14:05:00Z',
    };
    expect(stateEvents(rejected, NOW)).toEqual([{ event: 'rejected', at: '2026-11-20T14:05:00Z' }]);
    expect(stateEvents(rejected, '2026-11-23T00:00:00Z')).toEqual([]);
    expect(stateEvents({ ...running, sla: { ...running.sla!, answeredAt: NOW } }, NOW)).toEqual([]);
  });
});

describe('alertWrites', () => {
  it('one row per rule and recipient, keyed by event, time, template and role; `when` filters', () => {
    const rows = alertWrites(input());
    expect(rows.map((r) => [r.channel, r.key, r.payload.email ?? r.payload.channel])).toEqual([
      ['slack', 'slack:handoff:person-7:2026-11-20T14:00:05Z:handoff:owner', 'ana.rep@org.example'],
      ['slack', 'slack:handoff:person-7:2026-11-20T14:00:05Z:handoff:channel', '#leads'],
    ]);
    expect(rows[0].payload.message).toEqual({
      subject: 'New lead: Ana & co <b>',
      body: ['Routed: fallback'],
      why: ['fit +25 big-company'],
      deadline: '2026-11-20T14:30:05Z',
      links: [
        { label: 'Salesforce record', url: 'https://acme.my.salesforce.com/00Q7' },
        { label: 'Baton person view', url: 'http://baton.test/api/people/ana%40corp.example' },
      ],
    });
    const de = alertWrites(input({ condition: () => ({ ...input().condition(), person: { country: 'DE' } }) }));
    expect(de.map((r) => r.key)).toContain('email:handoff:person-7:2026-11-20T14:00:05Z:handoff:manager');
  });

  it('a channel this instance cannot send on, or an unknown owner, queues nothing for it', () => {
    expect(alertWrites(input({ can: { slack: false, email: true } }))).toEqual([]);
    expect(alertWrites(input({ ownerEmail: null })).map((r) => r.payload.role)).toEqual(['channel']);
  });
});

describe('render', () => {
  it('the same content as Slack mrkdwn, plain text and HTML, each escaped for its medium', () => {
    const m = alertWrites(input())[0].payload.message;
    expect(alertMrkdwn(m)).toBe(
      [
        '*New lead: Ana &amp; co &lt;b&gt;*',
        'Routed: fallback',
        '*Why:*',
        '• fit +25 big-company',
        '*Deadline:* 2026-11-20T14:30:05Z',
        '<https://acme.my.salesforce.com/00Q7|Salesforce record> · <http://baton.test/api/people/ana%40corp.example|Baton person view>',
      ].join('\n'),
    );
    expect(alertText(m)).toContain('- fit +25 big-company\n\nDeadline: 2026-11-20T14:30:05Z');
    expect(alertHtml(m)).toContain('<strong>New lead: Ana &amp; co &lt;b&gt;</strong>');
    expect(alertHtml(m)).toContain('<li>fit +25 big-company</li>');
  });
});
