import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DB } from '../../src/store/db.ts';
import { readAlertPayload, readOutboxPayload, readPersonState } from '../../src/store/stored.ts';
import { bothBackends, type TestStore } from '../support/store.ts';

test('a stored person state reads as its type; never evaluated is null', () => {
  const state = {
    stage: 'mql',
    entered: { lead: '2026-11-20T10:00:00Z', mql: '2026-11-20T14:00:00Z' },
    reason: 'mql: rule:demo-request',
    sla: { startedAt: '2026-11-20T14:00:05Z', due: '2026-11-24T03:30:00Z', breached: false, tier: 0 },
  };
  expect(readPersonState(state, 7)).toBe(state);
  expect(readPersonState({}, 7)).toBeNull();
  expect(readPersonState(null, 7)).toBeNull();
});

test('an unreadable person state is a stored_invalid error naming the person and each field', () => {
  const read = () => readPersonState({ stage: 'hot', entered: { mql: 5 }, sla: { startedAt: 'x', breached: 'no' } }, 7);
  expect(read).toThrow(expect.objectContaining({ code: 'stored_invalid' }));
  expect(read).toThrow(
    'person 7: stored state is not readable: state.stage: expected one of lead, mql, sal, sql, opportunity, won, lost, recycled, disqualified, got "hot"; ' +
      'state.entered.mql: expected a time, got number; state.sla.due: expected a time, got undefined; state.sla.breached: expected true or false, got "no"',
  );
  expect(() => readPersonState([], 8)).toThrow(
    'person 8: stored state is not readable: state: expected an object, got an array',
  );
});

test('outbox payloads read as their types, or name the row and the field', () => {
  const write = {
    object: 'Lead',
    action: 'create',
    properties: { LastName: 'Lima' },
    email: 'ana@corp.example',
    purpose: 'person',
    placement: { ownerId: '005A', object: 'Contact', accountId: '001A' },
  };
  expect(readOutboxPayload({ id: 1, key: 'salesforce:person:7', payload: write })).toBe(write);
  expect(() =>
    readOutboxPayload({
      id: 2,
      key: 'hubspot:deal:create:x',
      payload: { ...write, object: 'Deal', associations: { contacts: [1] } },
    }),
  ).toThrow(
    'outbox row 2 (hubspot:deal:create:x) is not readable: payload.object: expected a CRM object, got "Deal"; payload.associations: expected lists of ids by object, got object',
  );
  const alert = {
    purpose: 'alert',
    event: 'handoff',
    role: 'owner',
    email: 'rep@corp.example',
    message: { subject: 'New MQL', body: ['a'], why: [], deadline: null, links: [{ label: 'x', url: 'https://x' }] },
  };
  expect(readAlertPayload({ id: 3, key: 'slack:handoff:person-7', payload: alert })).toBe(alert);
  expect(() => readAlertPayload({ id: 4, key: 'email:k', payload: { ...alert, role: 'boss', message: {} } })).toThrow(
    /^outbox row 4 \(email:k\) is not readable: payload.role: expected one of owner, manager, channel, got "boss"; payload.message.subject: expected a string/,
  );
});

describe.each(bothBackends)('stored person state on $name', ({ make }) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await make();
  });
  afterAll(() => ts.cleanup());

  test('a new person reads as never evaluated; a state of another shape is an error naming the person', async () => {
    const p = await ts.store.createPerson({ email: 'ana@corp.example' });
    expect(p.state).toBeNull();
    expect((await ts.store.getPerson(p.id))?.state).toBeNull();
    const db = (ts.store as unknown as { db: Kysely<DB> }).db;
    await db.updateTable('people').set({ state: '{"stage":"hot","entered":{}}' }).where('id', '=', p.id).execute();
    await expect(ts.store.getPerson(p.id)).rejects.toMatchObject({
      code: 'stored_invalid',
      message: expect.stringContaining(`person ${p.id}: stored state is not readable: state.stage: expected one of`),
    });
  });
});
