/** Shared setup: the fake org behind msw, reached by the real jsforce through the fetch bridge. */
import { setupServer } from 'msw/node';
import { parse } from 'yaml';
import { afterAll, beforeAll } from 'vitest';
import { fieldsSchema, type FieldsConfig } from '../../../src/config/schema.ts';
import { mswHandlers } from '../../../sandbox/msw.ts';
import {
  createFakeSalesforce,
  routeJsforceThroughGlobalFetch,
  type FakeSalesforce,
  type FakeSalesforceOptions,
} from '../../../sandbox/salesforce/index.ts';
import { createSalesforceConnector, type SalesforceConnectorOptions } from '../../../connectors/salesforce/index.ts';

export const BASE = 'https://baton-test.my.salesforce.com';

export const FIELDS_YAML = `person:
  match_on: email
  create_in_salesforce: mql
  fields:
    email:        { hubspot: email,     salesforce: Email,     sync: two_way }
    first_name:   { hubspot: firstname, salesforce: FirstName, sync: two_way }
    last_name:    { hubspot: lastname,  salesforce: LastName,  sync: two_way, default: "[not provided]" }
    company_name: { hubspot: company,   salesforce: Company,   sync: prefer_salesforce_unless_blank, default: "[not provided]" }
    title:        { hubspot: jobtitle,  salesforce: Title,     sync: prefer_salesforce_unless_blank }
    lead_status:
      hubspot: hs_lead_status
      salesforce: Status
      sync: salesforce_wins
      values:
        New:       { hubspot: NEW,         salesforce: Open - Not Contacted }
        Working:   { hubspot: IN_PROGRESS, salesforce: Working - Contacted }
        Qualified: { hubspot: OPEN_DEAL,   salesforce: Qualified }
        Rejected:  { hubspot: UNQUALIFIED, salesforce: Closed - Not Converted }
deal:
  fields:
    amount:     { hubspot: amount,    salesforce: Amount,    type: number, sync: salesforce_wins }
    stage:
      hubspot: dealstage
      salesforce: StageName
      sync: salesforce_wins
      values:
        won:  { hubspot: closedwon,  salesforce: Closed Won }
        lost: { hubspot: closedlost, salesforce: Closed Lost }
writeback:
  salesforce:
    person:
      Baton_Stage__c: "{{stage}}"
      Baton_Fit_Score__c: "{{scores.fit}}"
      Baton_Reason__c: "{{reason}}"
`;

export function fieldsConfig(text = FIELDS_YAML): FieldsConfig {
  return fieldsSchema.parse(parse(text));
}

let current: FakeSalesforce | undefined;

/** Starts msw once per test file; each test makes its own org with `freshOrg`. */
export function useFakeSalesforce(): void {
  const server = setupServer(...mswHandlers(BASE, { handle: (req) => (current ? current.handle(req) : null) }));
  beforeAll(() => {
    routeJsforceThroughGlobalFetch();
    server.listen({ onUnhandledFrame: 'error' });
  });
  afterAll(() => {
    server.close();
    routeJsforceThroughGlobalFetch(false);
  });
}

export function freshOrg(options: FakeSalesforceOptions = {}): FakeSalesforce {
  current = createFakeSalesforce(options);
  return current;
}

export function connectorFor(api: FakeSalesforce, options: Partial<SalesforceConnectorOptions> = {}) {
  return createSalesforceConnector({
    instanceUrl: BASE,
    accessToken: 'fake-session-token',
    apiVersion: api.version,
    orgId: api.org.orgId,
    fields: fieldsConfig(),
    retry: { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 20 },
    bulk: { pollIntervalMs: 5, pollTimeoutMs: 5_000 },
    ...options,
  });
}
