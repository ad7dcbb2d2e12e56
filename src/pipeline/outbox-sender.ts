/**
 * Sends the outbox of one CRM through `connector.write` in batches. `retry` results back off
 * (honouring the CRM's hint); `dead` results, and rows out of attempts, go to the dead letters with
 * the CRM's message. A create that succeeds reports the new id so the person is linked to it.
 */
import type { CrmObject, WriteOp, WriteResult } from '../../connectors/types.ts';
import { errorMessage } from '../platform/errors.ts';
import type { Crm, OutboxRow } from '../store/types.ts';
import type { PipelineContext } from './context.ts';
import { inTransactions } from './batches.ts';
import { keepClaimed } from './keep-claimed.ts';
import { learnOwners } from './routing-owners.ts';

/** The payload stored in an outbox row: everything needed to build the `WriteOp`. */
export interface OutboxPayload {
  object: CrmObject;
  id?: string;
  action: WriteOp['action'];
  properties: Record<string, unknown>;
  email?: string;
  /** What the record holds now as far as Baton knows (e.g. `lifecyclestage`), so the connector need not read it first. */
  current?: Record<string, unknown>;
  /** Properties to clear before setting them (HubSpot lifecycle stage moving backward). */
  clearFirst?: string[];
  /** Records a create is associated with (HubSpot deal → `contacts`). */
  associations?: Partial<Record<string, string[]>>;
  /** What the write is for, e.g. `person`, `task`, `escalation`, `deal`, `influence`. */
  purpose?: string;
}

export const MAX_ATTEMPTS = 8;

/** Backoff after `attempts` failures: 2^n seconds capped at 10 minutes, at least the CRM's hint. */
export function backoffMs(attempts: number, hintMs?: number): number {
  return Math.max(hintMs ?? 0, Math.min(600_000, 1000 * 2 ** Math.max(0, attempts - 1)));
}

/** Builds the connector operation for one outbox row. */
export function toWriteOp(row: OutboxRow): WriteOp {
  const p = row.payload as unknown as OutboxPayload;
  return { key: row.key, object: p.object, id: p.id, action: p.action, properties: p.properties, idempotencyKey: row.idempotencyKey, email: p.email, attempts: row.attempts, ...(p.clearFirst ? { clearFirst: p.clearFirst } : {}), ...(p.current ? { current: p.current } : {}), ...(p.associations ? { associations: p.associations } : {}) };
}

/** What a successful write teaches (`on-written.ts`); `ctx.store` is the transaction of the row's completion. */
export type CreatedHandler = (row: OutboxRow, result: Extract<WriteResult, { status: 'ok' }>, ctx: PipelineContext) => Promise<void>;

/**
 * The desired state of a row's record now, or null when nothing is left to write. Rows hold
 * desired state, so a row replayed from the dead letters or delayed by retries sends what the
 * record should hold now, never an older value.
 */
export type Refresh = (row: OutboxRow) => Promise<OutboxPayload | null | undefined>;

/** Claims and sends one batch for `crm`; returns how many rows were attempted. */
export async function sendOutboxBatch(ctx: PipelineContext, crm: Crm, onWritten: CreatedHandler, batchSize = 100, leaseMs = 60_000, refresh?: Refresh): Promise<number> {
  const connector = ctx.connectors[crm];
  if (!connector) return 0;
  const now = ctx.now();
  const claimed = await ctx.store.outboxClaim(crm, ctx.instanceId, batchSize, leaseMs, now.toISOString());
  if (claimed.length === 0) return 0;
  // Renewed while the batch waits for the CRM's limit and is written, so no other instance sends it too.
  const release = keepClaimed(ctx, 'outbox', claimed.map((r) => r.id), leaseMs);
  try {
    return await sendClaimed(ctx, crm, connector, claimed, onWritten, refresh);
  } finally {
    release();
  }
}

async function sendClaimed(ctx: PipelineContext, crm: Crm, connector: NonNullable<PipelineContext['connectors'][Crm]>, claimed: OutboxRow[], onWritten: CreatedHandler, refresh?: Refresh): Promise<number> {
  const rows: OutboxRow[] = [];
  const skipped: { id: number; hash: string }[] = [];
  for (const row of claimed) {
    const fresh = refresh ? await refresh(row) : undefined;
    if (fresh === null) {
      skipped.push({ id: row.id, hash: row.hash });
      ctx.metrics.writebacks.inc({ crm, outcome: 'skipped' });
    } else rows.push(fresh ? { ...row, payload: fresh as unknown as Record<string, unknown> } : row);
  }
  if (skipped.length) await ctx.store.outboxCompleteMany(skipped);
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
  // The owners Salesforce gave new records (its assignment rule), known by name before the results are stored.
  if (crm === 'salesforce') await learnOwners(ctx, results.flatMap((r) => (r.status === 'ok' ? [r.properties?.OwnerId, r.record?.properties.OwnerId] : [])));
  const byKey = new Map(results.map((r) => [r.key, r]));
  // What each write teaches is stored with the row's completion, a batch of rows to a transaction.
  // One whose lesson cannot be stored stays claimed and is sent again when its lease ends (writes
  // are idempotent); it is not completed without it.
  let written: { id: number; hash: string }[] = [];
  await inTransactions(
    ctx,
    [...rows.entries()],
    async (tx, [i, row]) => {
      const result = byKey.get(row.key) ?? results[i] ?? { key: row.key, status: 'retry', error: 'no result from connector' };
      if (result.status !== 'ok') return settleFailed(tx, crm, row, result);
      try {
        await tx.store.transaction((inner) => onWritten(row, result, { ...tx, store: inner }));
      } catch (err) {
        ctx.log.warn('write succeeded but could not be recorded; it is sent again later', { crm, key: row.key, error: errorMessage(err) });
        return;
      }
      // By hash, not version: the same desired state queued again while this one was in flight is
      // already written (a version check would send it, and create a Task, twice).
      written.push({ id: row.id, hash: row.hash });
      ctx.metrics.writebacks.inc({ crm, outcome: 'ok' });
    },
    (batch, err) => {
      written = [];
      ctx.log.warn('outbox results could not be stored; the rows are sent again later', { crm, rows: batch.length, error: errorMessage(err) });
    },
    OUTCOMES_PER_TRANSACTION,
    async (tx) => {
      if (written.length) await tx.store.outboxCompleteMany(written);
      written = [];
    },
  );
  return claimed.length;
}

/** Rows whose outcome (and what they taught) is stored in one transaction. */
const OUTCOMES_PER_TRANSACTION = 100;

async function settleFailed(ctx: PipelineContext, crm: Crm, row: OutboxRow, result: Exclude<WriteResult, { status: 'ok' }>): Promise<void> {
  const attempts = row.attempts + 1;
  if (result.status === 'dead' || attempts >= MAX_ATTEMPTS) {
    await ctx.store.outboxDead(row.id, result.error);
    ctx.metrics.writebacks.inc({ crm, outcome: 'dead' });
    ctx.metrics.deadLetters.inc({ crm });
    ctx.log.warn('write moved to dead letters', { crm, key: row.key, error: result.error });
    return;
  }
  const next = new Date(ctx.now().getTime() + backoffMs(attempts, result.retryAfterMs)).toISOString();
  await ctx.store.outboxRetry(row.id, result.error, next);
  ctx.metrics.writebacks.inc({ crm, outcome: 'retry' });
}
