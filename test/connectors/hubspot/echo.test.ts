import { afterEach, describe, expect, it } from 'vitest';
import { isEcho, isValueEcho } from '../../../connectors/hubspot/echo.ts';
import { receiveHubSpotWebhook } from '../../../connectors/hubspot/webhooks.ts';
import type { InboxItem } from '../../../connectors/types.ts';
import { FAST, harness } from './harness.ts';

let h: ReturnType<typeof harness> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SECRET = 's3cret';
const URL = 'https://baton.example.com/webhooks/hubspot';

function deliver(events: Parameters<ReturnType<typeof harness>['api']['signedWebhook']>[0]): InboxItem[] {
  const now = Date.now();
  const { body, headers } = h!.api.signedWebhook(events, SECRET, URL, now);
  const res = receiveHubSpotWebhook(
    { method: 'POST', uri: URL, headers, rawBody: body },
    { clientSecret: SECRET, now },
  );
  if (!res.ok) throw new Error(res.error);
  return res.items;
}

describe('HubSpot loop guard', () => {
  it('drops the echo of Baton’s own write and keeps a marketer’s change', async () => {
    const t = (h = harness());
    const id = t.api.seed('contacts', { email: 'ana@corp.example' });
    const c = t.connector({ limits: FAST });
    await c.start();
    const written = { baton_stage: 'mql', baton_reason: 'mql: rule:demo-request' };
    await c.write([
      {
        key: `hubspot:contact:${id}`,
        object: 'contact',
        id,
        action: 'update',
        properties: written,
        idempotencyKey: 'x',
      },
    ]);

    const echoes = deliver(t.api.takeApiEchoes());
    expect(echoes).toHaveLength(2);
    const guard = { ownSourceIds: [String(t.api.writerAppId)] };
    // The webhook's appId is the receiving app, not the writer: it must not be what identifies us.
    expect(echoes.every((i) => i.body.kind === 'change' && i.body.sourceId === String(t.api.writerAppId))).toBe(true);
    expect(echoes.filter((i) => !isEcho(i, guard))).toEqual([]);

    const marketer = deliver(t.api.changeAsMarketer('contacts', id, { jobtitle: 'CFO' }));
    expect(marketer.filter((i) => !isEcho(i, guard))).toHaveLength(1);
  });

  it('the connector tells an echo from what Baton knows the record holds, and reads events off a contact', async () => {
    const t = (h = harness());
    const id = t.api.seed('contacts', { email: 'ana@corp.example' });
    const c = t.connector({ limits: FAST });
    await c.start();
    await c.write([
      {
        key: `hubspot:contact:${id}`,
        object: 'contact',
        id,
        action: 'update',
        properties: { baton_stage: 'mql' },
        idempotencyKey: 'x',
      },
    ]);
    const [echo] = deliver(t.api.takeApiEchoes());
    if (echo.body.kind !== 'change') throw new Error('expected a change');
    const other = (value: string, sourceId = '777') => ({
      ...echo,
      body: { ...echo.body, hint: { baton_stage: value }, sourceId },
    });
    // another integration setting a value this connector never wrote is real work
    expect(c.isEchoChange(other('sql'), { baton_stage: 'mql' })).toBe(false);
    expect(c.isEchoChange(other('sql'), null)).toBe(false);
    // an echo of this connector's write, even when Baton now knows a later value, needs no read…
    expect(c.isEchoChange(echo, { baton_stage: 'lead' })).toBe(true);
    // …and teaches the writer's sourceId: later changes from it are Baton's own
    expect(c.isEchoChange(other('sql', String(t.api.writerAppId)), null)).toBe(true);
    // a marketer's change is never an echo unless it brings nothing new
    const marketer = deliver(t.api.changeAsMarketer('contacts', id, { jobtitle: 'CFO' }))[0];
    expect(c.isEchoChange(marketer, { jobtitle: 'CTO' })).toBe(false);
    expect(c.isEchoChange(marketer, { jobtitle: 'CFO' })).toBe(true);
    const at = Date.parse('2026-12-01T10:00:00Z');
    const record = {
      crm: 'hubspot' as const,
      object: 'contact' as const,
      id,
      modifiedAt: new Date(at).toISOString(),
      properties: {
        email: 'Ana@corp.example',
        recent_conversion_event_name: 'demo-request',
        recent_conversion_date: String(at),
      },
    };
    expect(c.eventsOf(record)).toEqual([
      expect.objectContaining({
        id: `hubspot:form:${id}:${at}`,
        email: 'ana@corp.example',
        type: 'form_submission',
        properties: expect.objectContaining({ form: 'demo-request' }),
      }),
    ]);
  });

  it('recognises an echo by value when the source is not Baton’s app', () => {
    const item: InboxItem = {
      source: 'hubspot',
      dedupKey: 'k',
      receivedAt: new Date().toISOString(),
      body: {
        kind: 'change',
        ref: { crm: 'hubspot', object: 'contact', id: '5101' },
        hint: { baton_fit_score: '45' },
        changeSource: 'WORKFLOWS',
        sourceId: '99',
      },
    };
    const last = (_o: string, id: string) => (id === '5101' ? { baton_fit_score: 45 } : null);
    expect(isEcho(item, { ownSourceIds: ['1'] }, last)).toBe(true);
    expect(isEcho(item, { ownSourceIds: ['1'] }, () => ({ baton_fit_score: 44 }))).toBe(false);
    expect(isValueEcho({ jobtitle: 'CFO' }, { baton_fit_score: 45 })).toBe(false);
  });
});
