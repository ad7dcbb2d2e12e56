/**
 * PostgreSQL restarted and stopped under a running `baton serve` (a cluster of this test's own, so
 * other test files keep theirs): while the store is down webhooks answer 503 with `Retry-After`
 * and `/readyz` says why; every event acknowledged before, during a restart and after is
 * processed once; and everything resumes alone, without a restart of Baton.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/postgres-server.ts';
import { startServeChild, type ServeChild } from '../support/serve-child.ts';
import { MAPPINGS } from './harness.ts';

const TOKEN = 'pg-restart-token';
const HS_SECRET = 'pg-restart-hubspot-secret';

const hubspot = createFakeHubSpot();
const salesforce = createFakeSalesforce();
let servers: Awaited<ReturnType<typeof serveFakeApi>>[] = [];
let postgres: PrivatePostgres;
let configDir: string;
let port: number;
let serve: ServeChild;

const until = (...args: Parameters<ServeChild['until']>) => serve.until(...args);

const base = () => `http://127.0.0.1:${port}`;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${base()}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

/** A new HubSpot contact changed by a marketer, as HubSpot's signed webhook; returns the answer. */
async function contactChange(n: number): Promise<Response> {
  const id = hubspot.seed('contacts', {
    email: `pia${n}@pgrestart.example`,
    firstname: 'Pia',
    lastname: `Restart${n}`,
    jobtitle: 'VP Sales',
  });
  const url = `${base()}/webhooks/hubspot`;
  const signed = hubspot.signedWebhook(hubspot.changeAsMarketer('contacts', id, { country: 'US' }), HS_SECRET, url);
  return fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
}

const demo = (n: number) =>
  api('/api/events', {
    method: 'POST',
    body: JSON.stringify({
      id: `evt-pg-${n}`,
      email: `pia${n}@pgrestart.example`,
      type: 'form_submission',
      at: new Date().toISOString(),
      properties: { form: 'demo-request' },
    }),
  });

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  configDir = await mkdtemp(join(tmpdir(), 'baton-pg-restart-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  servers = [await serveFakeApi(hubspot), await serveFakeApi(salesforce)];
  const [hs, sf] = servers;
  serve = await startServeChild({
    databaseUrl: postgres.url,
    configDir,
    token: TOKEN,
    hubspotSecret: HS_SECRET,
    hubspotUrl: hs.url,
    salesforceUrl: sf.url,
    salesforce,
    env: { BATON_LEASE_SECONDS: '2', BATON_OUTBOX_LEASE_SECONDS: '2' },
  });
  port = serve.port;
}, 60_000);

afterAll(async () => {
  await serve?.kill();
  for (const s of servers) await s.close();
  await postgres?.destroy();
  await rm(configDir, { recursive: true, force: true });
});

test('PostgreSQL restarts mid-run and stops for a while: nothing acknowledged is lost, nothing twice, resumes alone', async () => {
  // A burst of changes and demo requests with a restart in the middle of it.
  const acknowledged: number[] = [];
  const burst = async (from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const change = await contactChange(n);
      const event = await demo(n);
      if (change.status === 200 && event.status === 202) acknowledged.push(n);
      else expect([change.status, event.status].some((s) => s === 503)).toBe(true);
    }
  };
  await burst(0, 5);
  await Promise.all([burst(5, 15), postgres.restart()]);
  await burst(15, 20);

  // Down for a while: webhooks are refused with a wait hint, never acknowledged; /readyz says why.
  await postgres.stop();
  const refused = await contactChange(99);
  expect(refused.status).toBe(503);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await demo(99)).status).toBe(503);
  const down = await fetch(`${base()}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toMatchObject({ ready: false, store: false, storeError: expect.stringMatching(/./) });
  await new Promise((r) => setTimeout(r, 2000));
  await postgres.start();
  await until(async () => (await fetch(`${base()}/readyz`)).status === 200, 30_000, 'the store to be back');
  await burst(20, 25);

  // Every acknowledged person handed off exactly once: one Lead and one Task each.
  await until(() => salesforce.org.rows('Task').length >= acknowledged.length, 60_000, 'every Task');
  await new Promise((r) => setTimeout(r, 1500));
  const leads = salesforce.org.rows('Lead').map((l) => String(l.Email).toLowerCase());
  for (const n of acknowledged) expect(leads.filter((e) => e === `pia${n}@pgrestart.example`)).toHaveLength(1);
  expect(salesforce.org.rows('Task')).toHaveLength(new Set(leads).size);
  expect(leads).toHaveLength(new Set(leads).size);
  expect(acknowledged.length).toBeGreaterThanOrEqual(15);
  expect(serve.output()).not.toMatch(/Unhandled 'error' event/);
}, 180_000);
