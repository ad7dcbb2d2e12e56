import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { FakeOrg, outboundMessage } from '../../../sandbox/salesforce/index.ts';
import { receiveOutboundMessage } from '../../../connectors/salesforce/outbound.ts';

describe('Salesforce Outbound Messages', () => {
  const org = new FakeOrg();
  const lead = org.insert('Lead', {
    LastName: 'A',
    Company: 'Acme',
    Email: 'a@acme.example',
    Status: 'Working - Contacted',
  });
  const contact = org.insert('Contact', { LastName: 'B', Email: 'b@acme.example' });

  it('parses the notifications into inbox items and answers the SOAP Ack', () => {
    const { xml, notificationIds } = outboundMessage(org, [lead, contact]);
    const r = receiveOutboundMessage({ rawBody: xml }, { orgId: org.orgId });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.items).toHaveLength(2);
    expect(r.items[0]).toMatchObject({
      source: 'salesforce',
      dedupKey: `salesforce:outbound:${notificationIds[0]}`,
      body: {
        kind: 'change',
        ref: {
          crm: 'salesforce',
          object: 'Lead',
          id: lead.Id,
          at: new Date(String(lead.SystemModstamp).replace('+0000', 'Z')).toISOString(),
        },
        hint: { Status: 'Working - Contacted' },
      },
    });
    expect(r.items[1].body).toMatchObject({ ref: { object: 'Contact', id: contact.Id } });
    const ack = new XMLParser({ removeNSPrefix: true }).parse(r.ack);
    expect(ack.Envelope.Body.notificationsResponse.Ack).toBe(true);
  });

  it('accepts the 15-character form of the org id', () => {
    const { xml } = outboundMessage(org, [lead]);
    expect(receiveOutboundMessage({ rawBody: xml }, { orgId: org.orgId.slice(0, 15) }).ok).toBe(true);
  });

  it('refuses a message from another org with a SOAP fault', () => {
    const { xml } = outboundMessage(org, [lead], { orgId: '00D000000000001AAA' });
    const r = receiveOutboundMessage({ rawBody: xml }, { orgId: org.orgId });
    expect(r).toMatchObject({ ok: false, status: 403, error: expect.stringContaining('00D000000000001AAA') });
    if (!r.ok) expect(r.fault).toContain('<faultcode>soapenv:Client</faultcode>');
  });

  it('gives a resent notification the same dedup key', () => {
    const first = outboundMessage(org, [lead]);
    const resent = outboundMessage(org, [lead], { notificationIds: first.notificationIds });
    const a = receiveOutboundMessage({ rawBody: first.xml }, { orgId: org.orgId });
    const b = receiveOutboundMessage({ rawBody: resent.xml }, { orgId: org.orgId });
    expect(a.ok && b.ok && a.items[0].dedupKey === b.items[0].dedupKey).toBe(true);
  });

  it('answers 400 for a body that is not an Outbound Message', () => {
    expect(receiveOutboundMessage({ rawBody: '<hello/>' }, { orgId: org.orgId })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(receiveOutboundMessage({ rawBody: '{"json": true}' }, { orgId: org.orgId })).toMatchObject({
      ok: false,
      status: 400,
    });
  });
});
