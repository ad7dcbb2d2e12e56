/**
 * End-to-end harness: `createApp` + the pipeline runtime in-process, the fake HubSpot and
 * Salesforce behind msw (the real SDKs talk to them), the store from `makeTestStore()`, and the
 * shipped mappings copied to a temp folder (tests may edit them).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterEach, beforeEach } from 'vitest';
import { createHubSpotConnector } from '../../connectors/hubspot/index.ts';
import { createFakeHubSpot, type FakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { mswHandlers } from '../../sandbox/msw.ts';
import {
  createFakeSalesforce,
  routeJsforceThroughGlobalFetch,
  type FakeSalesforce,
} from '../../sandbox/salesforce/index.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import type { Connector } from '../../connectors/types.ts';
import type { PipelineContext } from '../../src/pipeline/context.ts';
import { liveConfig, type LiveConfigSource } from '../../src/pipeline/live-config.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { createRuntime, type Runtime } from '../../src/pipeline/runtime.ts';
import { SetupProblems } from '../../src/pipeline/setup-problems.ts';
import { logger } from '../../src/platform/logger.ts';
import { hmacHex } from '../../src/platform/signature.ts';
import { createApp } from '../../src/server/app.ts';
import { connectorReceivers } from '../../src/server/receivers.ts';
import type { Store } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

export const HS_BASE = 'https://hubspot.e2e.test';
export const SF_BASE = 'https://baton-e2e.my.salesforce.com';
export const TOKEN = 'test-api-token';
export const HS_SECRET = 'hubspot-client-secret';
export const WEBHOOK_SECRET = 'baton-webhook-secret';
/** The fake account's limits are generous; the connector keeps a fast spacing so tests take milliseconds per call. */
const FAST_HUBSPOT = {
  account: { limit: 1000, windowMs: 1000 },
  search: { limit: 1000, windowMs: 1000 },
  maxConcurrent: 10,
};
export const MAPPINGS = join(import.meta.dirname, '..', '..', 'mappings');

export interface Harness {
  hubspot: FakeHubSpot;
  salesforce: FakeSalesforce;
  store: Store;
  ctx: PipelineContext;
  runtime: Runtime;
  config: LiveConfigSource;
  configDir: string;
  url: string;
  /** A clock the test moves. */
  clock: { now: Date; advance(ms: number): void };
  fetch(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  /** Posts signed Salesforce changes (`POST /webhooks/salesforce`). */
  salesforceChanges(changes: { sobject: string; id: string; at?: string }[]): Promise<Response>;
  /** Delivers HubSpot webhook events signed as HubSpot does. */
  hubspotWebhook(events: unknown[]): Promise<Response>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

let msw: ReturnType<typeof setupServer> | null = null;
let currentHs: FakeHubSpot | null = null;
let currentSf: FakeSalesforce | null = null;

/** Starts msw once per file (call at module level through `useHarness`). */
function ensureMsw() {
  if (msw) return;
  routeJsforceThroughGlobalFetch();
  msw = setupServer(
    ...mswHandlers(HS_BASE, { handle: (req) => (currentHs ? currentHs.handle(req) : null) }),
    ...mswHandlers(SF_BASE, { handle: (req) => (currentSf ? currentSf.handle(req) : null) }),
  );
  msw.listen({ onUnhandledFrame: 'bypass' });
}

export interface HarnessOptions {
  /** Changes the fake CRMs before the connectors start (a field missing, a scope not granted). */
  before?: (fakes: { hubspot: FakeHubSpot; salesforce: FakeSalesforce }) => void;
  /** How often a setup problem is re-checked (default one minute). */
  recheckMs?: number;
  /** Slack and email transports for `alerts.yaml` (test/support/alerts.ts). */
  alerts?: PipelineContext['alerts'];
  /** HubSpot's real limits at the fake (100 requests per 10 s, search 5 a second) and the connector's own defaults for them. */
  realLimits?: boolean;
}

/** A fresh world: fake CRMs, store, config, connectors, runtime (not started) and the app on a port. */
export async function makeHarness(options: HarnessOptions = {}): Promise<Harness> {
  ensureMsw();
  const hubspot = createFakeHubSpot(
    options.realLimits
      ? {}
      : { rateLimit: { limit: 100_000, windowMs: 1000 }, searchLimit: { limit: 10_000, windowMs: 1000 } },
  );
  const salesforce = createFakeSalesforce();
  options.before?.({ hubspot, salesforce });
  currentHs = hubspot;
  currentSf = salesforce;
  // Real time plus an offset the test moves, so the fake CRMs' own clocks stay in step.
  let offset = 0;
  const clock = {
    get now() {
      return new Date(Date.now() + offset);
    },
    set now(d: Date) {
      offset = d.getTime() - Date.now();
    },
    advance(ms: number) {
      offset += ms;
    },
  };
  const ts: TestStore = await makeTestStore();
  const configDir = await mkdtemp(join(tmpdir(), 'baton-e2e-config-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  const config = liveConfig(configDir, ts.store, logger, () => clock.now);
  const loaded = await config.reload();
  if (!loaded.ok) throw new Error(loaded.message);
  const fields = config.current()!.fields;
  const connectors: Record<string, Connector> = {
    hubspot: createHubSpotConnector({
      accessToken: 'pat-e2e',
      baseUrl: HS_BASE,
      fields,
      clientSecret: HS_SECRET,
      retryMinTimeoutMs: 5,
      ...(options.realLimits ? {} : { limits: FAST_HUBSPOT }),
      accountKey: `e2e-${Math.random()}`,
    }),
    salesforce: createSalesforceConnector({
      instanceUrl: SF_BASE,
      accessToken: 'fake-session-token',
      fields,
      orgId: salesforce.org.orgId,
      retry: { retries: 2, minTimeoutMs: 5 },
    }),
  };
  for (const c of Object.values(connectors)) await c.start();
  const ctx: PipelineContext = {
    store: ts.store,
    connectors,
    config: () => config.current(),
    now: () => clock.now,
    instanceId: `e2e-${process.pid}`,
    metrics: createMetrics(`e2e-${process.pid}`),
    log: logger.child({ module: 'e2e' }),
    problems: new SetupProblems({ recheckMs: options.recheckMs }),
    ...(options.alerts ? { alerts: options.alerts } : {}),
  };
  const runtime = createRuntime(ctx, { pollIntervalS: 0 });
  const app = await createApp({
    ctx,
    token: TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    receivers: connectorReceivers({
      hubspotClientSecret: HS_SECRET,
      salesforceOrgId: salesforce.org.orgId,
      webhookSecret: WEBHOOK_SECRET,
      now: () => new Date(),
    }),
  });
  const server: Server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const h: Harness = {
    hubspot,
    salesforce,
    store: ts.store,
    ctx,
    runtime,
    config,
    configDir,
    url,
    clock,
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth !== false && !headers.has('authorization')) headers.set('authorization', `Bearer ${TOKEN}`);
      if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(url + path, { ...init, headers });
    },
    salesforceChanges(changes) {
      const body = JSON.stringify({ changes });
      return fetch(`${url}/webhooks/salesforce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-baton-signature': `sha256=${hmacHex(WEBHOOK_SECRET, body)}` },
        body,
      });
    },
    async hubspotWebhook(events) {
      const signed = hubspot.signedWebhook(events as never, HS_SECRET, `${url}/webhooks/hubspot`);
      return fetch(`${url}/webhooks/hubspot`, { method: 'POST', headers: signed.headers, body: signed.body });
    },
    drain: () => runtime.drain(),
    async close() {
      await runtime.stop();
      await new Promise<void>((r) => server.close(() => r()));
      for (const c of Object.values(connectors)) await c.stop();
      config.close();
      await ts.cleanup();
      await rm(configDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Posts engagement events through `/api/events`. */
export async function postEvents(h: Harness, events: unknown): Promise<Response> {
  return h.fetch('/api/events', { method: 'POST', body: JSON.stringify(events) });
}

export const ANA = {
  email: 'Ana@Corp.example',
  firstname: 'Ana',
  lastname: 'Lima',
  company: 'Corp',
  jobtitle: 'VP Operations',
  country: 'US',
};

/** A HubSpot contact a marketer just edited, delivered by webhook and processed; returns its id. */
export async function hubspotContact(h: Harness, props: Record<string, unknown>): Promise<string> {
  // The marketer sets the country last, which is the change HubSpot notifies.
  const { country, ...rest } = props;
  const id = h.hubspot.seed('contacts', rest);
  const events = h.hubspot.changeAsMarketer('contacts', id, { country: country ?? 'US' });
  const res = await h.hubspotWebhook(events);
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  await h.drain();
  return id;
}

/** A HubSpot-only person made MQL by a demo request; returns the HubSpot id and the new Lead id. */
export async function mqlPerson(
  h: Harness,
  props: Record<string, unknown> = ANA,
  eventId = 'evt-demo',
): Promise<{ hsId: string; leadId: string }> {
  const hsId = await hubspotContact(h, props);
  const email = String(props.email).toLowerCase();
  await postEvents(h, {
    id: eventId,
    email,
    type: 'form_submission',
    at: h.clock.now.toISOString(),
    properties: { form: 'demo-request' },
  });
  await h.drain();
  const lead = h.salesforce.org.rows('Lead').find((l) => l.Email === email);
  if (!lead) throw new Error('no Lead was created');
  return { hsId, leadId: String(lead.Id) };
}

/** A rep (a user other than Baton's) edits a Salesforce record; the Flow posts the change. */
export async function repEdits(h: Harness, object: string, id: string, fields: Record<string, unknown>): Promise<void> {
  const rep = h.salesforce.org.addUser({
    Username: `rep${Math.random()}@org.example`,
    Name: 'Rep',
    Email: 'rep@org.example',
  });
  const rec = h.salesforce.org.touch(id, fields, rep);
  // A Flow sends the record's modification time; without it a resent body counts as the same change.
  const res = await h.salesforceChanges([{ sobject: object, id, at: modstamp(rec) }]);
  if (res.status !== 200) throw new Error(`salesforce change answered ${res.status}: ${await res.text()}`);
  await h.drain();
}

/** Makes a fresh harness before each test of the file (handed to `use`) and closes it after. */
export function useHarness(use: (h: Harness) => void, options: HarnessOptions = {}): void {
  let h: Harness | undefined;
  beforeEach(async () => {
    h = await makeHarness(options);
    use(h);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
}

export const DAY = 86_400_000;

/** Waits for the next wall-clock second: Salesforce stamps records to the second. */
export const nextSecond = (): Promise<void> => new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));

/** A Salesforce record's SystemModstamp as an ISO instant, as a Flow sends it. */
export const modstamp = (rec: Record<string, unknown>): string => String(rec.SystemModstamp).replace('+0000', 'Z');

/**
 * Edits the agreement on disk as a new version (its number raised: a changed text under a number
 * already live is refused) and reloads; throws with the refusal when it does not go live.
 */
export async function editAgreement(h: Harness, edit: (text: string) => string): Promise<void> {
  const file = join(h.configDir, 'agreement.yaml');
  await writeFile(file, nextVersion(edit(await readFile(file, 'utf8'))));
  const r = await h.config.reload();
  if (!r.ok) throw new Error(r.message ?? 'the agreement did not go live');
}

/** The agreement's text under the next version number. */
export const nextVersion = (text: string): string =>
  text.replace(/^version: (\d+)$/m, (_, v: string) => `version: ${Number(v) + 1}`);
