/**
 * `/api/agreement/*`: the versions that went live (`versions`, `versions/:v`), the draft on disk
 * (`draft`) and a named owner's approval of it (`approve`). Approving needs a named user (a
 * session from their token, or their token as bearer): the API token is for machines and a
 * viewer only reads (403). When both owners approved, the version goes live through the live
 * configuration's reload, at once or at its `effective:` time.
 */
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { approveDraft, type DraftState } from '../../pipeline/agreement-draft.ts';
import type { LiveConfigSource } from '../../pipeline/live-config.ts';
import { draftView, listVersions, versionDetail } from '../../pipeline/reports/agreement-history.ts';
import { pathName } from '../../platform/edge-input.ts';
import { ConflictError, ForbiddenError, InputError } from '../../platform/errors.ts';
import type { Store } from '../../store/types.ts';
import type { Auth, Principal } from '../auth.ts';
import { requireContentType } from '../content-type.ts';
import { parseJson } from '../errors.ts';

export interface AgreementRouteDeps {
  store: Store;
  auth: Auth;
  now: () => Date;
  /** The live configuration; without it (a fixed configuration) there is no draft. */
  live?: Pick<LiveConfigSource, 'reload' | 'refused'>;
}

const approveSchema = z.strictObject({
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: 'expected the sha256 (64 hex digits) of the draft you read' })
    .optional(),
});

/** The router of `/api/agreement/*`. */
export function agreementRouter(deps: AgreementRouteDeps): express.Router {
  const router = express.Router();
  const auth = deps.auth.require;
  const raw = express.raw({ type: () => true, limit: '4kb' });
  const principalOf = (res: Response) => res.locals.principal as Principal;

  /** The draft on disk now (the files read again), or null when they hold the live version. */
  async function currentDraft(): Promise<{ draft: DraftState | null; problem: string | null }> {
    if (!deps.live) return { draft: null, problem: null };
    await deps.live.reload();
    const refused = deps.live.refused();
    return { draft: refused?.pending ?? null, problem: refused && !refused.pending ? refused.message : null };
  }

  router.get('/api/agreement/versions', auth, async (_req: Request, res: Response) => {
    res.json({ versions: await listVersions(deps.store) });
  });

  router.get('/api/agreement/versions/:v', auth, async (req: Request, res: Response) => {
    const v = String(req.params.v);
    if (!/^\d{1,9}$/.test(v)) throw new InputError(`v: expected a version number, got '${v}'`, { field: 'v' });
    res.json(await versionDetail(deps.store, Number(v)));
  });

  router.get('/api/agreement/draft', auth, async (_req: Request, res: Response) => {
    const { draft, problem } = await currentDraft();
    const user = principalOf(res).user;
    res.json({
      draft: draft ? await draftView(deps.store, draft, user) : null,
      ...(problem ? { problem } : {}),
    });
  });

  router.post('/api/agreement/approve', auth, requireContentType('json'), raw, async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) && req.body.length ? parseJson(req.body) : {};
    const parsed = approveSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = pathName(issue.path) || 'body';
      throw new InputError(`${field}: ${issue.message}`, { field });
    }
    const who = principalOf(res);
    if (!who.user)
      throw new ForbiddenError(
        'the API token is for machines: approve as a named user (sign in with your own token, or send it as the bearer)',
      );
    const { draft, problem } = await currentDraft();
    // A file that does not load has no draft to approve; its problem says why.
    if (!draft && problem) throw new ConflictError(problem);
    const result = await approveDraft(
      deps.store,
      draft,
      { user: who.user, via: who.kind === 'session' ? 'dashboard' : 'api' },
      deps.now(),
      parsed.data.hash,
    );
    // Both approvals in: the reload makes the version live now (or at its effective time).
    const after = await currentDraft();
    res.json({
      ...result,
      live: after.draft ? null : { version: draft!.version },
      draft: after.draft ? await draftView(deps.store, after.draft, who.user) : null,
    });
  });

  return router;
}
