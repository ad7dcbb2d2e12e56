/** Serves the dashboard with `/api/*` over a seeded store, and launches Debian's Chromium for browser tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import type { LiveConfig, PipelineContext } from '../../../src/pipeline/context.ts';
import { compileAgreement } from '../../../src/agreement/compile.ts';
import { loadConfig } from '../../../src/config/load.ts';
import type { Connector } from '../../../connectors/types.ts';
import { logger } from '../../../src/platform/logger.ts';
import { createApp } from '../../../src/server/app.ts';
import type { Store } from '../../../src/store/types.ts';
import { makeTestStore } from '../../support/store.ts';
import { agreementInfo, seedStore, TOKEN } from './seed.ts';

export interface Served {
  url: string;
  store: Store;
  ids: Map<string, number>;
  /** The app's pipeline context (its setup problems, for the health panel). */
  ctx: PipelineContext;
  /** GET an API path with the bearer token. */
  api<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/** `GET /api/funnel` as the page reads it: counts by stage and conversion name. */
export interface FunnelAnswer {
  entered: Record<string, number>;
  conversion: Record<string, number>;
}

/** A seeded store behind the dashboard router and the `/api/*` routes. */
export async function serveSeeded(
  opts: {
    now?: number;
    empty?: boolean;
    agreement?: typeof agreementInfo;
    currency?: string;
    /** The configuration folder the app reads a draft from (`POST /api/agreement/preview`). */
    configDir?: string;
  } = {},
): Promise<Served> {
  const { store, cleanup } = await makeTestStore();
  const ids = opts.empty ? new Map<string, number>() : await seedStore(store, opts.now ?? Date.now());
  // The real app: its /api/* routes and the dashboard it mounts. No connectors and no live config:
  // the page reads only what is stored.
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', '..', 'mappings'));
  const live: LiveConfig = {
    agreement: compileAgreement(loaded.agreement),
    agreementConfig: loaded.agreement,
    fields: loaded.fields,
    version: loaded.agreement.version,
  };
  // HubSpot on, Salesforce off: the app only asks whether each connector is there.
  const connectors = { hubspot: {} as Connector };
  const ctx: PipelineContext = {
    store,
    connectors,
    config: () => live,
    now: () => new Date(),
    instanceId: 'dashboard-test',
    metrics: createMetrics('dashboard-test'),
    log: logger,
  };
  const app = await createApp({
    ctx,
    token: TOKEN,
    receivers: {},
    agreementInfo: () => opts.agreement ?? agreementInfo,
    ...(opts.currency ? { currency: opts.currency } : {}),
    // the folder the draft preview reads: the repository's own (live v7, so no draft) unless given
    configDir: opts.configDir ?? join(import.meta.dirname, '..', '..', '..', 'mappings'),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    ids,
    ctx,
    async api<T>(path: string): Promise<T> {
      const res = await fetch(url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cleanup();
    },
  };
}

export const CHROMIUM = '/usr/bin/chromium';

/** Chromium from Debian in a fresh profile; nothing is downloaded, nothing leaves the machine. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'baton-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1100 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
