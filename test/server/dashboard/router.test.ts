import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSeeded, type Served } from './harness.ts';
import type { DashboardSummary } from '../../../src/server/dashboard/index.ts';
import { seededHealth, TOKEN } from './seed.ts';

let served: Served;
beforeAll(async () => {
  served = await serveSeeded();
});
afterAll(() => served?.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(served.url + path, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: served.url, ...headers },
  });

/** Logs in with the form and returns the session cookie (`name=value`). */
async function login(): Promise<string> {
  const res = await post('/login', `token=${encodeURIComponent(TOKEN)}`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

describe('dashboard router', () => {
  it('shows the login form without a session, and the page with a bearer token or the cookie', async () => {
    const anonymous = await fetch(served.url + '/');
    expect(anonymous.status).toBe(200);
    const form = await anonymous.text();
    expect(form).toContain('action="/login"');
    expect(form).toContain('method="post"');
    expect(anonymous.headers.get('content-security-policy')).toContain("default-src 'self'");

    const bearer = await fetch(served.url + '/', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await bearer.text()).toContain('data-testid="panel-funnel"');
    const cookie = await fetch(served.url + '/', { headers: { cookie: await login() } });
    expect(await cookie.text()).toContain('data-testid="panel-funnel"');
    const forged = await fetch(served.url + '/', { headers: { cookie: `baton_session=${TOKEN}` } });
    expect(await forged.text()).toContain('action="/login"');
  });

  it('logs in with the form-encoded token: HttpOnly SameSite=Strict cookie, redirect to /, token nowhere', async () => {
    const res = await post('/login', `token=${encodeURIComponent(TOKEN)}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(TOKEN);
    expect(setCookie).toMatch(/^baton_session=[A-Za-z0-9_-]{43};/);
  });

  it('refuses a wrong, empty or query-string token with 401 and the form again', async () => {
    for (const body of ['token=wrong', 'token=', '']) {
      const res = await post('/login', body);
      expect(res.status, body).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('data-testid="login-error"');
    }
    const viaQuery = await post(`/login?token=${encodeURIComponent(TOKEN)}`, '');
    expect(viaQuery.status).toBe(401);
    const wrong = await (await post('/login', 'token=wrong')).text();
    expect(wrong).not.toContain('wrong"');
  });

  it('logs out by clearing the cookie', async () => {
    const res = await post('/logout', '');
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^baton_session=; .*Max-Age=0/);
  });

  it('guards /api/dashboard and checks its range', async () => {
    expect((await fetch(served.url + '/api/dashboard')).status).toBe(401);
    const bad = await fetch(served.url + '/api/dashboard?from=yesterday', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad_input', field: 'from' });
    const all = await served.api<DashboardSummary>('/api/dashboard');
    expect(all.from).toBeNull();
    expect(all.marketing.mqls_delivered).toBe(12);
    expect(all.recent.length).toBe(25);
    expect(all.recent[0].person.email).toMatch(/@/);
    expect(all.health).toMatchObject(seededHealth);
  });

  it('serves the page assets, Chart.js included, from Baton itself', async () => {
    for (const [path, type] of [
      ['/assets/app.js', 'javascript'],
      ...['dom', 'panels', 'panels-loop', 'panels-attribution', 'panels-rescore', 'person'].map((m) => [
        `/assets/${m}.js`,
        'javascript',
      ]),
      ['/assets/app.css', 'css'],
      ['/assets/chart.js', 'javascript'],
    ]) {
      const res = await fetch(served.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
    }
    expect(await (await fetch(served.url + '/assets/chart.js')).text()).toContain('Chart');
    expect((await fetch(served.url + '/assets/nothing.js')).status).toBe(404);
  });
});
