/**
 * Issue 17's rows on sessions, cookies and origins, as plain tests against the real app: a bad or
 * ended session is 401, a cross-site change is refused, the cookie is Secure only over HTTPS.
 */
import { describe, expect, it } from 'vitest';
import { trustProxyFromEnv } from '../../src/cli/serve.ts';
import { sessionSettingsFromEnv } from '../../src/server/auth.ts';
import { apiEvent, serveEdge, TOKEN } from './edge-harness.ts';
import { app, dbOf, events, json, login, post, refused, ts, useHostileEdge } from './hostile-harness.ts';

useHostileEdge();

describe('the table of issue 17: sessions and origins', () => {
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
});

describe('sessions, found beside the table', () => {
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
