/**
 * Alerts across a SIGKILL: a real `baton serve` child process with `alerts.yaml`, the Slack
 * emulation and the fake CRMs served from this process. Baton is killed at two points, each
 * reached deterministically by a hook of the Slack emulation: after the handoff alert was queued
 * and its sender started, before Slack got the message; and after Slack stored the message,
 * before its answer reached Baton (so the outbox row was never completed). After each restart the
 * rep has the DM exactly once, and later changes to the person send no second one.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { createSlackSandbox } from '../../sandbox/slack/index.ts';
import { startServeChild, type ServeChild } from '../support/serve-child.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { startSmtpSink, type SmtpSink } from '../support/alerts.ts';
import { MAPPINGS } from './harness.ts';

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
/** Set: the next Slack call of any method kills serve before Slack answers (or stores) anything. */
let killAtSlack = false;
let killed: Promise<void> | null = null;
let servers: { url: string; close(): Promise<void> }[] = [];
let smtp: SmtpSink;
let ts: TestStore;
let configDir: string;
let serve: ServeChild | null = null;

async function startServe(): Promise<ServeChild> {
  const [hs, sf, sl] = servers;
  serve = await startServeChild({
    databaseUrl: ts.url,
    configDir,
    token: TOKEN,
    hubspotSecret: HS_SECRET,
    hubspotUrl: hs.url,
    salesforceUrl: sf.url,
    salesforce,
    hubspot,
    env: {
      BATON_LEASE_SECONDS: '2',
      BATON_OUTBOX_LEASE_SECONDS: '2',
      SLACK_BOT_TOKEN: slack.token,
      BATON_SLACK_API_URL: `${sl.url}/api/`,
      BATON_SMTP_URL: smtp.url,
    },
  });
  return serve;
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${serve!.port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

/** A HubSpot contact who asks for a demo: a handoff, so one DM to the owner. */
async function handOff(email: string, first: string, last: string): Promise<string> {
  const hsId = hubspot.seed('contacts', {
    email,
    firstname: first,
    lastname: last,
    company: `${last} Inc`,
    jobtitle: 'Head of Ops',
  });
  await changeContact(hsId, { country: 'US' });
  const demo = {
    id: `evt-${email}`,
    email: email.toLowerCase(),
    type: 'form_submission',
    at: new Date().toISOString(),
    properties: { form: 'demo-request' },
  };
  expect((await api('/api/events', { method: 'POST', body: JSON.stringify(demo) })).status).toBe(202);
  return hsId;
}

async function changeContact(hsId: string, props: Record<string, string>): Promise<void> {
  const webhookUrl = `http://127.0.0.1:${serve!.port}/webhooks/hubspot`;
  const signed = hubspot.signedWebhook(hubspot.changeAsMarketer('contacts', hsId, props), HS_SECRET, webhookUrl);
  expect((await fetch(webhookUrl, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
}

const count = (method: string) => slack.calls.get(method) ?? 0;

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
        if (killAtSlack && !killed) {
          killed = serve!.kill();
          return killed.then(() => ({ status: 503, body: { ok: false, error: 'service_unavailable' } }));
        }
        return slack.handle(req);
      },
    }),
  ];
  salesforce.org.rows('User').forEach((u, i) => {
    if (u.Email) slack.addUser({ id: `U1${i}`, email: String(u.Email), name: String(u.Name ?? u.Email) });
  });
});

afterAll(async () => {
  await serve?.kill();
  for (const s of servers) await s.close();
  await smtp.close();
  await ts.cleanup();
  await rm(configDir, { recursive: true, force: true });
});

test('SIGKILL between queuing and sending: the handoff DM is sent exactly once after the restart', async () => {
  await startServe();
  killAtSlack = true;
  const hsId = await handOff('Rita@Restart.example', 'Rita', 'Reboot');
  await serve!.until(() => killed !== null, 20_000, 'the alert sender to call Slack');
  await killed;
  killAtSlack = false;
  expect(slack.messages).toHaveLength(0);

  await startServe();
  await serve!.until(() => slack.messages.length > 0, 20_000, 'the handoff DM');
  // More changes, and time for a second send if there were one.
  await changeContact(hsId, { jobtitle: 'COO' });
  await new Promise((r) => setTimeout(r, 3000));
  expect(slack.messages).toHaveLength(1);
  expect(slack.messages[0].text).toContain('*New lead for you: Rita Reboot*');
  expect(smtp.mails).toHaveLength(0);
  const person = await (await api('/api/people/rita@restart.example')).json();
  expect(person.alerts).toEqual([expect.objectContaining({ event: 'handoff', via: 'slack', role: 'owner' })]);
  await serve!.kill();
});

test('SIGKILL after Slack accepted the DM, before its row completed: after the restart it is found by its key, not sent again', async () => {
  await startServe();
  let accepted: Promise<void> | null = null;
  // Slack stores the message, then Baton dies before it hears the answer.
  slack.afterPost(() => {
    slack.afterPost(null);
    accepted = serve!.kill();
    return accepted;
  });
  const before = slack.messages.length;
  const hsId = await handOff('Kim@Killed.example', 'Kim', 'Killed');
  await serve!.until(() => accepted !== null, 20_000, 'Slack to accept the DM');
  await accepted;
  const dm = slack.messages.slice(before);
  expect(dm).toHaveLength(1);
  expect(dm[0].text).toContain('*New lead for you: Kim Killed*');
  const posts = count('chat.postMessage');
  const lookups = count('conversations.history');

  await startServe();
  await serve!.until(
    async () => ((await (await api('/api/people/kim@killed.example')).json()).alerts ?? []).length > 0,
    20_000,
    'the DM to be recorded as sent',
  );
  await changeContact(hsId, { jobtitle: 'COO' });
  await new Promise((r) => setTimeout(r, 3000));
  expect(slack.messages.slice(before)).toEqual(dm);
  expect(count('chat.postMessage')).toBe(posts);
  expect(count('conversations.history')).toBeGreaterThan(lookups);
  expect(smtp.mails).toHaveLength(0);
  const person = await (await api('/api/people/kim@killed.example')).json();
  expect(person.alerts).toEqual([
    expect.objectContaining({ event: 'handoff', via: 'slack', role: 'owner', to: dm[0].channel }),
  ]);
});
