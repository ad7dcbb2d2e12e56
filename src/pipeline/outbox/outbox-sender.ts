/**
 * Sends the outbox of one CRM through `connector.write` in batches. `retry` results back off
 * (honouring the CRM's hint); `dead` results, and rows out of attempts, go to the dead letters with
 * the CRM's message (one backoff and give-up rule with the inbox: `failed-work.ts`). `held` results
 * (a problem that is not the record's) stay in the outbox without counting an attempt: while the
 * problem stands its writes are held without a call, and once per re-check interval a few are sent
 * as its probe (`setup-problems.ts`). `retry` results while the CRM's circuit is open are put off
 * the same way, no attempt counted (`unavailable.ts`), so a long outage dead-letters nothing. A create that succeeds
 * reports the new id so the person is linked to it.
 */
import type { WriteOp, WriteResult } from '../../../connectors/types.ts';
import { BatonError, errorMessage, setupProblemKey } from '../../platform/errors.ts';
import type { Crm, OutboxRow } from '../../store/types.ts';
import { readWriteRow, type OutboxPayload, type WriteRow } from '../../store/stored.ts';
import type { PipelineContext } from '../context.ts';
import { inTransactions } from '../batches.ts';
import { settleFailure, withClaimedBatch } from './claimed-batch.ts';
import { waitingOnCrm } from '../unavailable.ts';
import { learnOwners } from '../routing/routing-owners.ts';
import { problemsOf, type SetupProblems } from '../setup-problems.ts';

/** Builds the connector operation for one outbox row. */
export function toWriteOp(row: WriteRow): WriteOp {
  const p = row.payload;
  return {
    key: row.key,
    object: p.object,
    id: p.id,
    action: p.action,
    properties: p.properties,
    idempotencyKey: row.idempotencyKey,
    email: p.email,
    attempts: row.attempts,
    ...(p.clearFirst ? { clearFirst: p.clearFirst } : {}),
    ...(p.current ? { current: p.current } : {}),
    ...(p.associations ? { associations: p.associations } : {}),
    ...(p.placement ? { placement: p.placement } : {}),
  };
}

/** What a successful write teaches (`on-written.ts`); `ctx.store` is the transaction of the row's completion. */
export type CreatedHandler = (
  row: WriteRow,
  result: Extract<WriteResult, { status: 'ok' }>,
  ctx: PipelineContext,
) => Promise<void>;

/**
 * The desired state of a row's record now, or null when nothing is left to write. Rows hold
 * desired state, so a row replayed from the dead letters or delayed by retries sends what the
 * record should hold now, never an older value.
 */
export type Refresh = (row: WriteRow) => Promise<OutboxPayload | null | undefined>;

/** Claims and sends one batch for `crm`; returns how many rows were attempted. */
export async function sendOutboxBatch(
  ctx: PipelineContext,
  crm: Crm,
  onWritten: CreatedHandler,
  batchSize = 100,
  leaseMs = 60_000,
  refresh?: Refresh,
): Promise<number> {
  const connector = ctx.connectors[crm];
  if (!connector) return 0;
  return withClaimedBatch(ctx, crm, batchSize, leaseMs, (claimed) =>
    sendClaimed(ctx, crm, connector, claimed, onWritten, refresh),
  );
}

async function sendClaimed(
  ctx: PipelineContext,
  crm: Crm,
  connector: NonNullable<PipelineContext['connectors'][Crm]>,
  claimed: OutboxRow[],
  onWritten: CreatedHandler,
  refresh?: Refresh,
): Promise<number> {
  const refreshed: WriteRow[] = [];
  const skipped: { id: number; hash: string }[] = [];
  for (const stored of claimed) {
    const row = await readable(ctx, crm, stored);
    if (!row) continue;
    const fresh = refresh ? await refresh(row) : undefined;
    if (fresh === null) {
      skipped.push({ id: row.id, hash: row.hash });
      ctx.metrics.writebacks.inc({ crm, outcome: 'skipped' });
    } else refreshed.push(fresh ? { ...row, payload: fresh } : row);
  }
  if (skipped.length) await ctx.store.outboxCompleteMany(skipped);
  const { send: rows, probes } = await holdForProblems(ctx, crm, refreshed);
  if (rows.length === 0) return claimed.length;
  let results: WriteResult[];
  try {
    results = await connector.write(rows.map(toWriteOp));
    ctx.metrics.apiCalls.inc({ crm, outcome: 'ok' });
  } catch (err) {
    ctx.metrics.apiCalls.inc({ crm, outcome: 'error' });
    ctx.log.warn('outbox write failed', { crm, error: errorMessage(err) });
    results = rows.map((r) => ({ key: r.key, status: 'retry', error: errorMessage(err) }));
  }
  settleProbes(ctx, crm, probes, results);
  // The owners Salesforce gave new records (its assignment rule), known by name before the results are stored.
  if (crm === 'salesforce')
    await learnOwners(
      ctx,
      results.flatMap((r) => (r.status === 'ok' ? [r.properties?.OwnerId, r.record?.properties.OwnerId] : [])),
    );
  const byKey = new Map(results.map((r) => [r.key, r]));
  // What each write teaches is stored with the row's completion, a batch of rows to a transaction.
  // One whose lesson cannot be stored stays claimed and is sent again when its lease ends (writes
  // are idempotent); it is not completed without it.
  let written: { id: number; hash: string }[] = [];
  await inTransactions(
    ctx,
    [...rows.entries()],
    async (tx, [i, row]) => {
      const result = byKey.get(row.key) ??
        results[i] ?? { key: row.key, status: 'retry', error: 'no result from connector' };
      if (result.status !== 'ok') return settleFailed(tx, crm, row, result);
      try {
        await tx.store.transaction((inner) => onWritten(row, result, { ...tx, store: inner }));
      } catch (err) {
        ctx.log.warn('write succeeded but could not be recorded; it is sent again later', {
          crm,
          key: row.key,
          error: errorMessage(err),
        });
        return;
      }
      // By hash, not version: the same desired state queued again while this one was in flight is
      // already written (a version check would send it, and create a Task, twice).
      written.push({ id: row.id, hash: row.hash });
      ctx.metrics.writebacks.inc({ crm, outcome: 'ok' });
    },
    (batch, err) => {
      written = [];
      ctx.log.warn('outbox results could not be stored; the rows are sent again later', {
        crm,
        rows: batch.length,
        error: errorMessage(err),
      });
    },
    OUTCOMES_PER_TRANSACTION,
    async (tx) => {
      if (written.length) await tx.store.outboxCompleteMany(written);
      written = [];
    },
  );
  return claimed.length;
}

/** The row with its payload read; one that cannot be read is a dead letter with the reason (never sent, never a crash). */
async function readable(ctx: PipelineContext, crm: Crm, row: OutboxRow): Promise<WriteRow | null> {
  try {
    return readWriteRow(row);
  } catch (err) {
    if (!(err instanceof BatonError) || err.code !== 'stored_invalid') throw err;
    await settleFailure(ctx, crm, row, { error: err.message, final: true }, 'write');
    return null;
  }
}

/** Rows whose outcome (and what they taught) is stored in one transaction. */
const OUTCOMES_PER_TRANSACTION = 100;

/** Rows a due problem sends as its probe per send; the rest of its rows wait for the probe's answer. */
const PROBE_ROWS = 100;

/**
 * Splits the rows to send: rows a standing problem concerns are held without a call until its
 * re-check; of a problem due for its re-check, up to `PROBE_ROWS` rows are sent (the probe) and
 * the others are released at once, to follow the probe's answer.
 */
async function holdForProblems(
  ctx: PipelineContext,
  crm: Crm,
  rows: WriteRow[],
): Promise<{ send: WriteRow[]; probes: Set<string> }> {
  const board = problemsOf(ctx);
  const now = ctx.now();
  const send: WriteRow[] = [];
  const probes = new Map<string, number>();
  const held = new Map<string, { ids: number[]; error: string; until: string }>();
  const later: number[] = [];
  for (const row of rows) {
    const op = toWriteOp(row);
    const h = board.holding(crm, op, now);
    if (h) {
      const slot = held.get(h.key) ?? {
        ids: [],
        error: `held: ${h.problem.message}; ${h.problem.fix}`,
        until: h.recheckAt.toISOString(),
      };
      slot.ids.push(row.id);
      held.set(h.key, slot);
      board.held(h.key, row.id);
      continue;
    }
    const due = board.probing(crm, op, now);
    if (due.some((k) => (probes.get(k) ?? 0) >= PROBE_ROWS)) {
      later.push(row.id);
      continue;
    }
    for (const k of due) probes.set(k, (probes.get(k) ?? 0) + 1);
    send.push(row);
  }
  for (const h of held.values()) {
    await ctx.store.outboxHold(h.ids, h.error, h.until);
    ctx.metrics.writebacks.inc({ crm, outcome: 'held' }, h.ids.length);
  }
  if (later.length) await ctx.store.outboxHold(later, 'waits for the re-check of a setup problem', now.toISOString());
  ctx.metrics.heldWrites.set({ crm }, board.heldCount(crm));
  return { send, probes: new Set(probes.keys()) };
}

/** A probe not refused for its problem again ends it: said once, and its held writes follow at once. */
function settleProbes(ctx: PipelineContext, crm: Crm, probes: Set<string>, results: WriteResult[]): void {
  if (!probes.size) return;
  const board: SetupProblems = problemsOf(ctx);
  const refused = new Set(results.flatMap((r) => (r.status === 'held' ? [setupProblemKey(r.problem)] : [])));
  for (const key of probes) {
    if (refused.has(key)) continue;
    const p = board.resolve(key);
    if (p)
      ctx.log.info('setup problem resolved; held writes resume', {
        crm,
        object: p.object,
        fields: p.fields,
        problem: p.message,
      });
  }
  ctx.metrics.heldWrites.set({ crm }, board.heldCount(crm));
}

/** Holds a row refused for a setup problem until the problem's next re-check; the problem is said once. */
async function settleHeld(
  ctx: PipelineContext,
  crm: Crm,
  row: OutboxRow<unknown>,
  result: Extract<WriteResult, { status: 'held' }>,
): Promise<void> {
  const { isNew, recheckAt } = problemsOf(ctx).report(result.problem, row.id, ctx.now());
  if (isNew) {
    const p = result.problem;
    ctx.log.error(`setup problem: ${p.message}; ${p.fix}`, {
      crm,
      kind: p.kind,
      object: p.object,
      fields: p.fields,
      value: p.value,
      scopes: p.scopes,
      recheckAt: recheckAt.toISOString(),
    });
  }
  await ctx.store.outboxHold([row.id], `held: ${result.error}`, recheckAt.toISOString());
  ctx.metrics.writebacks.inc({ crm, outcome: 'held' });
  ctx.metrics.heldWrites.set({ crm }, problemsOf(ctx).heldCount(crm));
}

async function settleFailed(
  ctx: PipelineContext,
  crm: Crm,
  row: OutboxRow<unknown>,
  result: Exclude<WriteResult, { status: 'ok' }>,
): Promise<void> {
  if (result.status === 'held') return settleHeld(ctx, crm, row, result);
  // A write that waits on a CRM whose circuit is open has not failed: put off, no attempt counted.
  const waiting = result.status === 'retry' ? waitingOnCrm(ctx, crm, result.retryAfterMs) : null;
  if (waiting) {
    await ctx.store.outboxHold([row.id], `waiting for ${crm}: ${result.error}`, waiting.until.toISOString());
    ctx.metrics.writebacks.inc({ crm, outcome: 'deferred' });
    return;
  }
  await settleFailure(
    ctx,
    crm,
    row,
    {
      error: result.error,
      final: result.status === 'dead',
      hintMs: result.status === 'retry' ? result.retryAfterMs : undefined,
    },
    'write',
  );
}
