/** Shared setup for the HubSpot connector tests: the fake HubSpot behind msw, a fields.yaml, a connector on the real SDK. */
import { setupServer } from 'msw/node';
import { createHubSpotConnector, type HubSpotConnectorOptions } from '../../../connectors/hubspot/index.ts';
import { createFakeHubSpot, type FakeHubSpotOptions } from '../../../sandbox/hubspot/index.ts';
import { mswHandlers } from '../../../sandbox/msw.ts';
import winston from 'winston';
import { fieldsSchema, type FieldsConfig } from '../../../src/config/schema.ts';

export const fields: FieldsConfig = fieldsSchema.parse({
  person: {
    fields: {
      email: { hubspot: 'email', salesforce: 'Email', sync: 'two_way' },
      first_name: { hubspot: 'firstname', salesforce: 'FirstName', sync: 'two_way' },
      title: { hubspot: 'jobtitle', salesforce: 'Title', sync: 'prefer_salesforce_unless_blank' },
      employees: {
        hubspot: 'company.numberofemployees',
        salesforce: 'NumberOfEmployees',
        type: 'number',
        sync: 'hubspot_to_salesforce',
      },
      lead_status: { hubspot: 'hs_lead_status', salesforce: 'Status', sync: 'salesforce_wins' },
    },
  },
  deal: {
    create_in_hubspot: true,
    fields: {
      name: { hubspot: 'dealname', salesforce: 'Name', sync: 'salesforce_wins' },
      amount: { hubspot: 'amount', salesforce: 'Amount', type: 'number', sync: 'salesforce_wins' },
      stage: {
        hubspot: 'dealstage',
        salesforce: 'StageName',
        sync: 'salesforce_wins',
        values: {
          won: { hubspot: 'closedwon', salesforce: 'Closed Won' },
          lost: { hubspot: 'closedlost', salesforce: 'Closed Lost' },
        },
      },
    },
  },
  writeback: {
    hubspot: {
      contact: { baton_stage: '{{stage}}', baton_fit_score: '{{scores.fit}}', baton_reason: '{{reason}}' },
      lifecyclestage: true,
      deal: { baton_attribution: '{{attribution.summary}}' },
    },
  },
});

export const BASE = 'https://hubspot.test';
const quiet = winston.createLogger({ silent: true });

/** A fake account, msw serving it, and a connector factory; call `close()` in afterEach. */
export function harness(fake: FakeHubSpotOptions = {}) {
  // Generous fake limits unless a test is about limits; FAST stays below them.
  const api = createFakeHubSpot({
    rateLimit: { limit: 100_000, windowMs: 1000 },
    searchLimit: { limit: 10_000, windowMs: 1000 },
    ...fake,
  });
  const server = setupServer(...mswHandlers(BASE, api));
  server.listen({ onUnhandledFrame: 'error' });
  const connectors: { stop(): Promise<void> }[] = [];
  let n = 0;
  return {
    api,
    connector(opts: Partial<HubSpotConnectorOptions> = {}) {
      const c = createHubSpotConnector({
        accessToken: 'pat-test',
        baseUrl: BASE,
        fields,
        retryMinTimeoutMs: 10,
        logger: quiet,
        accountKey: `test-${process.pid}-${n++}-${Math.random()}`,
        ...opts,
      });
      connectors.push(c);
      return c;
    },
    async close() {
      for (const c of connectors) await c.stop();
      server.close();
    },
  };
}

/** The largest number of logged requests inside any rolling window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi] - t[lo] >= windowMs) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

/** Fast limits for tests, through the same configuration path as production. */
export const FAST = {
  account: { limit: 1000, windowMs: 1000, marginMs: 0 },
  search: { limit: 100, windowMs: 1000, marginMs: 0 },
};
