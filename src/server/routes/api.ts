/** The `/api/*` routes: engagement events, one person, feedback, funnel, attribution, outcomes. */
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { apiEventItems, parseApiEvents } from '../../pipeline/inbox/api-event.ts';
import { campaignCosts } from '../../pipeline/attribution/campaign-costs.ts';
import { creditQuery } from '../../pipeline/attribution/credit-query.ts';
import { creditReport } from '../../pipeline/attribution/credit-report.ts';
import { markovReport } from '../../pipeline/attribution/markov-report.ts';
import type { PipelineContext } from '../../pipeline/context.ts';
import { loadFunnel } from '../../pipeline/reports/funnel.ts';
import { loadOutcomes } from '../../pipeline/reports/outcomes.ts';
import { parseOutcomeQuery } from '../../reports/outcomes-query.ts';
import { ingestGrouped } from '../../pipeline/inbox/group-commit.ts';
import { updatePerson } from '../../pipeline/person/person-update.ts';
import { rescoreProgress } from '../../pipeline/person/rescore.ts';
import { findPersonByKey, personView } from '../../pipeline/reports/person-view.ts';
import { instantProblem, pathName } from '../../platform/edge-input.ts';
import { AuthError, BatonError, InputError, NotFoundError } from '../../platform/errors.ts';
import { verifyBatonSignature } from '../../platform/signature.ts';
import type { Auth } from '../auth.ts';
import { requireContentType } from '../content-type.ts';
import { parseJson, sendError } from '../errors.ts';

export interface ApiDeps {
  ctx: PipelineContext;
  auth: Auth;
  webhookSecret?: string;
  notify?: () => void;
}

/** An optional ISO instant query parameter; `InputError` naming it when malformed. */
export function instantParam(req: Request, name: string): string | null {
  const v = req.query[name];
  if (v === undefined || v === '') return null;
  const problem = typeof v === 'string' ? instantProblem(v) : 'expected one ISO 8601 date or time';
  if (problem) throw new InputError(`${name}: ${problem}`, { field: name });
  return v as string;
}

const feedbackSchema = z.strictObject({
  decision: z.enum(['accept', 'reject']),
  reason: z.string().min(1).max(200).optional(),
});

/** The API router. */
export function apiRouter(deps: ApiDeps): express.Router {
  const { ctx } = deps;
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '5mb' });
  const json = requireContentType('json');
  const auth = deps.auth.require;

  router.post('/api/events', json, raw, async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signed = verifyBatonSignature(body, req.get('x-baton-signature'), deps.webhookSecret);
    const kind = signed ? 'signature' : await deps.auth.check(req);
    if (!kind) throw new AuthError('a bearer token or a valid X-Baton-Signature is required');
    const crossSite = kind === 'session' ? deps.auth.originProblem(req) : null;
    if (crossSite) return sendError(res, 403, 'cross_origin', crossSite, 'origin');
    const events = parseApiEvents(parseJson(body));
    const r = await ingestGrouped(
      ctx.store,
      ctx.metrics,
      apiEventItems(events, ctx.now().toISOString()),
      ctx.connectors,
    );
    if (r.stored) deps.notify?.();
    res.status(202).json({ accepted: events.length, duplicates: r.duplicates });
  });

  // The re-score of every person under the version that went live last (the dashboard's progress bar).
  router.get('/api/agreement/rescore', auth, async (_req: Request, res: Response) => {
    const p = await rescoreProgress(ctx);
    res.json(
      p
        ? { ...p, running: p.finished === null }
        : { version: null, done: 0, total: 0, started: null, finished: null, running: false },
    );
  });

  router.get('/api/people/:key', auth, async (req: Request, res: Response) => {
    const key = String(req.params.key);
    const person = await findPersonByKey(ctx.store, key);
    if (!person) throw new NotFoundError(`no person '${key}'`);
    res.json(await personView(ctx.store, ctx.config(), person, ctx.now().toISOString()));
  });

  router.post('/api/people/:key/feedback', auth, json, raw, async (req: Request, res: Response) => {
    const parsed = feedbackSchema.safeParse(parseJson(req.body as Buffer));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = pathName(issue.path) || 'body';
      throw new InputError(`${field}: ${issue.message}`, { field });
    }
    const { decision, reason } = parsed.data;
    const live = ctx.config();
    const reasons = live?.agreementConfig.recycle?.reasons ?? [];
    // The reason is optional, as for a reject made in Salesforce; one that is given must be a configured one.
    if (decision === 'reject' && reason !== undefined && !reasons.includes(reason)) {
      throw new InputError(
        `reason: '${reason}' is not one of recycle.reasons (${reasons.join(', ') || 'none configured'})`,
        { field: 'reason' },
      );
    }
    const key = String(req.params.key);
    const found = await findPersonByKey(ctx.store, key);
    if (!found) throw new NotFoundError(`no person '${key}'`);
    const at = ctx.now().toISOString();
    const r = await updatePerson(ctx, (tx) => tx.getPerson(found.id), {
      feedback: { decision, reason, at, source: 'api' },
    });
    deps.notify?.();
    res.json(await personView(ctx.store, ctx.config(), r?.person ?? found, at));
  });

  router.get('/api/funnel', auth, async (req: Request, res: Response) => {
    res.json(await loadFunnel(ctx.store, instantParam(req, 'from'), instantParam(req, 'to')));
  });

  router.get('/api/attribution', auth, async (req: Request, res: Response) => {
    const from = instantParam(req, 'from');
    const to = instantParam(req, 'to');
    const section = ctx.config()?.agreementConfig.attribution;
    const { model, report, scope } = req.query;
    const query = creditQuery({ model, report, scope, from, to }, section);
    res.json(
      query.model === 'markov'
        ? await markovReport(ctx.store, section, from, to)
        : await creditReport(ctx.store, section, query, await campaignCosts(ctx)),
    );
  });

  router.get('/api/outcomes', auth, async (req: Request, res: Response) => {
    const q = parseOutcomeQuery({ version: req.query.version, from: req.query.from, to: req.query.to });
    const live = ctx.config();
    if (!live) throw new BatonError('no_live_agreement', 'no live agreement yet: the report judges people against it');
    res.json(await loadOutcomes(ctx.store, live.agreementConfig, live.version, q, ctx.now().toISOString()));
  });

  // No `/api` catch-all here: the dashboard mounted after this router serves `/api/dashboard`;
  // the app's own final handler answers 404 for any other path.
  return router;
}
