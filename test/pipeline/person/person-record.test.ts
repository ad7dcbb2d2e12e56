import { expect, test } from 'vitest';
import type { CrmRecord } from '../../../connectors/types.ts';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldsSchema } from '../../../src/config/schema.ts';
import { applyPersonRecord, metaOf } from '../../../src/pipeline/person/person-record.ts';
import type { PersonRow } from '../../../src/store/types.ts';

const fields = fieldsSchema.parse(
  parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'mappings', 'fields.yaml'), 'utf8')),
);

const blank = (): PersonRow => ({
  id: 1,
  email: 'ana@corp.example',
  hubspotId: null,
  salesforceId: null,
  salesforceObject: null,
  fields: {},
  fieldSources: {},
  state: null,
  stage: 'lead',
  scores: { fit: 0, engagement: 0 },
  slaDue: null,
  slaBreached: false,
  ownerId: null,
  updatedAt: '',
  revision: 1,
});
const lead = (props: Record<string, unknown>, at: string, id = '00Q1'): CrmRecord => ({
  crm: 'salesforce',
  object: 'Lead',
  id,
  modifiedAt: at,
  properties: { Email: 'ana@corp.example', ...props },
});

test('a rep starting to work the lead is an accept; a later reject carries the reason field; repeats are not new answers', () => {
  const p = blank();
  expect(
    applyPersonRecord(p, lead({ Status: 'Open - Not Contacted', OwnerId: '005R' }, '2026-11-20T10:00:00Z'), fields)
      .feedback,
  ).toBeNull();
  expect(p).toMatchObject({ salesforceId: '00Q1', salesforceObject: 'Lead', ownerId: '005R' });
  expect(
    applyPersonRecord(p, lead({ Status: 'Working - Contacted' }, '2026-11-20T11:00:00Z'), fields).feedback,
  ).toEqual({ decision: 'accept', at: '2026-11-20T11:00:00Z' });
  expect(
    applyPersonRecord(p, lead({ Status: 'Working - Contacted', Title: 'CTO' }, '2026-11-20T12:00:00Z'), fields)
      .feedback,
  ).toBeNull();
  expect(
    applyPersonRecord(
      p,
      lead({ Status: 'Closed - Not Converted', Baton_Reject_Reason__c: 'no_budget' }, '2026-11-20T13:00:00Z'),
      fields,
    ).feedback,
  ).toEqual({ decision: 'reject', reason: 'no_budget', at: '2026-11-20T13:00:00Z' });
});

test('a converted Lead moves the person to its Contact', () => {
  const p = blank();
  applyPersonRecord(p, lead({ IsConverted: true, ConvertedContactId: '003C' }, '2026-11-20T10:00:00Z'), fields);
  expect(p).toMatchObject({ salesforceId: '003C', salesforceObject: 'Contact' });
  expect(metaOf(p).converted).toBe(true);
  // The old Lead's later echo does not take the person back.
  applyPersonRecord(p, lead({ Title: 'x' }, '2026-11-20T11:00:00Z'), fields);
  expect(p.salesforceId).toBe('003C');
});

test('fields merge by the sync rules and a stale read changes nothing', () => {
  const p = blank();
  applyPersonRecord(
    p,
    {
      crm: 'hubspot',
      object: 'contact',
      id: '5101',
      modifiedAt: '2026-11-20T10:00:00Z',
      properties: { email: 'ana@corp.example', jobtitle: 'VP', country: 'US' },
    },
    fields,
  );
  applyPersonRecord(p, lead({ Title: 'CRO', Country: 'CA' }, '2026-11-20T11:00:00Z'), fields);
  expect(p.fields).toMatchObject({ title: 'CRO', country: 'CA' });
  applyPersonRecord(
    p,
    {
      crm: 'hubspot',
      object: 'contact',
      id: '5101',
      modifiedAt: '2026-11-20T09:00:00Z',
      properties: { email: 'ana@corp.example', jobtitle: 'VP', country: 'DE' },
    },
    fields,
  );
  expect(p.fields.country).toBe('CA');
  expect(p.hubspotId).toBe('5101');
});
