/**
 * Redis lost under a running `baton serve` (a real child process sharing its limits through a
 * Redis of this test's own): the handoff goes on under this instance's share of the limits, the
 * degraded state shows on `/readyz` and `/metrics`, a FLUSHALL changes nothing, and the shared
 * limits come back with Redis — without a restart of Baton, without a 429 or a record twice.
 */
import type { ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { freePort, startRedis, stopRedis } from '../support/redis-server.ts';
import { startServeChild, type ServeChild } from '../support/serve-child.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { MAPPINGS } from './harness.ts';

const TOKEN = 'redis-outage-token';
const HS_SECRET = 'redis-outage-hubspot-secret';

const hubspot = createFakeHubSpot();
const salesforce = createFakeSalesforce();
let servers: { url: string; close(): Promise<void> }[] = [];
let ts: TestStore;
let configDir: string;
let port: number;
let redisPort: number;
let redis: ChildProcess | null = null;
let serve: ServeChild;

const until = (...args: Parameters<ServeChild['until']>) => serve.until(...args);

const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
const degradedGauge = async () => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^baton_shared_limits_degraded\{[^}]*\} (\d+)/m.exec(text)?.[1]);
};

/** A marketer's change to a new contact, delivered as HubSpot's signed webhook, then a demo request. */
async function qualify(n: number): Promise<void> {
  const email = `olga${n}@outage.example`;
  const id = hubspot.seed('contacts', { email, firstname: 'Olga', lastname: `Outage${n}`, jobtitle: 'VP Sales' });
  const url = `http://127.0.0.1:${port}/webhooks/hubspot`;
  const signed = hubspot.signedWebhook(hubspot.changeAsMarketer('contacts', id, { country: 'US' }), HS_SECRET, url);
  expect((await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
  const demo = { id: `evt-outage-${n}`, email, type: 'form_submission', at: new Date().toISOString() };
  const res = await fetch(`http://127.0.0.1:${port}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...demo, properties: { form: 'demo-request' } }),
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  ts = await makeTestStore();
  configDir = await mkdtemp(join(tmpdir(), 'baton-redis-outage-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  servers = [await serveFakeApi(hubspot), await serveFakeApi(salesforce)];
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  const [hs, sf] = servers;
  serve = await startServeChild({
    databaseUrl: ts.url,
    configDir,
    token: TOKEN,
    hubspotSecret: HS_SECRET,
    hubspotUrl: hs.url,
    salesforceUrl: sf.url,
    salesforce,
    env: { BATON_REDIS_URL: `redis://127.0.0.1:${redisPort}` },
  });
  port = serve.port;
});

afterAll(async () => {
  await serve?.kill();
  if (redis) await stopRedis(redis);
  for (const s of servers) await s.close();
  await ts.cleanup();
  await rm(configDir, { recursive: true, force: true });
});

test('Redis stopped, flushed and started again: handoffs go on, the degraded state shows, nothing twice', async () => {
  expect(await readyz()).toMatchObject({ ready: true, redis: true });
  expect(await degradedGauge()).toBe(0);

  await stopRedis(redis!);
  await until(async () => (await readyz()).status === 'degraded', 15_000, '/readyz to say degraded');
  const down = await readyz();
  expect(down).toMatchObject({ ready: true, redis: false });
  expect(down.degraded.redis).toMatch(/Redis/);
  expect(await degradedGauge()).toBe(1);

  // While Redis is gone the handoff still happens: a Lead and its Task, once.
  await qualify(1);
  await until(() => salesforce.org.rows('Task').length === 1, 20_000, 'the MQL Task without Redis');

  redis = await startRedis(redisPort);
  await until(async () => (await readyz()).status === 'ready', 20_000, '/readyz to be ready again');
  expect(await degradedGauge()).toBe(0);

  const flusher = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  await flusher.connect();
  await flusher.flushAll();
  await flusher.quit();
  await qualify(2);
  await until(() => salesforce.org.rows('Task').length === 2, 20_000, 'the MQL Task after a FLUSHALL');
  await new Promise((r) => setTimeout(r, 1000));

  expect(salesforce.org.rows('Lead')).toHaveLength(2);
  expect(salesforce.org.rows('Task')).toHaveLength(2);
  expect(hubspot.log.filter((l) => l.status === 429)).toEqual([]);
  expect((await readyz()).status).toBe('ready');
}, 90_000);
