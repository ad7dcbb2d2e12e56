/**
 * Going live re-scores everyone: when a new agreement text goes live, every stored person is
 * evaluated again under it, a page at a time, through the normal person stage (`updatePerson`), so
 * the outbox gets a row only for a record whose desired values changed and the senders write them
 * under each CRM's one rate limiter. The job is durable: it lives in the key-value registry (the
 * job in `kv.rescore`, its cursor in `kv.rescoreWalk` under the text's hash), the walk runs under a named lease (one instance at a time; a killed one's lease
 * lapses and another goes on from the cursor), and re-scoring a person twice writes nothing new.
 */
import { errorMessage } from '../../platform/errors.ts';
import { getKv, kv, setKv, type RescoreJob, type RescoreWalk } from '../../store/keys.ts';
import type { Crm, Store } from '../../store/types.ts';
import { inTransactions } from '../batches.ts';
import type { PipelineContext } from '../context.ts';
import { updatePerson } from './person-update.ts';

export const RESCORE_LEASE = 'agreement-rescore';
/** People per step: a step's cursor is saved after it, so a restart redoes at most one page. */
export const RESCORE_PAGE = 250;
/**
 * The walk pauses while the CRMs' outbox holds more rows than this: the senders drain it at the
 * CRMs' limits, and a live change's write is not queued behind a whole re-score.
 */
export const RESCORE_MAX_PENDING = 2_000;
const JOB = kv.rescore();
const CRMS: Crm[] = ['hubspot', 'salesforce'];

/** What `GET /api/agreement/rescore` answers: the latest re-score (null before any). */
export interface RescoreProgress {
  version: number;
  done: number;
  total: number;
  started: string;
  finished: string | null;
}

/** A re-score as stored: the job (`kv.rescore`) and its walk (`kv.rescoreWalk`, under the job's hash). */
type Stored = RescoreJob & RescoreWalk;

const NOT_WALKED: RescoreWalk = { afterId: 0, done: 0, finishedAt: null };

async function readJob(store: Store): Promise<Stored | undefined> {
  const job = await getKv(store, JOB);
  return job ? { ...job, ...((await getKv(store, kv.rescoreWalk(job.hash))) ?? NOT_WALKED) } : undefined;
}

/** The latest re-score's progress, or null when none was ever recorded. */
export async function rescoreProgress(ctx: PipelineContext): Promise<RescoreProgress | null> {
  const j = await readJob(ctx.store);
  return j ? { version: j.version, done: j.done, total: j.total, started: j.startedAt, finished: j.finishedAt } : null;
}

/** A version that went live: its number, its text's hash, and what was live before in this process (null at its start). */
export interface GoneLive {
  version: number;
  hash: string;
  previous: object | number | null;
}

/**
 * The go-live listener: records the re-score of `v` unless it is recorded already (another instance
 * saw the same text go live first, or this one restarted). At an instance's start (`previous`
 * null) only a higher version number than the recorded one is a new version (changed while Baton
 * was down): an instance starting on older files must not re-score everyone back. With no record
 * at all, the live version at start is the baseline (its people were scored under it).
 */
export async function onWentLive(ctx: PipelineContext, v: GoneLive): Promise<RescoreJob | null> {
  const now = ctx.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    const job = await getKv(tx, JOB);
    if (job?.hash === v.hash) return null;
    if (v.previous === null && job && v.version <= job.version) return null;
    const baseline = v.previous === null && !job;
    const { count, maxId } = baseline ? { count: 0, maxId: 0 } : await tx.peopleExtent();
    const started: RescoreJob = { version: v.version, hash: v.hash, total: count, maxId, startedAt: now };
    await setKv(tx, JOB, started);
    await setKv(tx, kv.rescoreWalk(v.hash), { ...NOT_WALKED, finishedAt: count === 0 ? now : null });
    if (job) await setKv(tx, kv.rescoreWalk(job.hash), undefined);
    if (baseline) return null;
    ctx.log.info('agreement re-score started', { version: v.version, people: count, replaces: job?.version ?? null });
    return started;
  });
}

/**
 * One step of the re-score: under the lease, the next page of people evaluated under the live
 * version at the current time; returns how many (0: nothing to do now). An instance whose live
 * version is not the job's (its files not reloaded yet, or older) leaves the job to the others.
 */
export async function rescoreStep(ctx: PipelineContext, leaseMs = 30_000): Promise<number> {
  const job = await readJob(ctx.store);
  showProgress(ctx, job);
  const live = ctx.config();
  // A version number names one text (a changed text needs a new number); the hash, where the live
  // configuration carries it, also tells two texts of one number apart.
  if (!job || job.finishedAt || !live || live.version !== job.version) return 0;
  if (live.hash !== undefined && live.hash !== job.hash) return 0;
  let pending = 0;
  for (const crm of CRMS) if (ctx.connectors[crm]) pending += await ctx.store.outboxPending(crm);
  if (pending > RESCORE_MAX_PENDING) return 0;
  const now = ctx.now().toISOString();
  if (!(await ctx.store.acquireLease(RESCORE_LEASE, ctx.instanceId, leaseMs, now))) return 0;
  // Read again under the lease: the holder before this instance may have moved the cursor.
  const held = await readJob(ctx.store);
  if (!held || held.hash !== job.hash || held.finishedAt) return 0;
  const page = (await ctx.store.listPeople({ afterId: held.afterId, limit: RESCORE_PAGE })).filter(
    (p) => p.id <= held.maxId,
  );
  let failed = 0;
  await inTransactions(
    ctx,
    page,
    async (inner, p) => {
      try {
        await updatePerson(inner, (tx) => tx.getPerson(p.id), { evaluateAt: now });
      } catch (err) {
        // One person's failure is that person's (its savepoint rolled back); the walk goes on.
        failed++;
        ctx.log.warn('re-score of a person failed', { person: p.id, error: errorMessage(err) });
      }
    },
    (batch, err) => {
      failed += batch.length;
      ctx.log.warn('re-score batch failed', { people: batch.length, error: errorMessage(err) });
    },
  );
  const last = page.length ? page[page.length - 1].id : held.maxId;
  const finished = page.length < RESCORE_PAGE || last >= held.maxId;
  const next: Stored = {
    ...held,
    afterId: last,
    done: Math.min(held.total, held.done + page.length - failed),
    finishedAt: finished ? ctx.now().toISOString() : null,
  };
  // Under this job's hash only: a newer version that went live meanwhile keeps its own walk.
  await setKv(ctx.store, kv.rescoreWalk(held.hash), {
    afterId: next.afterId,
    done: next.done,
    finishedAt: next.finishedAt,
  });
  logProgress(ctx, held, next);
  if (finished) await ctx.store.releaseLease(RESCORE_LEASE, ctx.instanceId);
  showProgress(ctx, next);
  return Math.max(page.length, 1);
}

const tenths = (j: Stored) => (j.total ? Math.floor((j.done * 10) / j.total) : 10);

/** A log line at every tenth of the way, and one at the end. */
function logProgress(ctx: PipelineContext, before: Stored, after: Stored): void {
  if (after.finishedAt)
    ctx.log.info('agreement re-score finished', {
      version: after.version,
      done: after.done,
      total: after.total,
      seconds: Math.round((Date.parse(after.finishedAt) - Date.parse(after.startedAt)) / 1000),
    });
  else if (tenths(after) > tenths(before))
    ctx.log.info('agreement re-score', {
      version: after.version,
      done: after.done,
      total: after.total,
      percent: tenths(after) * 10,
    });
}

function showProgress(ctx: PipelineContext, job: Stored | undefined): void {
  if (!job) return;
  ctx.metrics.rescoreProgress.reset();
  ctx.metrics.rescoreProgress.set(
    { version: String(job.version) },
    job.finishedAt ? 1 : job.total ? job.done / job.total : 0,
  );
}
