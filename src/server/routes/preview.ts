/**
 * `POST /api/agreement/preview`: the preview of a draft on the store's history against the live
 * version. The body is the draft's YAML text; no body previews the draft on disk (`agreement.yaml`
 * of the configuration folder). A draft with problems is 400 with each as `file:line:col: message`,
 * the way `baton validate` prints them. The last answer is kept a few seconds, so a dashboard that
 * reloads does not replay 100,000 people again.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import { compileAgreement } from '../../agreement/compile.ts';
import type { PreviewReport } from '../../agreement/preview.ts';
import { AGREEMENT_FILE, FIELDS_FILE, loadAgreementFile, loadAgreementText } from '../../config/load.ts';
import type { RoutingConfig } from '../../config/routing-schema.ts';
import type { PipelineContext } from '../../pipeline/context.ts';
import { loadPreview } from '../../pipeline/reports/preview.ts';
import { decodeUtf8 } from '../../platform/edge-input.ts';
import { ConfigError, InputError } from '../../platform/errors.ts';
import { simulatedInputs } from '../../routing/batch.ts';
import { compileRouting } from '../../routing/policy.ts';
import type { Auth } from '../auth.ts';
import { requireContentType } from '../content-type.ts';
import { sendError } from '../errors.ts';
import { instantParam } from './api.ts';

export interface PreviewDeps {
  ctx: PipelineContext;
  auth: Auth;
  /** The configuration folder: the draft on disk and the `fields.yaml` that checks a draft's names. */
  configDir?: string;
}

/** Changed people listed in an answer unless `limit` says otherwise (all are counted in `changed_total`). */
export const DEFAULT_CHANGED_LIMIT = 1000;
const MAX_CHANGED_LIMIT = 100_000;
/** How long an answer is reused for the same draft, live version and limit (no `at` given). */
const REUSE_MS = 15_000;

function limitParam(req: Request): number {
  const v = req.query.limit;
  if (v === undefined || v === '') return DEFAULT_CHANGED_LIMIT;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= MAX_CHANGED_LIMIT))
    throw new InputError(`limit: expected a whole number from 0 to ${MAX_CHANGED_LIMIT}`, { field: 'limit' });
  return n;
}

/** The preview router. */
export function previewRouter(deps: PreviewDeps): express.Router {
  const { ctx } = deps;
  const router = express.Router();
  const text = express.raw({ type: () => true, limit: '1mb' });
  let last: { key: string; until: number; report: Promise<PreviewReport> } | null = null;

  router.post(
    '/api/agreement/preview',
    deps.auth.require,
    requireContentType('yaml'),
    text,
    async (req: Request, res: Response) => {
      const at = instantParam(req, 'at');
      const limit = limitParam(req);
      const live = ctx.config();
      if (!live)
        return sendError(
          res,
          409,
          'no_live_agreement',
          'no agreement is live yet: a draft is previewed against the live one',
        );
      if (!deps.configDir)
        return sendError(res, 409, 'no_config_dir', 'this server was started without a configuration folder');
      const fields = join(deps.configDir, FIELDS_FILE);
      const body = Buffer.isBuffer(req.body) && req.body.length ? decodeUtf8(req.body) : null;
      let loaded;
      try {
        loaded =
          body === null
            ? await loadAgreementFile(join(deps.configDir, AGREEMENT_FILE), fields)
            : await loadAgreementText(AGREEMENT_FILE, body, fields);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return res.status(400).json({
          error: 'config_invalid',
          message: err.message,
          field: 'body',
          problems: err.problems.map(({ file, line, col, message }) => ({ file, line, col, message })),
        });
      }
      const draft = compileAgreement(loaded.agreement);
      const hash = createHash('sha256').update(loaded.text).digest('hex');
      const key = `${live.version}\0${hash}\0${limit}`;
      const now = Date.now();
      if (at !== null || !last || last.key !== key || last.until < now) {
        // routing.yaml as a what-if: who would get the newly handed-off people nobody holds yet
        const routingConfig = live.routing as RoutingConfig | null | undefined;
        const routing = routingConfig
          ? {
              inputs: simulatedInputs(compileRouting(routingConfig)),
              timeZone: loaded.agreement.sla?.business_hours?.tz ?? null,
            }
          : undefined;
        const report = loadPreview(ctx.store, live.agreement, draft, at ?? ctx.now().toISOString(), {
          keepChanged: limit,
          ...(routing ? { routing } : {}),
        });
        if (at === null) last = { key, until: now + REUSE_MS, report };
        report.catch(() => {
          if (last?.report === report) last = null;
        });
        return res.json({ ...(await report), draft_hash: hash, warnings: loaded.warnings });
      }
      res.json({ ...(await last.report), draft_hash: hash, warnings: loaded.warnings });
    },
  );

  return router;
}
