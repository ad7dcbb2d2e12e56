/**
 * The restart test: a real `node bin/baton.js serve` child process against fake CRMs served from
 * this process, killed with SIGKILL mid-flow (while Salesforce is creating the Lead) and again
 * while an SLA clock runs. After each restart: exactly one Lead and one Task, nothing lost, and
 * the SLA breach marked once across the restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import type { FakeRequest } from '../../sandbox/types.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { MAPPINGS } from './harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TOKEN = 'restart-token';
const HS_SECRET = 'restart-hubspot-secret';
const SLA_S = 6;

const hubspot = createFakeHubSpot({
  rateLimit: { limit: 100_000, windowMs: 1000 },
  searchLimit: { limit: 10_000, windowMs: 1000 },
});
const salesforce = createFakeSalesforce();
let onSalesforceRequest: ((req: FakeRequest) => void) | null = null;
let servers: { url: string; close(): Promise<void> }[] = [];
let ts: TestStore;
let configDir: string;
let port: number;
let child: ChildProcess | null = null;
let output = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startServe(): Promise<void> {
  const [hs, sf] = servers;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_DATABASE_URL: ts.url,
    BATON_CONFIG_DIR: configDir,
    BATON_API_TOKEN: TOKEN,
    PORT: String(port),
    BATON_POLL_INTERVAL: '0',
    BATON_LEASE_SECONDS: '2',
    BATON_OUTBOX_LEASE_SECONDS: '2',
    BATON_LOG_LEVEL: 'warn',
    HUBSPOT_ACCESS_TOKEN: 'pat-restart',
    HUBSPOT_CLIENT_SECRET: HS_SECRET,
    HUBSPOT_BASE_URL: hs.url,
    SALESFORCE_INSTANCE_URL: sf.url,
    SALESFORCE_ACCESS_TOKEN: 'fake-session-token',
    SALESFORCE_ORG_ID: salesforce.org.orgId,
  };
  delete env.VITEST;
  delete env.NODE_OPTIONS;
  child = spawn(process.execPath, [join(ROOT, 'bin', 'baton.js'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await until(
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200,
    20_000,
    'serve to be ready',
  );
}

function kill(): Promise<void> {
  const c = child!;
  child = null;
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}

async function until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; serve said:\n${output.slice(-3000)}`);
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

beforeAll(async () => {
  ts = await makeTestStore();
  configDir = await mkdtemp(join(tmpdir(), 'baton-restart-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  const agreement = (await readFile(join(configDir, 'agreement.yaml'), 'utf8'))
    .replace(/accept_within: 24h/, `accept_within: ${SLA_S}s`)
    .replace(/\n\s*business_hours:.*\n/, '\n');
  await writeFile(join(configDir, 'agreement.yaml'), agreement);
  servers = [
    await serveFakeApi(hubspot),
    await serveFakeApi({
      handle: (req) => {
        onSalesforceRequest?.(req);
        return salesforce.handle(req);
      },
    }),
  ];
  port = await freePort();
});

afterAll(async () => {
  if (child) await kill();
  for (const s of servers) await s.close();
  await ts.cleanup();
  await rm(configDir, { recursive: true, force: true });
});

test('SIGKILL mid-flow and while the SLA runs: one Lead, one Task, nothing lost, one breach', async () => {
  await startServe();
  const hsId = hubspot.seed('contacts', {
    email: 'Rita@Restart.example',
    firstname: 'Rita',
    lastname: 'Reboot',
    company: 'Restart Inc',
    jobtitle: 'Head of Ops',
  });
  const events = hubspot.changeAsMarketer('contacts', hsId, { country: 'US' });
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/hubspot`;
  const signed = hubspot.signedWebhook(events, HS_SECRET, webhookUrl);
  expect((await fetch(webhookUrl, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);

  // The first Lead create reaches Salesforce, and Baton dies before it hears the answer.
  let killed: Promise<void> | null = null;
  onSalesforceRequest = (req) => {
    // A create of a Lead (sObject Collections, alone or inside a composite request), not a query.
    if (!killed && req.method === 'POST' && /composite/.test(req.url.pathname) && /"type"\s*:\s*"Lead"/.test(req.body))
      killed = kill();
  };
  const demo = {
    id: 'evt-restart',
    email: 'rita@restart.example',
    type: 'form_submission',
    at: new Date().toISOString(),
    properties: { form: 'demo-request' },
  };
  expect((await api('/api/events', { method: 'POST', body: JSON.stringify(demo) })).status).toBe(202);
  await until(() => killed !== null, 15_000, 'the Lead create');
  await killed;
  onSalesforceRequest = null;
  expect(salesforce.org.rows('Lead')).toHaveLength(1);

  // A change that arrives while Baton is down is delivered again by HubSpot after the restart.
  await startServe();
  await until(() => salesforce.org.rows('Task').length > 0, 20_000, 'the MQL Task');
  expect((await api('/api/events', { method: 'POST', body: JSON.stringify(demo) })).status).toBe(202);
  const title = hubspot.changeAsMarketer('contacts', hsId, { firstname: 'Margarita' });
  const signed2 = hubspot.signedWebhook(title, HS_SECRET, webhookUrl);
  expect((await fetch(webhookUrl, { method: 'POST', headers: signed2.headers, body: signed2.body })).status).toBe(200);
  await until(
    () => salesforce.org.rows('Lead')[0]?.FirstName === 'Margarita',
    15_000,
    'the first name to reach Salesforce',
  );
  expect(salesforce.org.rows('Lead')).toHaveLength(1);
  expect(salesforce.org.rows('Task')).toHaveLength(1);

  let person = await (await api('/api/people/rita@restart.example')).json();
  expect(person.stage).toBe('mql');
  const due = Date.parse(person.sla.due);
  expect(due).toBeGreaterThan(Date.now());

  // Down across the deadline: the breach is marked at the next start, once.
  await kill();
  await until(() => Date.now() > due + 1000, (SLA_S + 5) * 1000, 'the deadline to pass');
  await startServe();
  await until(() => salesforce.org.rows('Task').length === 2, 15_000, 'the escalation Task');
  await kill();
  await startServe();
  await new Promise((r) => setTimeout(r, 2500));
  person = await (await api('/api/people/rita@restart.example')).json();
  const breaches = person.transitions.filter((t: { breached?: boolean }) => t.breached);
  expect(breaches).toHaveLength(1);
  expect(breaches[0].at).toBe(new Date(due).toISOString());
  expect(salesforce.org.rows('Lead')).toHaveLength(1);
  expect(salesforce.org.rows('Task')).toHaveLength(2);
  expect(hubspot.data.records.contacts.get(hsId)!.properties.baton_stage).toBe('mql');
}, 90_000);
