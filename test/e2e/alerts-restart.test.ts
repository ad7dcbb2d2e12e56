/**
 * Alerts across a SIGKILL: a real `baton serve` child process with `alerts.yaml`, the Slack
 * emulation and the fake CRMs served from this process. Baton is killed after the handoff alert was
 * queued and its sender started, before Slack got the message; after the restart the rep gets the
 * DM exactly once, and later changes to the person send no second one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { createSlackSandbox } from '../../sandbox/slack/index.ts';
import { freePort } from '../../sandbox/demo/baton-process.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { startSmtpSink, type SmtpSink } from '../support/alerts.ts';
import { MAPPINGS } from './harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TOKEN = 'alerts-restart-token';
const HS_SECRET = 'alerts-restart-hubspot-secret';
const ALERTS = `channels:
  slack: {}
  email: { from: baton@acme.example }
templates:
  handoff: { subject: "New lead for you: {{person.first_name}} {{person.last_name}}" }
rules:
  - { on: handoff, to: [owner], template: handoff }
`;

const hubspot = createFakeHubSpot({
  rateLimit: { limit: 100_000, windowMs: 1000 },
  searchLimit: { limit: 10_000, windowMs: 1000 },
});
const salesforce = createFakeSalesforce();
const slack = createSlackSandbox();
let killAtSlack = false;
let killed: Promise<void> | null = null;
let servers: { url: string; close(): Promise<void> }[] = [];
let smtp: SmtpSink;
let ts: TestStore;
let configDir: string;
let port: number;
let child: ChildProcess | null = null;
let output = '';

async function startServe(): Promise<void> {
  const [hs, sf, sl] = servers;
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
    SLACK_BOT_TOKEN: slack.token,
    BATON_SLACK_API_URL: `${sl.url}/api/`,
    BATON_SMTP_URL: smtp.url,
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
  smtp = await startSmtpSink();
  configDir = await mkdtemp(join(tmpdir(), 'baton-alerts-restart-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  await writeFile(join(configDir, 'alerts.yaml'), ALERTS);
  servers = [
    await serveFakeApi(hubspot),
    await serveFakeApi(salesforce),
    await serveFakeApi({
      handle: (req) => {
        // The sender's first Slack call: the alert is queued and being sent; Baton dies before Slack answers.
        if (killAtSlack && !killed) {
          killed = kill();
          return killed.then(() => ({ status: 503, body: { ok: false, error: 'service_unavailable' } }));
        }
        return slack.handle(req);
      },
    }),
  ];
  port = await freePort();
  salesforce.org.rows('User').forEach((u, i) => {
    if (u.Email) slack.addUser({ id: `U1${i}`, email: String(u.Email), name: String(u.Name ?? u.Email) });
  });
});

afterAll(async () => {
  if (child) await kill();
  for (const s of servers) await s.close();
  await smtp.close();
  await ts.cleanup();
  await rm(configDir, { recursive: true, force: true });
});

test('SIGKILL between queuing and sending: the handoff DM is sent exactly once after the restart', async () => {
  await startServe();
  const hsId = hubspot.seed('contacts', {
    email: 'Rita@Restart.example',
    firstname: 'Rita',
    lastname: 'Reboot',
    company: 'Restart Inc',
    jobtitle: 'Head of Ops',
  });
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/hubspot`;
  const signed = hubspot.signedWebhook(
    hubspot.changeAsMarketer('contacts', hsId, { country: 'US' }),
    HS_SECRET,
    webhookUrl,
  );
  expect((await fetch(webhookUrl, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
  killAtSlack = true;
  const demo = {
    id: 'evt-alert-restart',
    email: 'rita@restart.example',
    type: 'form_submission',
    at: new Date().toISOString(),
    properties: { form: 'demo-request' },
  };
  expect((await api('/api/events', { method: 'POST', body: JSON.stringify(demo) })).status).toBe(202);
  await until(() => killed !== null, 20_000, 'the alert sender to call Slack');
  await killed;
  killAtSlack = false;
  expect(slack.messages).toHaveLength(0);

  await startServe();
  await until(() => slack.messages.length > 0, 20_000, 'the handoff DM');
  // More changes, and time for a second send if there were one.
  const later = hubspot.changeAsMarketer('contacts', hsId, { jobtitle: 'COO' });
  const signed2 = hubspot.signedWebhook(later, HS_SECRET, webhookUrl);
  expect((await fetch(webhookUrl, { method: 'POST', headers: signed2.headers, body: signed2.body })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 3000));
  expect(slack.messages).toHaveLength(1);
  expect(slack.messages[0].text).toContain('*New lead for you: Rita Reboot*');
  expect(smtp.mails).toHaveLength(0);
  const person = await (await api('/api/people/rita@restart.example')).json();
  expect(person.alerts).toEqual([expect.objectContaining({ event: 'handoff', via: 'slack', role: 'owner' })]);
});
