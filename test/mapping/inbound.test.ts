import { describe, expect, it } from 'vitest';
import { fromCrm } from '../../src/mapping/inbound.ts';
import { fields } from './fixtures.ts';

describe('fromCrm', () => {
  it('reads a HubSpot contact, company.NAME included, converting strings by type', () => {
    const { values, errors } = fromCrm('person', fields, 'hubspot', {
      email: 'Ana@Corp.Example',
      firstname: 'Ana',
      lastname: '',
      jobtitle: 'VP Operations',
      'company.numberofemployees': '850',
      hs_lead_status: 'IN_PROGRESS',
      opted_in: 'true',
      last_seen: '1779286980000',
      birthday: '2026-05-20',
      rating: '5',
    });
    expect(errors).toEqual([]);
    expect(values).toEqual({
      email: 'Ana@Corp.Example',
      first_name: 'Ana',
      last_name: null,
      title: 'VP Operations',
      employees: 850,
      lead_status: 'Working',
      opted_in: true,
      last_seen: '2026-05-20T14:23:00Z',
      birthday: '2026-05-20',
    });
  });

  it('never reads the Salesforce side of hubspot_to_salesforce, nor HubSpot of salesforce_to_hubspot', () => {
    const sf = fromCrm('person', fields, 'salesforce', { NumberOfEmployees: 10, Rating__c: 4 });
    expect(sf.values).toEqual({ rating: 4 });
    const hs = fromCrm('person', fields, 'hubspot', { 'company.numberofemployees': '10', rating: '4' });
    expect(hs.values).toEqual({ employees: 10 });
  });

  it('reads Salesforce natives and maps picklists', () => {
    const { values, errors } = fromCrm(
      'person',
      fields,
      'salesforce',
      {
        Email: 'ana@corp.example',
        Status: 'Closed - Not Converted',
        Opted_In__c: false,
        Last_Seen__c: '2026-11-20T14:03:00.000+0000',
        Birthdate: null,
      },
      'Lead',
    );
    expect(errors).toEqual([]);
    expect(values).toEqual({
      email: 'ana@corp.example',
      lead_status: 'Rejected',
      opted_in: false,
      last_seen: '2026-11-20T14:03:00Z',
      birthday: null,
    });
  });

  it('reports an unconvertible or unmapped value, skips it and reads the rest', () => {
    const { values, errors } = fromCrm('person', fields, 'hubspot', {
      firstname: 'Ana',
      'company.numberofemployees': '1,200',
      hs_lead_status: 'SOMETHING_NEW',
      birthday: '2026-02-30',
    });
    expect(values).toEqual({ first_name: 'Ana' });
    expect(errors.map((e) => e.field)).toEqual(['employees', 'lead_status', 'birthday']);
    expect(errors[0].message).toContain('company.numberofemployees');
    expect(errors[0].message).toContain("'1,200'");
    expect(errors[1].message).toContain("'SOMETHING_NEW' is not in the values map");
  });

  it('leaves Lead-only fields out on a Contact, by describe or by default', () => {
    const props = { Company: 'Corp', Status: 'Qualified', Title: 'VP' };
    expect(fromCrm('person', fields, 'salesforce', props, 'Contact').values).toEqual({ title: 'VP' });
    expect(fromCrm('person', fields, 'salesforce', props, 'Lead').values).toEqual({
      company_name: 'Corp',
      lead_status: 'Qualified',
      title: 'VP',
    });
    expect(fromCrm('person', fields, 'salesforce', props, 'Contact', new Set(['Title', 'Company'])).values).toEqual({
      company_name: 'Corp',
      title: 'VP',
    });
  });

  it('reads deals: date from epoch ms or ISO, picklist stage', () => {
    const hs = fromCrm('deal', fields, 'hubspot', {
      dealname: 'Big',
      amount: '60250.38',
      closedate: '2026-11-20T00:00:00Z',
      dealstage: 'closedwon',
    });
    expect(hs).toEqual({
      values: { name: 'Big', amount: 60250.38, close_date: '2026-11-20', stage: 'won' },
      errors: [],
    });
    const sf = fromCrm('deal', fields, 'salesforce', {
      Name: 'Big',
      Amount: 100.01,
      CloseDate: '2026-11-20',
      StageName: 'Closed Won',
    });
    expect(sf.values).toEqual({ name: 'Big', amount: 100.01, close_date: '2026-11-20', stage: 'won' });
  });
});
