/** The `fields.yaml` of mappings.md's example, plus one field per remaining sync rule and type. */
import { fieldsSchema, type FieldsConfig, type SyncRule } from '../../src/config/schema.ts';

export const fields: FieldsConfig = fieldsSchema.parse({
  person: {
    match_on: 'email',
    create_in_salesforce: 'mql',
    fields: {
      email: { hubspot: 'email', salesforce: 'Email', sync: 'two_way' },
      first_name: { hubspot: 'firstname', salesforce: 'FirstName', sync: 'two_way' },
      last_name: { hubspot: 'lastname', salesforce: 'LastName', sync: 'two_way', default: '[not provided]' },
      company_name: {
        hubspot: 'company',
        salesforce: 'Company',
        sync: 'prefer_salesforce_unless_blank',
        default: '[not provided]',
      },
      title: { hubspot: 'jobtitle', salesforce: 'Title', sync: 'prefer_salesforce_unless_blank' },
      employees: {
        hubspot: 'company.numberofemployees',
        salesforce: 'NumberOfEmployees',
        type: 'number',
        sync: 'hubspot_to_salesforce',
      },
      country: { hubspot: 'country', salesforce: 'Country', sync: 'two_way' },
      lead_status: {
        hubspot: 'hs_lead_status',
        salesforce: 'Status',
        sync: 'salesforce_wins',
        values: {
          New: { hubspot: 'NEW', salesforce: 'Open - Not Contacted' },
          Working: { hubspot: 'IN_PROGRESS', salesforce: 'Working - Contacted' },
          Qualified: { hubspot: 'OPEN_DEAL', salesforce: 'Qualified' },
          Rejected: { hubspot: 'UNQUALIFIED', salesforce: 'Closed - Not Converted' },
        },
      },
      phone: { hubspot: 'phone', salesforce: 'Phone', sync: 'fill_blanks' },
      source: { hubspot: 'hs_analytics_source', salesforce: 'LeadSource', sync: 'hubspot_wins' },
      segment: { hubspot: 'segment', salesforce: 'Segment__c', sync: 'prefer_hubspot_unless_blank' },
      rating: { hubspot: 'rating', salesforce: 'Rating__c', sync: 'salesforce_to_hubspot', type: 'number' },
      opted_in: { hubspot: 'opted_in', salesforce: 'Opted_In__c', sync: 'two_way', type: 'boolean' },
      last_seen: { hubspot: 'last_seen', salesforce: 'Last_Seen__c', sync: 'two_way', type: 'datetime' },
      birthday: { hubspot: 'birthday', salesforce: 'Birthdate', sync: 'two_way', type: 'date' },
    },
  },
  deal: {
    create_in_hubspot: true,
    fields: {
      name: { hubspot: 'dealname', salesforce: 'Name', sync: 'salesforce_wins' },
      amount: { hubspot: 'amount', salesforce: 'Amount', type: 'number', sync: 'salesforce_wins' },
      close_date: { hubspot: 'closedate', salesforce: 'CloseDate', type: 'date', sync: 'salesforce_wins' },
      stage: {
        hubspot: 'dealstage',
        salesforce: 'StageName',
        sync: 'salesforce_wins',
        values: {
          discovery: { hubspot: 'appointmentscheduled', salesforce: 'Qualification' },
          proposal: { hubspot: 'presentationscheduled', salesforce: 'Proposal/Price Quote' },
          won: { hubspot: 'closedwon', salesforce: 'Closed Won' },
          lost: { hubspot: 'closedlost', salesforce: 'Closed Lost' },
        },
      },
    },
  },
});

/** A config with one person field `f` under `rule` (HubSpot `f_hs`, Salesforce `F__c`). */
export function oneField(rule: SyncRule, extra: Record<string, unknown> = {}): FieldsConfig {
  return fieldsSchema.parse({
    person: { fields: { f: { hubspot: 'f_hs', salesforce: 'F__c', sync: rule, ...extra } } },
  });
}
