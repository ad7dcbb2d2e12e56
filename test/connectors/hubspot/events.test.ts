import { afterEach, describe, expect, it } from 'vitest';
import { eventsFromContact } from '../../../connectors/hubspot/events.ts';
import { FAST, harness } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

describe('HubSpot engagement events', () => {
  it('derives form, email and page events from a hydrated contact, with stable ids', async () => {
    h = harness();
    const id = h.api.seed('contacts', {
      email: 'Ana@Corp.example',
      recent_conversion_event_name: 'demo-request',
      recent_conversion_date: '2026-11-20T14:03:00.000Z',
      hs_email_last_click_date: '2026-11-19T09:00:00.000Z',
      hs_email_last_email_name: 'Autumn Data Summit invite',
      hs_analytics_last_url: 'https://corp.example/pricing?utm_campaign=Pricing%20Ads&utm_medium=cpc',
      hs_analytics_last_timestamp: '2026-11-20T14:01:00.000Z',
      hs_latest_source: 'PAID_SEARCH',
    });
    const c = h.connector({ limits: FAST });
    const [rec] = await c.read([{ crm: 'hubspot', object: 'contact', id }]);
    const events = eventsFromContact(rec);
    expect(events).toEqual([
      {
        id: `hubspot:form:${id}:${Date.parse('2026-11-20T14:03:00Z')}`,
        email: 'ana@corp.example',
        type: 'form_submission',
        at: '2026-11-20T14:03:00.000Z',
        properties: { form: 'demo-request', campaign: 'Pricing Ads', channel: 'paid_search' },
      },
      expect.objectContaining({
        type: 'email_click',
        properties: {
          email_name: 'Autumn Data Summit invite',
          campaign: 'Autumn Data Summit invite',
          channel: 'email',
        },
      }),
      expect.objectContaining({
        type: 'page_view',
        properties: {
          url: 'https://corp.example/pricing?utm_campaign=Pricing%20Ads&utm_medium=cpc',
          campaign: 'Pricing Ads',
          channel: 'paid_search',
        },
      }),
    ]);
    expect(eventsFromContact((await c.read([{ crm: 'hubspot', object: 'contact', id }]))[0])).toEqual(events);
  });

  it('reads form submissions and email events from their APIs', async () => {
    h = harness();
    h.api.marketing.submissions.set('f-1', [
      {
        conversionId: 'conv-1',
        submittedAt: Date.parse('2026-11-20T14:03:00Z'),
        values: [{ name: 'email', value: 'ana@corp.example' }],
        pageUrl: 'https://corp.example/demo?utm_campaign=Q4%20Webinar&utm_medium=webinar',
      },
      {
        conversionId: 'conv-0',
        submittedAt: Date.parse('2026-01-01T00:00:00Z'),
        values: [{ name: 'email', value: 'old@corp.example' }],
        pageUrl: 'https://corp.example/',
      },
    ]);
    h.api.marketing.campaigns.set(77, 'Autumn Data Summit');
    h.api.marketing.emailEvents.push(
      {
        id: 'e1',
        created: Date.parse('2026-11-19T09:00:00Z'),
        type: 'CLICK',
        recipient: 'ana@corp.example',
        emailCampaignId: 77,
        portalId: 1,
        appId: 1,
        url: 'https://corp.example/summit',
      },
      {
        id: 'e2',
        created: Date.parse('2026-11-19T08:00:00Z'),
        type: 'SENT',
        recipient: 'ana@corp.example',
        emailCampaignId: 77,
        portalId: 1,
        appId: 1,
      },
    );
    const c = h.connector({ limits: FAST });
    const forms = await c.formEvents([{ guid: 'f-1', name: 'demo-request' }], Date.parse('2026-11-01T00:00:00Z'));
    expect(forms).toEqual([
      {
        id: 'hubspot:form-submission:conv-1',
        email: 'ana@corp.example',
        type: 'form_submission',
        at: '2026-11-20T14:03:00.000Z',
        properties: {
          form: 'demo-request',
          form_id: 'f-1',
          url: 'https://corp.example/demo?utm_campaign=Q4%20Webinar&utm_medium=webinar',
          campaign: 'Q4 Webinar',
          channel: 'webinar',
        },
      },
    ]);
    const emails = await c.emailEvents('ana@corp.example', Date.parse('2026-11-01T00:00:00Z'));
    expect(emails).toEqual([
      {
        id: 'hubspot:email-event:e1',
        email: 'ana@corp.example',
        type: 'email_click',
        at: '2026-11-19T09:00:00.000Z',
        properties: {
          campaign: 'Autumn Data Summit',
          channel: 'email',
          url: 'https://corp.example/summit',
          email_campaign_id: 77,
        },
      },
    ]);
  });
});
