import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFakeApi } from '../../../sandbox/http.ts';
import { createFakeSalesforce } from '../../../sandbox/salesforce/index.ts';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.ts';
import { fieldsConfig } from './helpers.ts';

// The demo serves the fake over loopback HTTP: jsforce's own agent, no msw, no fetch bridge.
describe('the fake Salesforce API over node:http', () => {
  const api = createFakeSalesforce({ clientId: 'cid', clientSecret: 'cs' });
  let served: Awaited<ReturnType<typeof serveFakeApi>>;
  beforeAll(async () => {
    served = await serveFakeApi(api);
  });
  afterAll(() => served.close());

  it('serves the connector end to end', async () => {
    const lead = api.org.insert('Lead', { LastName: 'H', Company: 'Acme', Email: 'h@acme.example' });
    const sf = createSalesforceConnector({
      instanceUrl: served.url,
      clientId: 'cid',
      clientSecret: 'cs',
      fields: fieldsConfig(),
      orgId: api.org.orgId,
      pollLagMs: 0,
    });
    expect(await sf.start()).toHaveLength(2);
    const [w] = await sf.write([
      {
        key: 'k',
        object: 'Lead',
        id: lead.Id,
        action: 'update',
        properties: { Baton_Stage__c: 'mql' },
        idempotencyKey: 'k',
      },
    ]);
    expect(w.status).toBe('ok');
    const page = await sf.poll(null);
    expect(page.records.find((r) => r.id === lead.Id)?.properties.Baton_Stage__c).toBe('mql');
    await sf.stop();
  });
});
