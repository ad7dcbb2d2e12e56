import { describe, expect, it } from 'vitest';
import type { SyncRule } from '../../src/config/schema.ts';
import { toCrm, truncate } from '../../src/mapping/outbound.ts';
import { fields, oneField } from './fixtures.ts';

describe('toCrm: which rule writes where', () => {
  // [rule, written to hubspot?, written to salesforce?]
  const table: [SyncRule, boolean, boolean][] = [
    ['two_way', true, true],
    ['hubspot_wins', false, true],
    ['salesforce_wins', true, false],
    ['prefer_hubspot_unless_blank', false, true],
    ['prefer_salesforce_unless_blank', true, false],
    ['hubspot_to_salesforce', false, true],
    ['salesforce_to_hubspot', true, false],
  ];
  it.each(table)('%s: hubspot %s, salesforce %s', (rule, toHubspot, toSalesforce) => {
    const config = oneField(rule);
    expect(toCrm('person', config, 'hubspot', { f: 'x' }).properties).toEqual(toHubspot ? { f_hs: 'x' } : {});
    expect(toCrm('person', config, 'salesforce', { f: 'x' }).properties).toEqual(toSalesforce ? { F__c: 'x' } : {});
  });

  it('writes a blank as a clear where the rule writes blanks (HubSpot "", Salesforce null)', () => {
    expect(toCrm('person', oneField('hubspot_wins'), 'salesforce', { f: null }).properties).toEqual({ F__c: null });
    expect(toCrm('person', oneField('two_way'), 'hubspot', { f: null }).properties).toEqual({ f_hs: '' });
  });

  it('does not write a field it knows nothing about', () => {
    expect(toCrm('person', oneField('two_way'), 'hubspot', {}).properties).toEqual({});
  });

  it('never writes a HubSpot company.NAME property', () => {
    const config = oneField('hubspot_wins', { hubspot: 'company.industry' });
    expect(toCrm('person', config, 'hubspot', { f: 'x' }).properties).toEqual({});
    expect(toCrm('person', config, 'salesforce', { f: 'x' }).properties).toEqual({ F__c: 'x' });
  });
});

describe('toCrm: prefer_X_unless_blank writes to X only into its blank', () => {
  const config = oneField('prefer_salesforce_unless_blank');
  it.each([
    ['salesforce blank', { F__c: null }, false, { F__c: 'x' }],
    ['salesforce set', { F__c: 'y' }, false, {}],
    ['salesforce unknown on update', undefined, false, {}],
    ['create', undefined, true, { F__c: 'x' }],
  ] as const)('%s', (_label, target, create, expected) => {
    expect(toCrm('person', config, 'salesforce', { f: 'x' }, { target, create }).properties).toEqual(expected);
  });
  it('always writes the other side, blanks included', () => {
    expect(toCrm('person', config, 'hubspot', { f: 'x' }).properties).toEqual({ f_hs: 'x' });
    expect(toCrm('person', config, 'hubspot', { f: null }).properties).toEqual({ f_hs: '' });
  });
});

describe('toCrm: fill_blanks', () => {
  const config = oneField('fill_blanks');
  it.each([
    ['target blank', { F__c: null }, false, { F__c: 'x' }],
    ['target empty string', { F__c: '' }, false, { F__c: 'x' }],
    ['target absent from a known record', {}, false, { F__c: 'x' }],
    ['target set', { F__c: 'y' }, false, {}],
    ['target unknown on update', undefined, false, {}],
    ['create', undefined, true, { F__c: 'x' }],
  ] as const)('%s', (_label, target, create, expected) => {
    expect(toCrm('person', config, 'salesforce', { f: 'x' }, { target, create }).properties).toEqual(expected);
  });
  it('never writes a blank', () => {
    expect(toCrm('person', config, 'salesforce', { f: '' }, { target: { F__c: null } }).properties).toEqual({});
  });
});

describe('toCrm: conversion, picklists, defaults, objects, lengths', () => {
  const person = {
    email: 'ana@corp.example',
    first_name: 'Ana',
    last_name: null,
    company_name: null,
    title: 'VP Operations',
    employees: 850,
    lead_status: 'Working',
    opted_in: true,
    last_seen: '2026-11-20T14:03:00Z',
    birthday: '2026-05-20',
    source: 'ORGANIC_SEARCH',
  };

  it('creates a Salesforce Lead with defaults for the required blanks', () => {
    const { properties, errors } = toCrm('person', fields, 'salesforce', person, { object: 'Lead', create: true });
    expect(errors).toEqual([]);
    expect(properties).toEqual({
      Email: 'ana@corp.example',
      FirstName: 'Ana',
      LastName: '[not provided]',
      Company: '[not provided]',
      Title: 'VP Operations',
      NumberOfEmployees: 850,
      Opted_In__c: true,
      Last_Seen__c: '2026-11-20T14:03:00Z',
      Birthdate: '2026-05-20',
      LeadSource: 'ORGANIC_SEARCH',
    });
  });

  it('uses the default on create even when the value was never known', () => {
    const { properties } = toCrm(
      'person',
      fields,
      'salesforce',
      { email: 'a@b.example' },
      { object: 'Lead', create: true },
    );
    expect(properties).toEqual({ Email: 'a@b.example', LastName: '[not provided]', Company: '[not provided]' });
  });

  it('reports a required blank without a default and does not write it', () => {
    const config = oneField('two_way', { salesforce: 'LastName' });
    const { properties, errors } = toCrm('person', config, 'salesforce', { f: '' }, { object: 'Lead', create: true });
    expect(properties).toEqual({});
    expect(errors[0]).toMatchObject({ field: 'f' });
    expect(errors[0].message).toContain('required and blank');
  });

  it('takes required fields from describe when given', () => {
    const { properties, errors } = toCrm(
      'person',
      fields,
      'salesforce',
      { title: '', email: 'a@b.example' },
      { object: 'Lead', required: new Set(['Title']), target: { Title: null } },
    );
    expect(properties).toEqual({ Email: 'a@b.example' });
    expect(errors.map((e) => e.field)).toEqual(['title']);
    const withDefault = toCrm(
      'person',
      oneField('two_way', { default: 'n/a' }),
      'salesforce',
      { f: '' },
      { required: new Set(['F__c']) },
    );
    expect(withDefault.properties).toEqual({ F__c: 'n/a' });
  });

  it('leaves Lead-only fields out of a Contact', () => {
    const { properties } = toCrm('person', fields, 'salesforce', person, { object: 'Contact' });
    expect(properties).not.toHaveProperty('Company');
    expect(properties).not.toHaveProperty('Status');
    expect(properties).not.toHaveProperty('NumberOfEmployees');
    expect(properties).toHaveProperty('FirstName', 'Ana');
    const byDescribe = toCrm('person', fields, 'salesforce', person, {
      object: 'Contact',
      objectFields: new Set(['Email', 'FirstName', 'Company']),
    });
    expect(byDescribe.properties).toEqual({ Email: 'ana@corp.example', FirstName: 'Ana' });
  });

  it('writes HubSpot everything as strings and maps picklists', () => {
    const { properties, errors } = toCrm('person', fields, 'hubspot', person);
    expect(errors).toEqual([]);
    expect(properties).toEqual({
      email: 'ana@corp.example',
      firstname: 'Ana',
      lastname: '',
      company: '',
      jobtitle: 'VP Operations',
      hs_lead_status: 'IN_PROGRESS',
      opted_in: 'true',
      last_seen: '2026-11-20T14:03:00Z',
      birthday: '2026-05-20',
    });
  });

  it('reports an unmapped picklist value or an unconvertible value and writes the rest', () => {
    const { properties, errors } = toCrm('person', fields, 'hubspot', {
      lead_status: 'Nurture',
      opted_in: 'maybe',
      first_name: 'Ana',
    });
    expect(properties).toEqual({ firstname: 'Ana' });
    expect(errors.map((e) => e.field)).toEqual(['lead_status', 'opted_in']);
    expect(errors[0].message).toContain("'Nurture' has no hubspot value");
  });

  it('writes deals to HubSpot (salesforce_wins) and not back to Salesforce', () => {
    const deal = { name: 'Big', amount: 60250.38, close_date: '2026-11-20', stage: 'won' };
    expect(toCrm('deal', fields, 'hubspot', deal).properties).toEqual({
      dealname: 'Big',
      amount: '60250.38',
      closedate: '2026-11-20',
      dealstage: 'closedwon',
    });
    expect(toCrm('deal', fields, 'salesforce', deal, { object: 'Opportunity' }).properties).toEqual({});
  });

  it('cuts strings to the target length, never rejecting them', () => {
    const long = 'x'.repeat(70_000);
    expect((toCrm('person', fields, 'hubspot', { title: long }).properties.jobtitle as string).length).toBe(65_536);
    const sf = toCrm(
      'person',
      fields,
      'salesforce',
      { title: 'Vice President' },
      { fieldLengths: { Title: 4 }, target: { Title: '' } },
    );
    expect(sf.properties).toEqual({ Title: 'Vice' });
    expect(sf.errors).toEqual([]);
  });

  it('truncates without splitting a surrogate pair', () => {
    expect(truncate('ab😀cd', 3)).toBe('ab');
    expect(truncate('ab😀cd', 4)).toBe('ab😀');
    expect(truncate('abc', 5)).toBe('abc');
  });
});
