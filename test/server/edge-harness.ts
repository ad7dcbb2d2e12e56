/**
 * The real app (`createApp`) over a test store, with every receiver on (HubSpot, Outbound Messages,
 * signed Salesforce changes) and a movable clock, served on loopback for hostile-input tests and
 * the fuzzer. No connectors: nothing here reaches a CRM; what matters is what the edge answers and
 * what it stores.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'kysely';
import { compileAgreement } from '../../src/agreement/compile.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Connector } from '../../connectors/types.ts';
import type { LiveConfig, PipelineContext } from '../../src/pipeline/context.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { hmacHex } from '../../src/platform/signature.ts';
import { createApp, type AppDeps } from '../../src/server/app.ts';
import { connectorReceivers } from '../../src/server/receivers.ts';
import type { DB } from '../../src/store/db.ts';
import type { Store } from '../../src/store/types.ts';
import { signV3 } from '../../sandbox/hubspot/webhook.ts';
import type { Kysely } from 'kysely';

export const TOKEN = 'edge-api-token';
export const HS_SECRET = 'edge-hubspot-secret';
export const WEBHOOK_SECRET = 'edge-webhook-secret';
/** A real 18-character org id (its checksum holds) and its 15-character form. */
export const ORG_ID = '00D5g000004AbCdEAK';
export const ORG_ID_15 = ORG_ID.slice(0, 15);

export interface EdgeApp {
  url: string;
  store: Store;
  clock: { now: Date };
  /** Rows in the tables input can reach: nothing may change when a request is refused. */
  footprint(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

let mappings: Promise<LiveConfig> | null = null;
function live(): Promise<LiveConfig> {
  mappings ??= loadConfig(join(import.meta.dirname, '..', '..', 'mappings')).then((l) => ({
    agreement: compileAgreement(l.agreement),
    agreementConfig: l.agreement,
    fields: l.fields,
    version: l.agreement.version,
  }));
  return mappings;
}

const TABLES = ['inbox', 'people', 'events', 'feedback', 'transitions', 'outbox', 'sessions', 'kv'] as const;

/** Serves the app over `store`; `opts` override what `createApp` gets (another token, no Salesforce, a trusted proxy). */
export async function serveEdge(
  store: Store,
  opts: { token?: string; salesforce?: boolean; app?: Partial<AppDeps>; clock?: { now: Date } } = {},
): Promise<EdgeApp> {
  const clock = opts.clock ?? { now: new Date('2026-12-01T12:00:00Z') };
  const config = await live();
  const salesforce = opts.salesforce ?? true;
  const connectors: Record<string, Connector> = salesforce
    ? { hubspot: {} as Connector, salesforce: {} as Connector }
    : { hubspot: {} as Connector };
  const ctx: PipelineContext = {
    store,
    connectors,
    config: () => config,
    now: () => clock.now,
    instanceId: 'edge-test',
    metrics: createMetrics('edge-test'),
    log: logger,
  };
  const app = await createApp({
    ctx,
    token: opts.token ?? TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    receivers: connectorReceivers({
      hubspotClientSecret: HS_SECRET,
      salesforceOrgId: salesforce ? ORG_ID : undefined,
      webhookSecret: WEBHOOK_SECRET,
      salesforce,
      now: () => clock.now,
    }),
    ...opts.app,
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = (store as unknown as { db: Kysely<DB> }).db;
  return {
    url,
    store,
    clock,
    async footprint() {
      // One round trip: the fuzzer asks before and after every request.
      const counts = sql.join(TABLES.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.ref(t)}`));
      const { rows } = await sql<Record<string, unknown>>`select ${counts}`.execute(db);
      return Object.fromEntries(TABLES.map((t) => [t, Number(rows[0][t])]));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Headers of a HubSpot v3-signed delivery of `body` to `url` at `now`. */
export function hubspotHeaders(url: string, body: string, now: Date): Record<string, string> {
  const ts = now.getTime();
  return {
    'content-type': 'application/json',
    'x-hubspot-signature-v3': signV3(HS_SECRET, 'POST', url, body, ts),
    'x-hubspot-request-timestamp': String(ts),
  };
}

/** `X-Baton-Signature` of `body`. */
export function batonSignature(body: string | Buffer): string {
  return `sha256=${hmacHex(WEBHOOK_SECRET, body)}`;
}

/** One HubSpot event as HubSpot sends it. */
export function hubspotEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 1,
    subscriptionId: 2,
    portalId: 3,
    appId: 4,
    occurredAt: Date.parse('2026-12-01T11:59:00Z'),
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 101,
    propertyName: 'email',
    propertyValue: 'ana@corp.example',
    ...over,
  };
}

/** An Outbound Message from `orgId` with `notes` Lead notifications (`fields` of each sObject as XML text). */
export function outboundXml(opts: { orgId?: string; notes?: number; fields?: Record<string, string> } = {}): string {
  const fields = {
    Id: '00Q5g00000AbCdEEAV',
    Email: 'ana@corp.example',
    SystemModstamp: '2026-12-01T11:59:00.000Z',
    ...opts.fields,
  };
  const body = Object.entries(fields)
    .map(([k, v]) => `<sf:${k}>${v}</sf:${k}>`)
    .join('');
  const notes = Array.from(
    { length: opts.notes ?? 1 },
    (_, i) =>
      `<Notification><Id>04l5g0000000${String(i).padStart(6, '0')}</Id><sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${body}</sObject></Notification>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${opts.orgId ?? ORG_ID}</OrganizationId><ActionId>04k5g000000CaRkAAK</ActionId>${notes}</notifications></soapenv:Body></soapenv:Envelope>`;
}

/** A valid API event. */
export function apiEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt-1',
    email: 'ana@corp.example',
    type: 'page_view',
    at: '2026-12-01T11:00:00Z',
    properties: {},
    ...over,
  };
}
