/**
 * `baton serve`: the HTTP server and the workers. Reads the environment table of the spec,
 * migrates the store, makes the agreement live (and watches it), starts the connectors whose
 * credentials are set (saying which are off), and shuts down gracefully on SIGTERM/SIGINT:
 * the server stops taking requests, each worker finishes the batch it holds, the store closes.
 */
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import { createHubSpotConnector } from '../../connectors/hubspot/index.ts';
import {
  createSalesforceConnector,
  salesforceOptionsFromEnv,
  type SalesforceConnector,
} from '../../connectors/salesforce/index.ts';
import type { Connector } from '../../connectors/types.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { PipelineContext } from '../pipeline/context.ts';
import { startHeartbeat } from '../pipeline/instances.ts';
import { liveConfig } from '../pipeline/live-config.ts';
import { refreshHubSpotOwners } from '../pipeline/routing/routing-owners.ts';
import { enableRouting } from '../pipeline/routing/routing-setup.ts';
import { createMetrics, watchDegraded } from '../pipeline/metrics.ts';
import { createRuntime } from '../pipeline/runtime.ts';
import { onWentLive } from '../pipeline/person/rescore.ts';
import { alertsFromEnv } from './alerts-from-env.ts';
import { SetupProblems } from '../pipeline/setup-problems.ts';
import { BatonError, errorMessage } from '../platform/errors.ts';
import type { LimitsBackend } from '../platform/limiter.ts';
import { connectSharedLimits, type SharedLimitsConnection } from '../platform/redis.ts';
import { steadyClock } from '../platform/clock.ts';
import { logger } from '../platform/logger.ts';
import { createApp, defaultAgreementInfo } from '../server/app.ts';
import { sessionSettingsFromEnv } from '../server/auth.ts';
import { connectorReceivers } from '../server/receivers.ts';
import { defaultDatabaseUrl, openStore } from '../store/index.ts';
import type { Crm } from '../store/types.ts';

export const summary = 'HTTP server + workers; migrates the store on start';

const HELP = `usage: baton serve [--config DIR] [--port N]

Environment: BATON_API_TOKEN (required), BATON_DATABASE_URL, BATON_CONFIG_DIR, PORT,
BATON_PUBLIC_URL, BATON_POLL_INTERVAL, BATON_WEBHOOK_SECRET, HUBSPOT_ACCESS_TOKEN,
HUBSPOT_CLIENT_SECRET, HUBSPOT_BASE_URL, SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN or
SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET, SALESFORCE_LOGIN_URL, SALESFORCE_API_VERSION,
SALESFORCE_ORG_ID, BATON_INSTANCE_ID (names this instance in leases and metrics; default
host-pid), BATON_REDIS_URL (share the CRMs' rate limits with every instance on the same Redis),
BATON_REDIS_PREFIX (key prefix in Redis, default baton:), BATON_LEASE_SECONDS,
BATON_OUTBOX_LEASE_SECONDS, BATON_DATABASE_POOL, BATON_CURRENCY (the deals' currency on the
dashboard, default USD), BATON_LOG_LEVEL, BATON_DEMO_TIME_SCALE (the demo's faster SLA clock),
BATON_TRUST_PROXY (the proxy in front: addresses, subnets, loopback, or a hop count; off by
default), BATON_SESSION_IDLE_MINUTES (default 720), BATON_SESSION_MAX_HOURS (default 168),
BATON_RECHECK_SECONDS (how often writes held for a setup problem are re-tried, default 60); with
an alerts.yaml: SLACK_BOT_TOKEN, BATON_SMTP_URL (or the names its channels give), BATON_SLACK_API_URL.`;

/** `BATON_TRUST_PROXY` as express's `trust proxy`: a hop count, or the proxy's addresses/subnets (`loopback`, `10.0.0.0/8`, …); throws naming it when express cannot read it. */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): string | number | undefined {
  const v = env.BATON_TRUST_PROXY?.trim();
  if (!v || v === 'false') return undefined;
  const value = /^\d+$/.test(v) ? Number(v) : v;
  try {
    express().set('trust proxy', value);
  } catch (err) {
    throw new BatonError(
      'bad_env',
      `BATON_TRUST_PROXY: ${errorMessage(err)}; expected the proxy's addresses or subnets (e.g. loopback, 10.0.0.0/8) or a hop count`,
      { cause: err },
    );
  }
  return value;
}

/** The connectors whose credentials are set; `say` hears which are off. */
export function connectorsFromEnv(
  env: NodeJS.ProcessEnv,
  loaded: LoadedConfig,
  say: (line: string) => void,
  limitsBackend?: LimitsBackend,
): Partial<Record<Crm, Connector>> {
  const fields = loaded.fields;
  const connectors: Partial<Record<Crm, Connector>> = {};
  if (env.HUBSPOT_ACCESS_TOKEN) {
    connectors.hubspot = createHubSpotConnector({
      accessToken: env.HUBSPOT_ACCESS_TOKEN,
      baseUrl: env.HUBSPOT_BASE_URL || undefined,
      clientSecret: env.HUBSPOT_CLIENT_SECRET,
      fields,
      limitsBackend,
    });
  } else say('HubSpot connector is off (HUBSPOT_ACCESS_TOKEN is not set)');
  const sfOptions = salesforceOptionsFromEnv(env, fields);
  if (sfOptions)
    connectors.salesforce = createSalesforceConnector({
      ...sfOptions,
      fieldsYamlText: loaded.texts.fields,
      fieldsYamlFile: loaded.files.fields,
      limitsBackend,
    });
  else
    say(
      'Salesforce connector is off (set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, or SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET)',
    );
  return connectors;
}

/** Limits shared through Redis when `BATON_REDIS_URL` is set; `close` quits the client. */
export async function limitsFromEnv(
  env: NodeJS.ProcessEnv,
): Promise<{ backend?: LimitsBackend; shared?: SharedLimitsConnection; close(): Promise<void> }> {
  if (!env.BATON_REDIS_URL) return { close: async () => {} };
  const shared = await connectSharedLimits(env.BATON_REDIS_URL, {
    prefix: env.BATON_REDIS_PREFIX || undefined,
    log: logger.child({ module: 'redis' }),
  });
  return { backend: shared.backend, shared, close: () => shared.close() };
}

/** Runs serve until a signal; resolves to the exit code. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const token = env.BATON_API_TOKEN?.trim();
  if (!token) {
    console.error('baton serve: BATON_API_TOKEN is required (the bearer token of /api/* and the dashboard)');
    return 1;
  }
  let sessions;
  let trustProxy;
  try {
    sessions = sessionSettingsFromEnv(env);
    trustProxy = trustProxyFromEnv(env);
  } catch (err) {
    console.error(`baton serve: ${errorMessage(err)}`);
    return 1;
  }
  const log = logger.child({ module: 'serve' });
  const instanceId = env.BATON_INSTANCE_ID || `${hostname()}-${process.pid}`;
  const store = await openStore(defaultDatabaseUrl(env));
  const configDir = resolve(values.config ?? env.BATON_CONFIG_DIR ?? 'mappings');
  // The demo compresses SLA time so a reminder and a breach happen within its first minutes.
  const timeScale = Number(env.BATON_DEMO_TIME_SCALE ?? 1);
  if (timeScale > 1)
    log.warn('BATON_DEMO_TIME_SCALE is set: SLA deadlines run faster, without business hours (for the demo only)', {
      scale: timeScale,
    });
  const config = liveConfig(configDir, store, log, undefined, {
    slaTimeScale: Number.isFinite(timeScale) ? timeScale : 1,
  });
  const first = await config.reload();
  if (!config.current()) {
    console.error(`baton serve: no agreement can go live:\n${first.message}`);
    await store.close();
    return 1;
  }
  // The files hold a draft (or a refused edit) while a stored version is live: that one runs, the draft waits for its approvals.
  if (!first.ok) console.error(`baton serve: ${first.message}`);
  const currency = (env.BATON_CURRENCY || 'USD').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) {
    console.error(`baton serve: BATON_CURRENCY '${env.BATON_CURRENCY}' is not an ISO 4217 code (e.g. USD, EUR)`);
    await store.close();
    return 1;
  }
  let limits: Awaited<ReturnType<typeof limitsFromEnv>>;
  try {
    limits = await limitsFromEnv(env);
  } catch (err) {
    console.error(`baton serve: cannot reach BATON_REDIS_URL for shared rate limits: ${errorMessage(err)}`);
    await store.close();
    return 1;
  }
  const connectors = connectorsFromEnv(
    env,
    config.loaded()!,
    (line) => console.error(`baton serve: ${line}`),
    limits.backend,
  );
  for (const [crm, c] of Object.entries(connectors)) {
    try {
      for (const problem of await c.start()) console.error(`baton serve: ${crm}: ${problem}`);
    } catch (err) {
      console.error(`baton serve: ${crm} connector could not start: ${errorMessage(err)}`);
      await Promise.all(Object.values(connectors).map((x) => x.stop().catch(() => {})));
      await limits.close();
      await store.close();
      return 1;
    }
  }

  const alerts = alertsFromEnv(
    env,
    config.loaded()!.alerts,
    (line) => console.error(`baton serve: ${line}`),
    limits.backend,
  );
  const metrics = createMetrics(instanceId, { defaults: true });
  // A write refused for a problem that is not the record's (a missing field, property or scope) is held and re-checked this often.
  const recheckS = Number(env.BATON_RECHECK_SECONDS ?? 60);
  const problems = new SetupProblems({
    recheckMs: Number.isFinite(recheckS) && recheckS > 0 ? recheckS * 1000 : undefined,
  });
  // Leases and SLA deadlines need a clock that an NTP step does not move by minutes at once.
  const clock = steadyClock({
    onStep: (ms) =>
      log.warn('the system clock jumped; Baton follows it slowly so leases and deadlines hold', {
        jumpMs: Math.round(ms),
      }),
  });
  const ctx: PipelineContext = {
    store,
    connectors,
    config: () => config.current(),
    now: () => new Date(clock()),
    instanceId,
    metrics,
    log,
    problems,
    ...(alerts.transports ? { alerts: alerts.transports } : {}),
  };
  const pollIntervalS = env.BATON_POLL_INTERVAL ? Number(env.BATON_POLL_INTERVAL) : 60;
  const leaseS = Number(env.BATON_LEASE_SECONDS ?? 60);
  const runtime = createRuntime(ctx, {
    pollIntervalS: Number.isFinite(pollIntervalS) && pollIntervalS >= 0 ? pollIntervalS : 60,
    leaseMs: Number.isFinite(leaseS) && leaseS > 0 ? leaseS * 1000 : 60_000,
    ...(Number(env.BATON_OUTBOX_LEASE_SECONDS) > 0
      ? { outboxLeaseMs: Number(env.BATON_OUTBOX_LEASE_SECONDS) * 1000 }
      : {}),
  });
  const app = await createApp({
    ctx,
    token,
    webhookSecret: env.BATON_WEBHOOK_SECRET || undefined,
    publicUrl: env.BATON_PUBLIC_URL || undefined,
    notify: () => runtime.notify(),
    receivers: connectorReceivers({
      hubspotClientSecret: connectors.hubspot ? env.HUBSPOT_CLIENT_SECRET : undefined,
      salesforceOrgId: connectors.salesforce ? env.SALESFORCE_ORG_ID : undefined,
      webhookSecret: env.BATON_WEBHOOK_SECRET || undefined,
      salesforce: !!connectors.salesforce,
    }),
    live: config,
    agreementInfo: () => agreementInfo(config, ctx),
    configDir,
    currency,
    sessions,
    trustProxy,
    ...(limits.shared ? { degradations: { redis: redisDegradation(limits.shared) } } : {}),
  });
  const port = Number(values.port ?? env.PORT ?? 3000);
  const server = createServer(app);
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, () => ok());
    });
  } catch (err) {
    console.error(`baton serve: cannot listen on port ${port}: ${errorMessage(err)}`);
    await Promise.all(Object.values(connectors).map((x) => x.stop().catch(() => {})));
    await limits.close();
    await store.close();
    return 1;
  }
  // Listening (and /readyz answering) comes before the rest of the start: a SIGTERM from then on
  // must stop gracefully, not kill the process half-started, so it is taken now and acted on once
  // the stop below can run.
  let signalled: string | null = null;
  let onSignal: ((signal: string) => void) | null = null;
  const take = (signal: string) => (onSignal ? onSignal(signal) : (signalled ??= signal));
  process.once('SIGTERM', () => take('SIGTERM'));
  process.once('SIGINT', () => take('SIGINT'));
  const heartbeat = startHeartbeat(ctx, {
    sharedLimits: !!limits.backend,
    warn: (m) => console.error(`baton serve: ${m}`),
  });
  await heartbeat.beat().catch(() => []);
  const shared = limits.shared;
  if (shared) shared.countInstancesWith(() => heartbeat.peers().length + 1);
  watchDegraded(ctx.metrics, {
    sharedLimits: shared ? () => shared.degraded() : undefined,
    crms: ctx.connectors,
    store: async () => {
      await ctx.store.inboxStats(ctx.now().toISOString());
      return (await ctx.store.unwritable?.()) ?? null;
    },
  });
  if (connectors.salesforce) {
    const loaded = config.loaded()!;
    for (const p of await enableRouting(ctx, connectors.salesforce as SalesforceConnector, {
      routing: loaded.routing,
      text: loaded.texts.routing,
      file: loaded.files.routing,
    }).catch((err) => [`routing is off: ${errorMessage(err)}`]))
      console.error(`baton serve: ${p}`);
  }
  if (connectors.hubspot)
    await refreshHubSpotOwners(ctx).catch((err) =>
      log.warn('HubSpot owners could not be read', { error: errorMessage(err) }),
    );
  // Each new agreement text re-scores every stored person (pipeline/person/rescore.ts); at start,
  // a version that went live while Baton was down starts its re-score too.
  config.onLive(async (v) => void (await onWentLive(ctx, v)));
  const started = config.current()!;
  await onWentLive(ctx, { version: started.version, hash: started.hash ?? '', previous: null }).catch((err) =>
    log.error('the re-score of the live version could not be recorded', { error: errorMessage(err) }),
  );
  config.watch(2000);
  if (!signalled) runtime.start();
  const live = config.current()!;
  console.log(
    `baton serve: listening on port ${port} (instance ${instanceId}); agreement '${live.agreement.name}' v${live.version} is live`,
  );

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`baton serve: ${signal}: finishing claimed work`);
      const force = setTimeout(() => done(1), 25_000);
      force.unref();
      server.close();
      server.closeAllConnections?.();
      try {
        await runtime.stop();
        await heartbeat.stop().catch(() => {});
        config.close();
        await Promise.all(Object.values(connectors).map((c) => c.stop().catch(() => {})));
        await alerts.stop();
        await limits.close();
        await store.close();
      } catch (err) {
        console.error(`baton serve: shutdown: ${errorMessage(err)}`);
      }
      clearTimeout(force);
      done(0);
    };
    onSignal = (signal) => void stop(signal);
    if (signalled) onSignal(signalled);
  });
}

function agreementInfo(config: ReturnType<typeof liveConfig>, ctx: PipelineContext) {
  const refused = config.refused();
  const draft = refused?.draft;
  return {
    ...defaultAgreementInfo(ctx),
    liveAt: config.liveAt(),
    draft: draft ? { version: draft.version, missing: draft.missing } : null,
    restart: refused?.restart ?? null,
  };
}

/** Degraded while Redis is gone (limits kept per instance), or while it does not answer a PING. */
function redisDegradation(shared: SharedLimitsConnection): () => Promise<string | null> {
  return async () => shared.degraded() ?? ((await shared.ping()) ? null : 'Redis does not answer PING');
}
