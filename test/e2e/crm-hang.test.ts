/**
 * A CRM that hangs under a running `baton serve`: HubSpot starts accepting connections and never
 * answering. Every HubSpot call is abandoned at its deadline, the circuit opens (so sockets do not
 * pile up), `/readyz` and `/metrics` show it, and Salesforce's work goes on: a new MQL still gets
 * its Lead and Task. When HubSpot answers again its writes go through without a restart, once.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import type { FakeRequest, FakeResponse } from '../../sandbox/types.ts';
import { startServeChild, type ServeChild } from '../support/serve-child.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { MAPPINGS } from './harness.ts';

const TOKEN = 'crm-hang-token';
const HS_SECRET = 'crm-hang-hubspot-secret';

const hubspot = createFakeHubSpot();
const salesforce = createFakeSalesforce();
let hanging = false;
const hung: (() => void)[] = [];
let servers: Awaited<ReturnType<typeof serveFakeApi>>[] = [];
let ts: TestStore;
let configDir: string;
let port: number;
let serve: ServeChild;

const until = (...args: Parameters<ServeChild['until']>) => serve.until(...args);

const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
const circuitGauge = async () => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^baton_crm_circuit_open\{[^}]*crm="hubspot"[^}]*\} (\d+)/m.exec(text)?.[1]);
};
const postEvent = (event: unknown) =>
  fetch(`http://127.0.0.1:${port}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });

beforeAll(async () => {
  ts = await makeTestStore();
  configDir = await mkdtemp(join(tmpdir(), 'baton-crm-hang-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  servers = [
    await serveFakeApi({
      // Hanging: the connection is accepted and the request read, and no answer ever comes.
      handle: (req: FakeRequest) =>
        hanging ? new Promise<FakeResponse>((ok) => hung.push(() => ok({ status: 503 }))) : hubspot.handle(req),
    }),
    await serveFakeApi(salesforce),
  ];
  const [hs, sf] = servers;
  serve = await startServeChild({
    databaseUrl: ts.url,
    configDir,
    token: TOKEN,
    hubspotSecret: HS_SECRET,
    hubspotUrl: hs.url,
    salesforceUrl: sf.url,
    salesforce,
    env: { BATON_CRM_TIMEOUT_SECONDS: '1', BATON_CRM_PAUSE_SECONDS: '3' },
  });
  port = serve.port;
});

afterAll(async () => {
  await serve?.kill();
  hanging = false;
  for (const answer of hung.splice(0)) answer();
  for (const s of servers) {
    s.server.closeAllConnections();
    await s.close();
  }
  await ts.cleanup();
  await rm(configDir, { recursive: true, force: true });
});

test('HubSpot hangs: its calls are abandoned, the circuit opens, Salesforce work goes on, HubSpot resumes', async () => {
  // A person HubSpot knows, taken in while HubSpot answers; not qualified yet.
  const id = hubspot.seed('contacts', {
    email: 'hana@hang.example',
    firstname: 'Hana',
    lastname: 'Hang',
    jobtitle: 'VP Sales',
  });
  const url = `http://127.0.0.1:${port}/webhooks/hubspot`;
  const signed = hubspot.signedWebhook(hubspot.changeAsMarketer('contacts', id, { country: 'US' }), HS_SECRET, url);
  expect((await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
  const api = (path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  await until(async () => (await api('/api/people/hana@hang.example')).status === 200, 20_000, 'Hana in the store');

  hanging = true;
  // The demo request qualifies Hana: the Lead and its Task must come although HubSpot answers nothing.
  const demo = {
    id: 'evt-hang-1',
    email: 'hana@hang.example',
    type: 'form_submission',
    at: new Date().toISOString(),
    properties: { form: 'demo-request' },
  };
  expect((await postEvent(demo)).status).toBe(202);
  await until(() => salesforce.org.rows('Task').length === 1, 30_000, 'the MQL Task while HubSpot hangs');
  await until(async () => (await readyz()).degraded?.hubspot !== undefined, 60_000, 'the HubSpot circuit to open');
  const down = await readyz();
  expect(down).toMatchObject({ ready: true, status: 'degraded' });
  expect(down.degraded.hubspot).toMatch(/hubspot did not answer/);
  expect(await circuitGauge()).toBe(1);
  const pendingWhileHung = hung.length;

  // HubSpot answers again: the circuit's probe closes it and the writes it held go through, once.
  hanging = false;
  for (const answer of hung.splice(0)) answer();
  await until(async () => (await readyz()).status === 'ready', 90_000, 'HubSpot to be used again');
  expect(await circuitGauge()).toBe(0);
  await until(
    () => hubspot.data.records.contacts.get(id)?.properties.baton_stage === 'mql',
    60_000,
    'the MQL stage to reach HubSpot',
  );
  expect(pendingWhileHung).toBeLessThan(40);
  expect(salesforce.org.rows('Lead')).toHaveLength(1);
  expect(salesforce.org.rows('Task')).toHaveLength(1);
}, 240_000);
