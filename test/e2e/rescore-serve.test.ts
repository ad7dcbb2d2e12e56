/**
 * `baton serve` re-scores everyone when a new agreement version goes live: the file changed while
 * it runs (picked up by its watcher), and a version changed while it was down (picked up at its
 * start); a restart on the same files re-scores no one. Through `GET /api/agreement/rescore`.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { startServeChild, type ServeChild } from '../support/serve-child.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { MAPPINGS } from './harness.ts';

const TOKEN = 'rescore-serve-token';
const PEOPLE = 30;
const hubspot = createFakeHubSpot();
const salesforce = createFakeSalesforce();
let servers: Awaited<ReturnType<typeof serveFakeApi>>[] = [];
let ts: TestStore;
let configDir: string;
let serve: ServeChild;

const start = async () =>
  (serve = await startServeChild({
    databaseUrl: ts.url,
    configDir,
    token: TOKEN,
    hubspotSecret: 'rescore-serve-secret',
    hubspotUrl: servers[0].url,
    salesforceUrl: servers[1].url,
    salesforce,
  }));
const api = async (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${serve.port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  });
const rescore = async () => (await api('/api/agreement/rescore')).json();
const setVersion = async (version: number, points: number) => {
  const file = join(configDir, 'agreement.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text
      .replace(/^version: \d+/m, `version: ${version}`)
      .replace(/(id: senior-title\n.*\n\s+add: )\d+/, (_, head: string) => `${head}${points}`),
  );
};

beforeAll(async () => {
  ts = await makeTestStore();
  configDir = await mkdtemp(join(tmpdir(), 'baton-rescore-serve-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  servers = [await serveFakeApi(hubspot), await serveFakeApi(salesforce)];
  await start();
});

afterAll(async () => {
  await serve?.kill();
  for (const s of servers) await s.close();
  await ts.cleanup();
  await rm(configDir, { recursive: true, force: true });
});

test('a version going live while serve runs, or while it is down, re-scores every person once', async () => {
  const at = new Date().toISOString();
  const events = Array.from({ length: PEOPLE }, (_, i) => ({
    id: `rescore-serve:${i}`,
    email: `p${i}@serve${i % 5}.example`,
    type: 'page_view',
    at,
    properties: { url: 'https://acme.example/pricing' },
  }));
  expect((await api('/api/events', { method: 'POST', body: JSON.stringify(events) })).status).toBe(202);
  await serve.until(async () => (await ts.store.peopleExtent()).count === PEOPLE, 20_000, 'the people to be stored');
  // The version live at the first start is the baseline: no one is re-scored.
  expect(await rescore()).toMatchObject({ version: 7, done: 0, total: 0, running: false });

  await setVersion(8, 25);
  await serve.until(async () => (await rescore()).version === 8 && !(await rescore()).running, 20_000, 'v8 re-scored');
  const v8 = await rescore();
  expect(v8).toMatchObject({ version: 8, done: PEOPLE, total: PEOPLE });

  // A restart on the same files re-scores no one.
  await serve.kill();
  await start();
  await new Promise((r) => setTimeout(r, 1500));
  expect(await rescore()).toEqual(v8);

  // v9 goes live while serve is down: its start re-scores everyone.
  await serve.kill();
  await setVersion(9, 30);
  await start();
  await serve.until(async () => (await rescore()).version === 9 && !(await rescore()).running, 20_000, 'v9 re-scored');
  expect(await rescore()).toMatchObject({ version: 9, done: PEOPLE, total: PEOPLE });
}, 90_000);
