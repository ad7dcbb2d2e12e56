/**
 * `createApp`: the whole HTTP surface of Baton on express 5 — webhooks, `/api/*`, health,
 * readiness, metrics, and the dashboard at `/` when present.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import type { PipelineContext } from '../pipeline/context.ts';
import { InputError, NotFoundError, errorMessage } from '../platform/errors.ts';
import { problemsOf } from '../pipeline/setup-problems.ts';
import { apiRouter } from './routes/api.ts';
import { agreementRouter } from './routes/agreement.ts';
import type { LiveConfigSource } from '../pipeline/live-config.ts';
import { previewRouter } from './routes/preview.ts';
import { webhookRouter } from './routes/webhooks.ts';
import { createAuth, type SessionSettings } from './auth.ts';
import { errorHandler } from './errors.ts';
import type { Receivers } from './receivers.ts';
import type { AgreementInfo, DashboardDeps, HealthInfo, HealthProblem } from './dashboard/types.ts';

export interface AppDeps {
  ctx: PipelineContext;
  /** `BATON_API_TOKEN`. */
  token: string;
  receivers: Receivers;
  /** `BATON_WEBHOOK_SECRET`: signs `POST /webhooks/salesforce` and `POST /api/events`. */
  webhookSecret?: string;
  /** `BATON_PUBLIC_URL`. */
  publicUrl?: string;
  /** Wakes the workers after something was stored. */
  notify?: () => void;
  /** The live configuration (`serve`): the draft on disk and its approvals; without it there is no draft. */
  live?: Pick<LiveConfigSource, 'reload' | 'refused'>;
  /** What the dashboard shows of the agreement. */
  agreementInfo?: () => AgreementInfo;
  /** The configuration folder (`POST /api/agreement/preview` reads the draft on disk there). */
  configDir?: string;
  /** `BATON_CURRENCY`: the ISO 4217 code of the deals' amounts, as the dashboard shows money. */
  currency?: string;
  /** Config loaded: ready. */
  configLoaded?: () => boolean;
  /** Further dependencies `/readyz` reports by name, e.g. `redis` when limits are shared through it. */
  readiness?: Record<string, () => Promise<boolean>>;
  /**
   * Dependencies whose loss degrades but does not unready (webhooks are still taken in and kept), e.g.
   * `redis`: each answers why it is degraded, or null when all is well.
   */
  degradations?: Record<string, () => Promise<string | null>>;
  /** Dashboard session timeouts (`BATON_SESSION_IDLE_MINUTES`, `BATON_SESSION_MAX_HOURS`); 12 h idle, 7 days at most without. */
  sessions?: SessionSettings;
  /**
   * `BATON_TRUST_PROXY`: express's `trust proxy` (addresses, subnets, `loopback`, or a hop count).
   * Off by default, so a client's `X-Forwarded-Proto` never decides the cookie's `Secure` flag.
   */
  trustProxy?: string | number;
}

const DASHBOARD = join(dirname(fileURLToPath(import.meta.url)), 'dashboard', 'index.ts');

/** The health figures shared by `/readyz` and the dashboard. */
export async function healthOf(ctx: PipelineContext): Promise<HealthInfo> {
  const now = ctx.now().toISOString();
  const inbox = await ctx.store.inboxStats(now);
  return {
    inboxLagMs: inbox.oldestMs,
    inboxPending: inbox.pending,
    outboxPending: await ctx.store.outboxPending(),
    // Both stages' dead letters: outbox writes that failed for good and inbox items given up.
    deadLetters: (await ctx.store.listDeadLetters()).length + (await ctx.store.inboxDeadLetters()).length,
    connectors: { hubspot: !!ctx.connectors.hubspot, salesforce: !!ctx.connectors.salesforce },
    problems: setupProblemsOf(ctx),
  };
}

/** The standing setup problems, as `/readyz` and the dashboard show them. */
export function setupProblemsOf(ctx: PipelineContext): HealthProblem[] {
  return problemsOf(ctx)
    .list(ctx.now())
    .map((p) => ({
      crm: p.crm,
      kind: p.kind,
      object: p.object,
      ...(p.fields ? { fields: p.fields } : {}),
      ...(p.value !== undefined ? { value: p.value } : {}),
      ...(p.scopes ? { scopes: p.scopes } : {}),
      message: p.message,
      fix: p.fix,
      since: p.since,
      recheckAt: p.recheckAt,
      held: p.held,
    }));
}

/** The live agreement's name, version and owners (with the day each approved it), as the dashboard shows them. */
export function defaultAgreementInfo(ctx: PipelineContext): AgreementInfo {
  const live = ctx.config();
  const owners = live?.agreementConfig.owners;
  const owner = (o: { name: string; email: string; approved?: unknown } | undefined) => ({
    name: o?.name ?? '',
    email: o?.email ?? '',
    approved: o?.approved
      ? o.approved instanceof Date
        ? o.approved.toISOString().slice(0, 10)
        : String(o.approved)
      : null,
  });
  return {
    name: live?.agreement.name ?? '(none live)',
    version: live?.version ?? 0,
    owners: { marketing: owner(owners?.marketing), sales: owner(owners?.sales) },
  };
}

/** Builds the express app. */
export async function createApp(deps: AppDeps): Promise<express.Express> {
  const { ctx } = deps;
  const app = express();
  app.disable('x-powered-by');
  try {
    app.set('trust proxy', deps.trustProxy ?? false);
  } catch (err) {
    throw new InputError(
      `BATON_TRUST_PROXY: ${errorMessage(err)}; expected addresses, subnets, loopback or a hop count`,
      { field: 'BATON_TRUST_PROXY', cause: err },
    );
  }
  const auth = createAuth({
    store: ctx.store,
    token: deps.token,
    now: ctx.now,
    sessions: deps.sessions,
    publicUrl: deps.publicUrl,
  });
  // Sessions of a token no longer in use end now, not at their next use; a store not reachable yet is no reason not to start.
  await auth.prune().catch(() => 0);

  app.get('/healthz', (_req, res) => res.json({ ok: true }));
  app.get('/readyz', async (_req: Request, res: Response) => {
    const configLoaded = deps.configLoaded ? deps.configLoaded() : ctx.config() !== null;
    let storeOk = true;
    let storeError: string | undefined;
    try {
      await ctx.store.inboxStats(ctx.now().toISOString());
      const unwritable = (await ctx.store.unwritable?.()) ?? null;
      if (unwritable !== null) {
        storeOk = false;
        storeError = unwritable;
      }
    } catch (err) {
      storeOk = false;
      storeError = `the store does not answer: ${errorMessage(err)}`;
    }
    const more: Record<string, boolean> = {};
    for (const [name, check] of Object.entries(deps.readiness ?? {})) more[name] = await check().catch(() => false);
    const ready = configLoaded && storeOk && Object.values(more).every(Boolean);
    const degraded: Record<string, string> = {};
    for (const [name, check] of Object.entries(deps.degradations ?? {})) {
      const why = await check().catch((err: unknown) => errorMessage(err));
      more[name] = why === null;
      if (why !== null) degraded[name] = why;
    }
    // A CRM that stopped answering degrades too: its work waits in the inbox and outbox, the other CRM's goes on.
    for (const [crm, connector] of Object.entries(ctx.connectors)) {
      const why = connector?.unavailable?.() ?? null;
      if (why !== null) degraded[crm] = why;
    }
    // A setup problem degrades, it does not unready: webhooks must still be taken in (and kept).
    const problems = setupProblemsOf(ctx);
    const status = !ready ? 'unready' : problems.length || Object.keys(degraded).length ? 'degraded' : 'ready';
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({
      ready,
      status,
      store: storeOk,
      ...(storeError ? { storeError } : {}),
      config: configLoaded,
      ...more,
      ...(Object.keys(degraded).length ? { degraded } : {}),
      problems,
      instance: ctx.instanceId,
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  app.use(
    webhookRouter({
      store: ctx.store,
      metrics: ctx.metrics,
      connectors: ctx.connectors,
      receivers: deps.receivers,
      publicUrl: deps.publicUrl,
      notify: deps.notify,
    }),
  );
  app.use(apiRouter({ ctx, auth, webhookSecret: deps.webhookSecret, notify: deps.notify }));
  app.use(agreementRouter({ store: ctx.store, auth, now: ctx.now, live: deps.live }));
  app.use(previewRouter({ ctx, auth, configDir: deps.configDir }));

  if (existsSync(DASHBOARD)) {
    const mod = (await import(DASHBOARD)) as { dashboardRouter?: (d: DashboardDeps) => express.Router };
    if (mod.dashboardRouter) {
      app.use(
        mod.dashboardRouter({
          store: ctx.store,
          token: deps.token,
          health: () => healthOf(ctx),
          agreementInfo: deps.agreementInfo ?? (() => defaultAgreementInfo(ctx)),
          ...(deps.currency ? { currency: deps.currency } : {}),
          now: ctx.now,
          auth,
        }),
      );
    }
  }

  app.use((req, _res, next) => next(new NotFoundError(`no route ${req.method} ${req.path}`)));
  app.use(errorHandler(ctx.metrics));
  return app;
}
