/**
 * The rows of issue 17's table, each as a plain test against the real app: hostile or malformed
 * input is a 4xx naming the field, never a 5xx, and leaves nothing stored.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { trustProxyFromEnv } from '../../src/cli/serve.ts';
import { logger } from '../../src/platform/logger.ts';
import { sessionSettingsFromEnv } from '../../src/server/auth.ts';
import type { DB } from '../../src/store/db.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import {
  apiEvent,
  batonSignature,
  hubspotEvent,
  hubspotHeaders,
  ORG_ID,
  ORG_ID_15,
  outboundXml,
  serveEdge,
  TOKEN,
  type EdgeApp,
} from './edge-harness.ts';

let ts: TestStore;
let app: EdgeApp;
beforeAll(async () => {
  ts = await makeTestStore();
  app = await serveEdge(ts.store);
});
afterAll(async () => {
  await app?.close();
  await ts?.cleanup();
});
beforeEach(async () => {
  await ts.reset();
});

const dbOf = (t: TestStore) => (t.store as unknown as { db: Kysely<DB> }).db;
const bearer = { authorization: `Bearer ${TOKEN}` };
const json = { 'content-type': 'application/json' };

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(app.url + path, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers,
    redirect: 'manual',
  });
}

/** Posts and expects a refusal with `status` naming `field` (when given), and nothing stored. */
async function refused(res: Promise<Response>, status: number, field?: string): Promise<Record<string, unknown>> {
  const before = await app.footprint();
  const r = await res;
  const body = (await r.json()) as Record<string, unknown>;
  expect(r.status, JSON.stringify(body)).toBe(status);
  if (field !== undefined) expect(body.field).toBe(field);
  expect(await app.footprint()).toEqual(before);
  return body;
}

const events = (body: unknown, headers: Record<string, string> = {}) =>
  post('/api/events', typeof body === 'string' ? body : JSON.stringify(body), { ...json, ...bearer, ...headers });
const hubspot = (body: string) =>
  post('/webhooks/hubspot', body, hubspotHeaders(`${app.url}/webhooks/hubspot`, body, app.clock.now));
const outbound = (xml: string) =>
  post('/webhooks/salesforce/outbound', xml, { 'content-type': 'text/xml; charset=utf-8' });
const signed = (body: string) =>
  post('/webhooks/salesforce', body, { ...json, 'x-baton-signature': batonSignature(body) });

describe('the table of issue 17', () => {
  it('/api/events whose properties nest 10,000 deep is 400 naming the body', async () => {
    const deep = `{"id":"d","email":"ana@corp.example","type":"page_view","at":"2026-12-01T11:00:00Z","properties":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const body = await refused(events(deep), 400, 'body');
    expect(String(body.message)).toContain('deeper than');
  });

  it('an Outbound Message from the right org with SystemModstamp = garbage is 400 naming it', async () => {
    await refused(
      outbound(outboundXml({ fields: { SystemModstamp: 'garbage' } })),
      400,
      'Notification.0.sObject.SystemModstamp',
    );
    await refused(
      outbound(outboundXml({ fields: { SystemModstamp: '2026-02-31T00:00:00.000Z' } })),
      400,
      'Notification.0.sObject.SystemModstamp',
    );
  });

  it('a validly signed HubSpot webhook with occurredAt 8640000000000001 is 400 naming it', async () => {
    await refused(hubspot(JSON.stringify([hubspotEvent({ occurredAt: 8640000000000001 })])), 400, '0.occurredAt');
    await refused(hubspot(JSON.stringify([hubspotEvent({ occurredAt: 1e300 })])), 400, '0.occurredAt');
  });

  it('cookie baton_session=% is 401 on authenticated routes and the login form on the dashboard', async () => {
    const cookie = { cookie: 'baton_session=%' };
    for (const path of ['/api/funnel', '/api/attribution', '/api/dashboard', '/api/people/ana%40corp.example']) {
      expect((await fetch(app.url + path, { headers: cookie })).status, path).toBe(401);
    }
    const page = await fetch(app.url + '/', { headers: cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('action="/login"');
  });

  it('an old session cookie after logout is 401; a token rotation ends every session made with the old token', async () => {
    const session = await login(app);
    expect((await fetch(app.url + '/api/funnel', { headers: { cookie: session } })).status).toBe(200);
    const out = await post('/logout', '', { cookie: session, origin: app.url });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^baton_session=; .*Max-Age=0/);
    expect((await fetch(app.url + '/api/funnel', { headers: { cookie: session } })).status).toBe(401);

    const before = await login(app);
    const rotated = await serveEdge(ts.store, { token: 'a-new-token', clock: app.clock });
    try {
      expect((await fetch(rotated.url + '/api/funnel', { headers: { cookie: before } })).status).toBe(401);
      expect((await fetch(app.url + '/api/funnel', { headers: { cookie: before } })).status).toBe(401);
      expect((await app.footprint()).sessions).toBe(0);
    } finally {
      await rotated.close();
    }
  });

  it('OrganizationId = the org 15-character id + ZZZ is 403; the 15- and 18-character forms are taken', async () => {
    await refused(outbound(outboundXml({ orgId: `${ORG_ID_15}ZZZ` })), 403, 'OrganizationId');
    await refused(outbound(outboundXml({ orgId: ORG_ID.toLowerCase() })), 403, 'OrganizationId');
    expect((await outbound(outboundXml({ orgId: ORG_ID_15 }))).status).toBe(200);
    expect((await outbound(outboundXml({ orgId: ORG_ID }))).status).toBe(200);
    expect((await app.footprint()).inbox).toBe(1);
  });

  it('at = 2026-02-31, year 9999 or a number 1e999 is 400 naming the field', async () => {
    await refused(events(apiEvent({ at: '2026-02-31T10:00:00Z' })), 400, 'at');
    await refused(events(apiEvent({ at: '2026-02-31' })), 400, 'at');
    await refused(events(apiEvent({ at: '9999-01-01T00:00:00Z' })), 400, 'at');
    await refused(events(apiEvent({ at: '1969-12-31T23:59:59Z' })), 400, 'at');
    await refused(events(apiEvent({ at: '2026-12-01T24:00:00Z' })), 400, 'at');
    await refused(
      events(
        '{"id":"n","email":"ana@corp.example","type":"page_view","at":"2026-12-01T11:00:00Z","properties":{"score":1e999}}',
      ),
      400,
      'properties.score',
    );
    await refused(
      signed(JSON.stringify({ changes: [{ sobject: 'Lead', id: '00Q5g00000AbCdEEAV', at: '2026-02-30T00:00:00Z' }] })),
      400,
      'changes.0.at',
    );
    expect((await fetch(app.url + '/api/funnel?from=2026-02-31', { headers: bearer })).status).toBe(400);
  });

  it('an email with invalid UTF-8, NUL or a zero-width space is 400; spaces and capitals are normalized', async () => {
    const prefix = Buffer.from('{"id":"u","email":"ana');
    const suffix = Buffer.from('@corp.example","type":"page_view","at":"2026-12-01T11:00:00Z"}');
    await refused(
      post('/api/events', Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), suffix]), { ...json, ...bearer }),
      400,
      'body',
    );
    for (const email of [
      'ana\u0000@corp.example',
      'ana\u200b@corp.example',
      'ana@corp\ufeff.example',
      '\ud800ana@corp.example',
      'ana\ufffd@corp.example',
    ]) {
      await refused(events(apiEvent({ email })), 400, 'email');
    }
    const ok = await events(apiEvent({ email: '  Ana@Corp.Example ' }));
    expect(ok.status).toBe(202);
    const [row] = await dbOf(ts).selectFrom('inbox').select('body').execute();
    expect(JSON.parse(row.body).event.email).toBe('ana@corp.example');
  });

  it('text/plain or application/xml bodies on JSON routes are 415; the Outbound Message route takes XML only', async () => {
    const body = JSON.stringify(apiEvent());
    for (const type of [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ]) {
      await refused(post('/api/events', body, { ...bearer, 'content-type': type }), 415, 'content-type');
      await refused(
        post('/api/people/ana%40corp.example/feedback', '{"decision":"accept"}', { ...bearer, 'content-type': type }),
        415,
        'content-type',
      );
      await refused(
        post('/webhooks/salesforce', '{"changes":[]}', {
          'content-type': type,
          'x-baton-signature': batonSignature('{"changes":[]}'),
        }),
        415,
        'content-type',
      );
      const hs = JSON.stringify([hubspotEvent()]);
      await refused(
        post('/webhooks/hubspot', hs, {
          ...hubspotHeaders(`${app.url}/webhooks/hubspot`, hs, app.clock.now),
          'content-type': type,
        }),
        415,
        'content-type',
      );
    }
    await refused(
      post('/webhooks/salesforce/outbound', outboundXml(), { 'content-type': 'application/json' }),
      415,
      'content-type',
    );
    expect(
      (
        await post('/webhooks/salesforce/outbound', outboundXml(), {
          'content-type': 'application/soap+xml; charset=UTF-8',
        })
      ).status,
    ).toBe(200);
    // Refused like any bad input: counted on /metrics, not only answered.
    const metrics = (await (await fetch(`${app.url}/metrics`)).text()).split('\n');
    const refusedEvents = metrics.find(
      (l) =>
        l.startsWith('baton_input_rejected_total{') &&
        l.includes('route="/api/events"') &&
        l.includes('reason="unsupported_media_type"'),
    );
    expect(Number(refusedEvents?.split(' ').at(-1))).toBe(4);
  });

  it('a cross-site Origin on /login, /logout and cookie-authenticated changes is refused', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const evil = { origin: 'https://evil.example' };
    const l = await post('/login', `token=${TOKEN}`, { ...form, ...evil });
    expect(l.status).toBe(403);
    expect(l.headers.get('set-cookie')).toBeNull();
    expect((await post('/login', `token=${TOKEN}`, form)).status).toBe(403); // says nothing of where it comes from
    expect(
      (await post('/login', `token=${TOKEN}`, { ...form, origin: 'null', 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect(
      (await post('/login', `token=${TOKEN}`, { ...form, origin: 'null', 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(303);

    const session = await login(app);
    expect((await post('/logout', '', { cookie: session, ...evil })).status).toBe(403);
    expect((await fetch(app.url + '/api/funnel', { headers: { cookie: session } })).status).toBe(200);
    await refused(events(apiEvent(), { authorization: '', cookie: session, ...evil }), 403, 'origin');
    await refused(
      post('/api/people/ana%40corp.example/feedback', '{"decision":"accept"}', { ...json, cookie: session, ...evil }),
      403,
      'origin',
    );
    expect((await events(apiEvent(), { authorization: '', cookie: session, origin: app.url })).status).toBe(202);
    // A bearer token is no cookie: no Origin needed.
    expect((await events(apiEvent({ id: 'evt-2' }))).status).toBe(202);
  });

  it('a bad-input log line quotes no email, whatever form it takes', async () => {
    const lines: string[] = [];
    const transport = new winston.transports.Stream({
      stream: new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }),
    });
    const level = logger.level;
    logger.level = 'info';
    logger.add(transport);
    try {
      await events('{"id":"x","email":"a@b.c","type":"page_view","at":"2026-12-01T11:00:00Z","root@localhost":1}');
      await events('{"a@b.c": root@localhost}');
      await events(apiEvent({ email: 'root@localhost', type: 'a@b.c' }));
      await signed(JSON.stringify({ changes: [{ sobject: 'a@b.c', id: 'root@localhost' }] }));
      await hubspot(JSON.stringify([hubspotEvent({ subscriptionType: 'root@localhost' })]));
    } finally {
      logger.remove(transport);
      logger.level = level;
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain('a@b.c');
      expect(line).not.toContain('root@localhost');
    }
  });
});

describe('found beside the table', () => {
  it('an Outbound Message of more than 100 notifications is 400', async () => {
    await refused(outbound(outboundXml({ notes: 101 })), 400, 'Notification');
    expect((await outbound(outboundXml({ notes: 100 }))).status).toBe(200);
  });

  it('/webhooks/salesforce errors name the field', async () => {
    await refused(signed(JSON.stringify({ changes: [{ sobject: 'Lead', id: 'nope' }] })), 400, 'changes.0.id');
    await refused(signed('{"changes":'), 400, 'body');
  });

  it('a signed Salesforce change while the Salesforce connector is off is 404 connector_off, not 200 and dropped', async () => {
    const off = await serveEdge(ts.store, { salesforce: false });
    try {
      const body = JSON.stringify({ changes: [{ sobject: 'Lead', id: '00Q5g00000AbCdEEAV' }] });
      const r = await fetch(off.url + '/webhooks/salesforce', {
        method: 'POST',
        body,
        headers: { ...json, 'x-baton-signature': batonSignature(body) },
      });
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ error: 'connector_off' });
      expect((await off.footprint()).inbox).toBe(0);
    } finally {
      await off.close();
    }
  });

  it('the session cookie is Secure over HTTPS only: a client X-Forwarded-Proto counts only from a trusted proxy', async () => {
    const spoofed = await post('/login', `token=${TOKEN}`, {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://baton.example',
      'x-forwarded-proto': 'https',
      host: 'baton.example',
    });
    // Not trusted: the request is plain HTTP whatever the header says, so `https://baton.example` is another origin.
    expect(spoofed.status).toBe(403);
    expect(
      (
        await post('/login', `token=${TOKEN}`, {
          'content-type': 'application/x-www-form-urlencoded',
          origin: app.url,
          'x-forwarded-proto': 'https',
        })
      ).headers.get('set-cookie'),
    ).not.toContain('Secure');
    const proxied = await serveEdge(ts.store, { app: { trustProxy: 'loopback' }, clock: app.clock });
    try {
      const r = await fetch(proxied.url + '/login', {
        method: 'POST',
        body: `token=${TOKEN}`,
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: proxied.url.replace('http:', 'https:'),
          'x-forwarded-proto': 'https',
        },
      });
      expect(r.status).toBe(303);
      expect(r.headers.get('set-cookie')).toContain('; Secure');
    } finally {
      await proxied.close();
    }
  });

  it('a session ends after 12 hours unused, and 7 days after the login however busy', async () => {
    const start = app.clock.now;
    try {
      const idle = await login(app);
      app.clock.now = new Date(start.getTime() + 11 * 3_600_000);
      expect((await fetch(app.url + '/api/funnel', { headers: { cookie: idle } })).status).toBe(200);
      app.clock.now = new Date(start.getTime() + 23 * 3_600_000 + 60_000);
      expect((await fetch(app.url + '/api/funnel', { headers: { cookie: idle } })).status).toBe(401);

      app.clock.now = start;
      const busy = await login(app);
      for (let h = 6; h < 7 * 24; h += 6) {
        app.clock.now = new Date(start.getTime() + h * 3_600_000);
        expect((await fetch(app.url + '/api/funnel', { headers: { cookie: busy } })).status, `hour ${h}`).toBe(200);
      }
      app.clock.now = new Date(start.getTime() + 7 * 86_400_000);
      expect((await fetch(app.url + '/api/funnel', { headers: { cookie: busy } })).status).toBe(401);
    } finally {
      app.clock.now = start;
    }
  });

  it('reads BATON_TRUST_PROXY and the session timeouts from the environment, refusing what express or a clock cannot use', () => {
    expect(trustProxyFromEnv({})).toBeUndefined();
    expect(trustProxyFromEnv({ BATON_TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toBe('loopback, 10.0.0.0/8');
    expect(trustProxyFromEnv({ BATON_TRUST_PROXY: '1' })).toBe(1);
    expect(() => trustProxyFromEnv({ BATON_TRUST_PROXY: 'the-proxy' })).toThrow(/BATON_TRUST_PROXY/);
    expect(sessionSettingsFromEnv({})).toEqual({ idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 });
    expect(sessionSettingsFromEnv({ BATON_SESSION_IDLE_MINUTES: '30', BATON_SESSION_MAX_HOURS: '24' })).toEqual({
      idleMs: 30 * 60_000,
      absoluteMs: 24 * 3_600_000,
    });
    expect(() => sessionSettingsFromEnv({ BATON_SESSION_IDLE_MINUTES: 'soon' })).toThrow(/BATON_SESSION_IDLE_MINUTES/);
  });

  it('stores the session id hashed, never as sent', async () => {
    const cookie = await login(app);
    const id = cookie.split('=')[1];
    const rows = await dbOf(ts).selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });
});

/** Logs in through the form; returns `baton_session=…`. */
async function login(a: EdgeApp): Promise<string> {
  const r = await fetch(a.url + '/login', {
    method: 'POST',
    body: `token=${TOKEN}`,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a.url },
  });
  expect(r.status).toBe(303);
  return r.headers.get('set-cookie')!.split(';')[0];
}
