/** Outbound Messages as the fake org would send them: the SOAP `notifications` envelope. */
import type { FakeOrg, SRecord } from './org.ts';

function esc(v: unknown): string {
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

let seq = 0;

/** One notification per record; reuse `notificationIds` to emulate Salesforce resending the same message. */
export function outboundMessage(
  org: FakeOrg,
  records: SRecord[],
  opts: { fields?: string[]; actionId?: string; notificationIds?: string[]; orgId?: string } = {},
): { xml: string; notificationIds: string[] } {
  const ids = opts.notificationIds ?? records.map(() => `04l5g0000${String(++seq).padStart(9, '0')}`);
  const notifications = records.map((r, i) => {
    const type = org.objectOfId(r.Id) ?? 'Lead';
    const fields = opts.fields ?? ['Id', 'Email', 'Status', 'OwnerId', 'LastModifiedById', 'SystemModstamp'];
    const body = fields
      .filter((f) => r[f] !== undefined)
      .map((f) => (r[f] === null ? `<sf:${f} xsi:nil="true"/>` : `<sf:${f}>${esc(r[f])}</sf:${f}>`))
      .join('\n     ');
    return `   <Notification>
    <Id>${ids[i]}</Id>
    <sObject xsi:type="sf:${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     ${body}
    </sObject>
   </Notification>`;
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${esc(opts.orgId ?? org.orgId)}</OrganizationId>
   <ActionId>${esc(opts.actionId ?? '04k5g000000CaRkAAK')}</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/62.0/${esc(org.orgId)}</EnterpriseUrl>
   <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/62.0/${esc(org.orgId)}</PartnerUrl>
${notifications.join('\n')}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
  return { xml, notificationIds: ids };
}
