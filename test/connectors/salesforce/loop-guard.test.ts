import { describe, expect, it } from 'vitest';
import { receiveOutboundMessage } from '../../../connectors/salesforce/outbound.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

describe('Salesforce Outbound Messages of Baton’s own writes', () => {
  it('the connector knows an Outbound Message of its own write needs no read', async () => {
    const api = freshOrg();
    const sf = connectorFor(api, { integrationUserId: api.org.integrationUserId });
    const [made] = await sf.write([
      {
        key: 'l',
        object: 'Lead',
        action: 'create',
        email: 'own@corp.example',
        properties: { LastName: 'Own', Company: 'Corp', Baton_Stage__c: 'mql' },
        idempotencyKey: 'l',
      },
    ]);
    const lead = api.org.get((made as { id: string }).id)!;
    const r = receiveOutboundMessage({ rawBody: api.outboundMessage([lead]).xml }, { orgId: api.org.orgId });
    if (!r.ok) throw new Error(r.error);
    // what Baton knows: the record as read and written (the message carries Email, Status, OwnerId)
    const known = {
      Id: lead.Id,
      SystemModstamp: '2020-01-01T00:00:00.000+0000',
      Baton_Stage__c: 'mql',
      LastName: 'Own',
      Email: 'own@corp.example',
      Status: lead.Status,
      OwnerId: lead.OwnerId,
    };
    expect(sf.isEchoChange!(r.items[0], known)).toBe(true);
    expect(sf.isEchoChange!(r.items[0], { ...known, OwnerId: '005000000000000XYZ' })).toBe(false);
    expect(sf.isEchoChange!(r.items[0], { Baton_Stage__c: 'mql' })).toBe(false); // nothing in the message to compare
    const marketer = api.org.update('Lead', lead.Id, { Status: 'Working - Contacted' }, '005000000000009AAA', false);
    expect(marketer.success).toBe(true);
    const other = receiveOutboundMessage(
      { rawBody: api.outboundMessage([api.org.get(lead.Id)!]).xml },
      { orgId: api.org.orgId },
    );
    if (!other.ok) throw new Error(other.error);
    expect(sf.isEchoChange!(other.items[0], known)).toBe(false);
  });
});
