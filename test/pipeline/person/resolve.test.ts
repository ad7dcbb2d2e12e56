import { afterEach, beforeEach, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrmRecord } from '../../../connectors/types.ts';
import { fieldsSchema } from '../../../src/config/schema.ts';
import { personForEmail, personForRecord } from '../../../src/pipeline/person/resolve.ts';
import { makeTestStore, type TestStore } from '../../support/store.ts';

const fields = fieldsSchema.parse(
  parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'mappings', 'fields.yaml'), 'utf8')),
);
let ts: TestStore;
beforeEach(async () => {
  ts = await makeTestStore();
});
afterEach(() => ts.cleanup());

const contact = (id: string, email: string | null, extra: Partial<CrmRecord> = {}): CrmRecord => ({
  crm: 'hubspot',
  object: 'contact',
  id,
  modifiedAt: '2026-11-20T10:00:00Z',
  properties: { email },
  ...extra,
});

test('by CRM id first, then normalized email; HubSpot and Salesforce ids meet on one person', async () => {
  const a = await ts.store.transaction((tx) => personForRecord(tx, fields, contact('5101', ' Ana@Corp.Example ')));
  const b = await ts.store.transaction((tx) =>
    personForRecord(tx, fields, {
      crm: 'salesforce',
      object: 'Lead',
      id: '00Q1',
      modifiedAt: 'x',
      properties: { Email: 'ana@corp.example' },
    }),
  );
  expect(b!.id).toBe(a!.id);
  expect(a!.email).toBe('ana@corp.example');
  expect((await ts.store.findPersonByCrmId('salesforce', '00Q1'))!.id).toBe(a!.id);
  expect(await ts.store.transaction((tx) => personForRecord(tx, fields, contact('9999', null)))).toBeNull();
});

test('an email change keeps the person and its history', async () => {
  const a = await ts.store.transaction((tx) => personForRecord(tx, fields, contact('5101', 'ana@corp.example')));
  await ts.store.insertEvents([
    {
      id: 'e1',
      personId: a!.id,
      type: 'page_view',
      at: '2026-11-19T00:00:00Z',
      properties: {},
      campaign: null,
      channel: null,
    },
  ]);
  const moved = await ts.store.transaction((tx) =>
    personForRecord(tx, fields, contact('5101', 'ana.lima@newcorp.example')),
  );
  expect(moved!.id).toBe(a!.id);
  expect(moved!.email).toBe('ana.lima@newcorp.example');
  expect(await ts.store.findPersonByEmail('ana@corp.example')).toBeNull();
  expect(await ts.store.listEvents(a!.id)).toHaveLength(1);
});

test('a HubSpot merge folds the merged contact into the survivor: one person for one human', async () => {
  const survivor = await ts.store.transaction((tx) => personForRecord(tx, fields, contact('5101', 'ana@corp.example')));
  const other = await ts.store.transaction((tx) => personForEmail(tx, 'ana.personal@mail.example'));
  await ts.store.linkCrmId(other.id, 'hubspot', '5102');
  await ts.store.insertEvents([
    {
      id: 'e2',
      personId: other.id,
      type: 'page_view',
      at: '2026-11-19T00:00:00Z',
      properties: {},
      campaign: null,
      channel: null,
    },
  ]);
  const merged = await ts.store.transaction((tx) =>
    personForRecord(tx, fields, contact('5101', 'ana@corp.example', { mergedIds: ['5102'] })),
  );
  expect(merged!.id).toBe(survivor!.id);
  expect(await ts.store.getPerson(other.id)).toBeNull();
  expect((await ts.store.findPersonByCrmId('hubspot', '5102'))!.id).toBe(survivor!.id);
  expect((await ts.store.listEvents(survivor!.id)).map((e) => e.id)).toEqual(['e2']);
});
