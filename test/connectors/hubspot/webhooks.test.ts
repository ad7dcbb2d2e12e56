import { describe, expect, it } from 'vitest';
import { receiveHubSpotWebhook } from '../../../connectors/hubspot/webhooks.ts';
import { createFakeHubSpot, signedWebhook } from '../../../sandbox/hubspot/index.ts';

const SECRET = 'app-secret-123';
const URL = 'https://baton.example.com/webhooks/hubspot';

function delivery() {
  const fake = createFakeHubSpot();
  const id = fake.seed('contacts', { email: 'ana@corp.example', jobtitle: 'CTO' });
  const events = fake.changeAsMarketer('contacts', id, { jobtitle: 'VP Operations', hs_lead_status: 'IN_PROGRESS' });
  return { fake, id, events };
}

describe('receiveHubSpotWebhook', () => {
  it('accepts a valid v3 signature and returns one change item per event', () => {
    const { id, events } = delivery();
    const now = Date.now();
    const { body, headers } = signedWebhook(events, SECRET, URL, now);
    const res = receiveHubSpotWebhook(
      { method: 'POST', uri: URL, headers, rawBody: body },
      { clientSecret: SECRET, now },
    );
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.items).toHaveLength(2);
    expect(res.items[0].body).toMatchObject({
      kind: 'change',
      ref: { crm: 'hubspot', object: 'contact', id },
      hint: { jobtitle: 'VP Operations' },
      changeSource: 'CRM_UI',
    });
  });

  it('verifies against the URI with HubSpot’s listed escapes decoded', () => {
    const { events } = delivery();
    const now = Date.now();
    const uri = 'https://baton.example.com/webhooks/hubspot?tenant=a%3Ab%40c';
    const { body, headers } = signedWebhook(events, SECRET, uri, now);
    expect(
      receiveHubSpotWebhook({ method: 'POST', uri, headers, rawBody: body }, { clientSecret: SECRET, now }).ok,
    ).toBe(true);
  });

  it.each([
    ['wrong secret', (d: ReturnType<typeof signedWebhook>) => ({ ...d, secret: 'other' })],
    [
      'tampered body',
      (d: ReturnType<typeof signedWebhook>) => ({ ...d, body: d.body.replace('VP Operations', 'CEO') }),
    ],
    [
      'missing header',
      (d: ReturnType<typeof signedWebhook>) => ({ ...d, headers: { ...d.headers, 'x-hubspot-signature-v3': '' } }),
    ],
  ])('refuses a %s with 401', (_name, mutate) => {
    const { events } = delivery();
    const now = Date.now();
    const d = mutate(signedWebhook(events, SECRET, URL, now)) as ReturnType<typeof signedWebhook> & { secret?: string };
    const res = receiveHubSpotWebhook(
      { method: 'POST', uri: URL, headers: d.headers, rawBody: d.body },
      { clientSecret: d.secret ?? SECRET, now },
    );
    expect(res).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a timestamp older than five minutes with 401', () => {
    const { events } = delivery();
    const sent = Date.now() - 5 * 60_000 - 1;
    const { body, headers } = signedWebhook(events, SECRET, URL, sent);
    expect(
      receiveHubSpotWebhook(
        { method: 'POST', uri: URL, headers, rawBody: body },
        { clientSecret: SECRET, now: Date.now() },
      ),
    ).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 400 naming the field for a malformed event', () => {
    const { events } = delivery();
    const broken = [{ ...events[0], occurredAt: 'yesterday' }];
    const now = Date.now();
    const { body, headers } = signedWebhook(broken as never, SECRET, URL, now);
    const res = receiveHubSpotWebhook(
      { method: 'POST', uri: URL, headers, rawBody: body },
      { clientSecret: SECRET, now },
    );
    expect(res).toMatchObject({ ok: false, status: 400 });
    if (!res.ok) expect(res.error).toContain('[0].occurredAt');
  });

  it('gives a delivery repeated three times the same dedup keys, distinct per event', () => {
    const { events } = delivery();
    const keys = [0, 1, 2].map((attempt) => {
      const now = Date.now();
      const { body, headers } = signedWebhook(
        events.map((e) => ({ ...e, attemptNumber: attempt })),
        SECRET,
        URL,
        now,
      );
      const res = receiveHubSpotWebhook(
        { method: 'POST', uri: URL, headers, rawBody: body },
        { clientSecret: SECRET, now },
      );
      return res.ok ? res.items.map((i) => i.dedupKey) : [];
    });
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
    expect(new Set(keys[0]).size).toBe(events.length);
  });

  it('turns creation and deletion into change items, the deletion hinted', () => {
    const fake = createFakeHubSpot();
    const { id, events } = fake.createAsMarketer('contacts', { email: 'new@corp.example' });
    const now = Date.now();
    const all = [...events, ...fake.deleteAsMarketer('contacts', id)];
    const { body, headers } = signedWebhook(all, SECRET, URL, now);
    const res = receiveHubSpotWebhook(
      { method: 'POST', uri: URL, headers, rawBody: body },
      { clientSecret: SECRET, now },
    );
    expect(res.ok && res.items.map((i) => i.body)).toEqual([
      expect.objectContaining({ kind: 'change', ref: expect.objectContaining({ id }) }),
      expect.objectContaining({ kind: 'change', ref: expect.objectContaining({ id }), hint: { deleted: true } }),
    ]);
  });

  it('turns a contact merge into a merge item', () => {
    const fake = createFakeHubSpot();
    const a = fake.seed('contacts', { email: 'a@x.example' });
    const b = fake.seed('contacts', { email: 'b@x.example' });
    const now = Date.now();
    const { body, headers } = signedWebhook(fake.mergeContacts(a, b), SECRET, URL, now);
    const res = receiveHubSpotWebhook(
      { method: 'POST', uri: URL, headers, rawBody: body },
      { clientSecret: SECRET, now },
    );
    expect(res.ok && res.items[0].body).toEqual({
      kind: 'merge',
      ref: expect.objectContaining({ id: a, object: 'contact' }),
      mergedIds: [b],
    });
  });
});
