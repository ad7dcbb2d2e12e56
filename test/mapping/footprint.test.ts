import { expect, test } from 'vitest';
import { fieldsSchema } from '../../src/config/schema.ts';
import { connectorFootprint, footprintChanges } from '../../src/mapping/footprint.ts';

const base = {
  person: {
    fields: {
      email: { hubspot: 'email', salesforce: 'Email', sync: 'two_way' },
      title: { hubspot: 'jobtitle', salesforce: 'Title', sync: 'two_way' },
    },
  },
  writeback: {
    hubspot: { contact: { baton_stage: '{{stage}}' } },
    salesforce: { person: { Baton_Stage__c: '{{stage}}' } },
  },
};
const fields = (over: (b: typeof base) => unknown = (b) => b) => fieldsSchema.parse(over(structuredClone(base)));

test('names what the connectors read and set up', () => {
  expect(connectorFootprint(fields())).toEqual([
    'hubspot contact property baton_stage (writeback)',
    'hubspot contact property email (person.email)',
    'hubspot contact property jobtitle (person.title)',
    'salesforce person field Baton_Stage__c (writeback)',
    'salesforce person field Email (person.email)',
    'salesforce person field Title (person.title)',
  ]);
});

test('a template, sync rule or value change is no footprint change; a new or renamed property is', () => {
  expect(
    footprintChanges(
      fields(),
      fields((b) => ({
        ...b,
        writeback: { ...b.writeback, hubspot: { contact: { baton_stage: 'stage {{stage}}' } } },
      })),
    ),
  ).toEqual([]);
  expect(
    footprintChanges(
      fields(),
      fields((b) => ((b.person.fields.title.sync = 'hubspot_wins'), b)),
    ),
  ).toEqual([]);
  expect(
    footprintChanges(
      fields(),
      fields((b) => ((b.person.fields.title.salesforce = 'Job_Title__c'), b)),
    ),
  ).toEqual([
    'added salesforce person field Job_Title__c (person.title)',
    'removed salesforce person field Title (person.title)',
  ]);
});
