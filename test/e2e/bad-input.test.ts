/** Bad input on every route: a 4xx JSON error naming the problem, never a 5xx, nothing stored. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => {
  await h.close();
});

async function expectError(res: Response, status: number, match: Record<string, unknown> = {}) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/json/);
  const body = await res.json();
  expect(typeof body.error).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(body).toMatchObject(match);
  return body;
}

const post = (path: string, body: string, headers: Record<string, string> = {}, auth = true) =>
  h.fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, auth });

test('POST /api/events', async () => {
  await expectError(await post('/api/events', '{"id":1}', {}, false), 401);
  await expectError(await post('/api/events', '{"id":', {}), 400, { field: 'body' });
  await expectError(
    await post('/api/events', JSON.stringify({ id: 'e1', email: 'a@b.example', type: 'form_submission' })),
    400,
    { field: 'at' },
  );
  const b = await expectError(
    await post(
      '/api/events',
      JSON.stringify([
        { id: 'e1', email: 'nope', type: 'form_submission', at: '2026-11-20T14:03:00Z', properties: {} },
      ]),
    ),
    400,
  );
  expect(b.field).toBe('0.email');
  await expectError(
    await post(
      '/api/events',
      JSON.stringify({ id: 'e1', email: 'a@b.example', type: 'dance', at: '2026-11-20T14:03:00Z' }),
    ),
    400,
    { field: 'type' },
  );
  await expectError(
    await post('/api/events', JSON.stringify({ id: 'e1', email: 'a@b.example', type: 'page_view', at: 'yesterday' })),
    400,
    { field: 'at' },
  );
  await expectError(
    await post(
      '/api/events',
      JSON.stringify({ id: 'e1', email: 'a@b.example', type: 'page_view', at: '2026-11-20T14:03:00Z' }),
      { 'x-baton-signature': 'sha256=00' },
      false,
    ),
    401,
  );
});

test('webhooks', async () => {
  await expectError(
    await post(
      '/webhooks/hubspot',
      '[]',
      { 'x-hubspot-signature-v3': 'bad', 'x-hubspot-request-timestamp': String(Date.now()) },
      false,
    ),
    401,
  );
  const signedBad = h.hubspot.signedWebhook(
    [{ nope: true } as never],
    'hubspot-client-secret',
    `${h.url}/webhooks/hubspot`,
  );
  await expectError(
    await fetch(`${h.url}/webhooks/hubspot`, { method: 'POST', headers: signedBad.headers, body: signedBad.body }),
    400,
  );
  await expectError(
    await post('/webhooks/salesforce', '{"changes":[]}', { 'x-baton-signature': 'sha256=' + '0'.repeat(64) }, false),
    401,
  );
  await expectError(
    await post('/webhooks/salesforce/outbound', '<not xml', { 'content-type': 'text/xml' }, false),
    400,
  );
  await expectError(
    await post(
      '/webhooks/salesforce/outbound',
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>',
      { 'content-type': 'text/xml' },
      false,
    ),
    400,
  );
});

test('people, feedback, funnel, attribution', async () => {
  await expectError(await h.fetch('/api/people/ana@corp.example', { auth: false }), 401);
  await expectError(await h.fetch('/api/people/nobody@corp.example'), 404);
  await expectError(await h.fetch('/api/people/hubspot:999'), 404);
  await expectError(await h.fetch('/api/people/not-a-key'), 400, { field: 'key' });
  await expectError(await post('/api/people/nobody@corp.example/feedback', '{"decision":"maybe"}'), 400, {
    field: 'decision',
  });
  await expectError(await post('/api/people/nobody@corp.example/feedback', 'nope'), 400, { field: 'body' });
  await expectError(await post('/api/people/nobody@corp.example/feedback', '{"decision":"accept"}'), 404);
  await expectError(await h.fetch('/api/funnel?from=last-week'), 400, { field: 'from' });
  await expectError(await h.fetch('/api/attribution?model=astrology'), 400, { field: 'model' });
  await expectError(await h.fetch('/api/attribution?to=soon'), 400, { field: 'to' });
  await expectError(await h.fetch('/api/nothing'), 404);
});

test('none of it left a trace but metrics', async () => {
  expect((await h.store.inboxStats(new Date().toISOString())).pending).toBe(0);
  expect(await h.store.listPeople({ limit: 10 })).toHaveLength(0);
  const metrics = await (await h.fetch('/metrics', { auth: false })).text();
  expect(metrics).toMatch(/baton_input_rejected_total\{[^}]*reason="bad_input"[^}]*\} \d+/);
  expect((await h.fetch('/healthz', { auth: false })).status).toBe(200);
  expect(await (await h.fetch('/readyz', { auth: false })).json()).toMatchObject({ ready: true });
});
