import { expect, test } from 'vitest';
import { fieldsSchema } from '../../../src/config/schema.ts';
import type { PersonState } from '../../../src/agreement/types.ts';
import { dateIn, desiredWrites, reached, type DesiredInput } from '../../../src/pipeline/person/desired.ts';
import type { PersonRow } from '../../../src/store/types.ts';

const fields = fieldsSchema.parse({
  person: {
    create_in_salesforce: 'mql',
    fields: {
      email: { hubspot: 'email', salesforce: 'Email', sync: 'two_way' },
      last_name: { hubspot: 'lastname', salesforce: 'LastName', sync: 'two_way', default: '[not provided]' },
      company_name: {
        hubspot: 'company',
        salesforce: 'Company',
        sync: 'prefer_salesforce_unless_blank',
        default: '[not provided]',
      },
      title: { hubspot: 'jobtitle', salesforce: 'Title', sync: 'prefer_salesforce_unless_blank' },
    },
  },
  writeback: {
    hubspot: {
      contact: {
        baton_stage: '{{stage}}',
        baton_fit_score: '{{scores.fit}}',
        baton_reject_reason: '{{reject_reason}}',
      },
      lifecyclestage: true,
    },
    salesforce: {
      person: { Baton_Stage__c: '{{stage}}', Baton_SLA_Due__c: '{{sla.due}}' },
      task: { on: 'mql', subject: 'New MQL: {{person.last_name}}', due: 'sla' },
    },
  },
});

const person = (over: Partial<PersonRow> = {}): PersonRow => ({
  id: 7,
  email: 'ana@corp.example',
  hubspotId: '5101',
  salesforceId: null,
  salesforceObject: null,
  fields: { email: 'ana@corp.example', last_name: 'Lima', title: 'VP' },
  fieldSources: {},
  state: null,
  stage: 'lead',
  scores: { fit: 44.6, engagement: 31.5 },
  slaDue: null,
  slaBreached: false,
  ownerId: null,
  updatedAt: '2026-11-20T00:00:00Z',
  revision: 1,
  ...over,
});
const mql: PersonState = {
  stage: 'mql',
  entered: { mql: '2026-11-20T14:00:00Z' },
  reason: 'mql: rule:demo-request',
  sla: { startedAt: '2026-11-20T14:00:05Z', due: '2026-11-24T03:30:00Z', breached: false },
};
const input = (over: Partial<DesiredInput>): DesiredInput => ({
  person: person(),
  state: { stage: 'lead', entered: {} },
  fields,
  onBreach: 'escalate',
  timeZone: 'America/New_York',
  snapshots: {},
  now: '2026-11-20T14:00:05Z',
  ...over,
});

test('a lead gets its HubSpot write-back only; whole-number scores; lifecycle stage', () => {
  const w = desiredWrites(input({}));
  expect(w).toHaveLength(1);
  expect(w[0]).toMatchObject({
    crm: 'hubspot',
    key: 'hubspot:contact:5101',
    payload: {
      action: 'update',
      id: '5101',
      properties: { baton_stage: 'lead', baton_fit_score: '45', lifecyclestage: 'lead' },
    },
  });
});

test('at mql a HubSpot-only person becomes a Lead create with defaults; the Task waits for the Lead id', () => {
  const w = desiredWrites(input({ person: person({ stage: 'mql' }), state: mql }));
  const create = w.find((x) => x.crm === 'salesforce')!;
  expect(create).toMatchObject({
    key: 'salesforce:person:7',
    payload: { action: 'create', object: 'Lead', email: 'ana@corp.example' },
  });
  expect(create.payload.properties).toMatchObject({
    LastName: 'Lima',
    Company: '[not provided]',
    Title: 'VP',
    Baton_Stage__c: 'mql',
    Baton_SLA_Due__c: '2026-11-24T03:30:00Z',
  });
  expect(w.some((x) => x.payload.object === 'Task')).toBe(false);
});

test('the HubSpot write waits for the Lead create, at most 10 s after the handoff; not once the Lead is known', () => {
  const w = desiredWrites(input({ person: person({ stage: 'mql' }), state: mql }));
  expect(w.find((x) => x.crm === 'hubspot')!.waitsFor).toEqual({
    crm: 'salesforce',
    key: 'salesforce:person:7',
    until: '2026-11-20T14:00:15.000Z',
  });
  const linked = desiredWrites(
    input({ person: person({ stage: 'mql', salesforceId: '00Q1', salesforceObject: 'Lead' }), state: mql }),
  );
  expect(linked.find((x) => x.crm === 'hubspot')!.waitsFor).toBeUndefined();
  const lead = desiredWrites(input({}));
  expect(lead[0].waitsFor).toBeUndefined();
});

test('with the Lead known: an update of what changed and one Task due on the deadline date in the business-hours zone', () => {
  const p = person({ stage: 'mql', salesforceId: '00Q1', salesforceObject: 'Lead', ownerId: '005A' });
  const w = desiredWrites(
    input({
      person: p,
      state: mql,
      snapshots: {
        salesforce: {
          at: '2026-11-20T14:00:00Z',
          props: {
            Email: 'ANA@corp.example ',
            LastName: 'Lima',
            Title: 'VP',
            Baton_Stage__c: 'mql',
            Baton_SLA_Due__c: '2026-11-24T03:30:00.000+0000',
          },
        },
      },
    }),
  );
  expect(w.find((x) => x.key === 'salesforce:person:7')).toBeUndefined();
  const task = w.find((x) => x.payload.object === 'Task')!;
  expect(task).toMatchObject({
    once: true,
    key: 'salesforce:Task:person-7:mql:2026-11-20T14:00:05Z',
    payload: {
      action: 'create',
      properties: { WhoId: '00Q1', OwnerId: '005A', Subject: 'New MQL: Lima', ActivityDate: '2026-11-23' },
    },
  });
});

test('values HubSpot already holds are not written; a backward lifecycle move clears first; the reject reason', () => {
  const state: PersonState = {
    stage: 'recycled',
    entered: { mql: '2026-11-01T00:00:00Z' },
    rejectReason: 'bad_timing',
  };
  const w = desiredWrites(
    input({
      person: person({ stage: 'recycled' }),
      state,
      snapshots: {
        hubspot: {
          at: 'x',
          props: {
            email: 'ana@corp.example',
            lastname: 'Lima',
            jobtitle: 'VP',
            baton_fit_score: 45,
            lifecyclestage: 'marketingqualifiedlead',
          },
        },
      },
    }),
  );
  expect(w[0].payload).toMatchObject({
    clearFirst: ['lifecyclestage'],
    properties: { baton_stage: 'recycled', baton_reject_reason: 'bad_timing', lifecyclestage: 'lead' },
  });
  expect(w[0].payload.properties).not.toHaveProperty('baton_fit_score');
  expect(w[0].payload.properties).not.toHaveProperty('jobtitle');
});

test('a breach escalates once to the manager', () => {
  const p = person({ stage: 'mql', salesforceId: '00Q1', salesforceObject: 'Lead', ownerId: '005A' });
  const w = desiredWrites(
    input({
      person: p,
      state: { ...mql, sla: { ...mql.sla!, breached: true } },
      escalateTo: '005M',
      now: '2026-11-24T03:30:02Z',
    }),
  );
  const esc = w.find((x) => x.payload.purpose === 'escalation')!;
  expect(esc).toMatchObject({
    once: true,
    payload: { properties: { OwnerId: '005M', WhoId: '00Q1', ActivityDate: '2026-11-23' } },
  });
});

test('reached and dateIn', () => {
  expect(reached({ stage: 'sql', entered: {} }, 'mql')).toBe(true);
  expect(reached({ stage: 'recycled', entered: { mql: 'x' } }, 'mql')).toBe(true);
  expect(reached({ stage: 'recycled', entered: {} }, 'mql')).toBe(false);
  expect(dateIn('2026-11-24T03:30:00Z', null)).toBe('2026-11-24');
  expect(dateIn('2026-11-24T03:30:00Z', 'America/New_York')).toBe('2026-11-23');
});
