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
import { servePeople } from '../support/serve-people.ts';
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
const people = servePeople({ base, token: TOKEN, hubspotSecret: HS_SECRET, hubspot, domain: 'pgrestart.example' });

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
    for (let n = from; n < to; n++) if (await people.deliver(n)) acknowledged.push(n);
  };
  await burst(0, 5);
  await Promise.all([burst(5, 15), postgres.restart()]);
  await burst(15, 20);

  // Down for a while: webhooks are refused with a wait hint, never acknowledged; /readyz says why.
  await postgres.stop();
  const refused = await people.contactChange(99);
  expect(refused.status).toBe(503);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await people.demo(99)).status).toBe(503);
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
  people.expectHandedOffOnce(acknowledged, salesforce);
  expect(acknowledged.length).toBeGreaterThanOrEqual(15);
  expect(serve.output()).not.toMatch(/Unhandled 'error' event/);
}, 180_000);
