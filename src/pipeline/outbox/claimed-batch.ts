/**
 * What every outbox sender (CRM writes, alerts) shares: one batch of a channel's due rows claimed
 * under a lease and kept claimed while the sender works on it, so no other instance sends the same
 * rows; and the one way a failed row is settled, a backoff or a dead letter by `failed-work.ts`.
 */
import type { OutboxChannel, OutboxRow } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { afterFailure } from '../failed-work.ts';
import { keepClaimed } from '../keep-claimed.ts';

/** Claims up to `batchSize` due rows of `channel` and runs `work` on them under a kept lease; returns how many were claimed. */
export async function withClaimedBatch(
  ctx: PipelineContext,
  channel: OutboxChannel,
  batchSize: number,
  leaseMs: number,
  work: (claimed: OutboxRow[]) => Promise<unknown>,
): Promise<number> {
  const claimed = await ctx.store.outboxClaim(channel, ctx.instanceId, batchSize, leaseMs, ctx.now().toISOString());
  if (claimed.length === 0) return 0;
  // Renewed while the batch waits for its service's limit and is sent, so no other instance sends it too.
  const release = keepClaimed(
    ctx,
    'outbox',
    claimed.map((r) => r.id),
    leaseMs,
  );
  try {
    await work(claimed);
  } finally {
    release();
  }
  return claimed.length;
}

/** A failed attempt of one row: its message, whether it is final, the service's wait hint. */
export interface RowFailure {
  error: string;
  final: boolean;
  hintMs?: number;
}

/**
 * Settles a failed row: retried after the backoff, or moved to the dead letters once final or out
 * of attempts (counted and logged as a `write` of a CRM or an `alert`). `ctx.store` must be a transaction.
 */
export async function settleFailure(
  ctx: PipelineContext,
  channel: OutboxChannel,
  row: Pick<OutboxRow<unknown>, 'id' | 'key' | 'attempts'>,
  failure: RowFailure,
  what: 'write' | 'alert',
): Promise<void> {
  const outcome = afterFailure(row.attempts, ctx.now(), { final: failure.final, hintMs: failure.hintMs });
  if (outcome.kind === 'dead') {
    await ctx.store.outboxDead(row.id, failure.error);
    ctx.metrics.writebacks.inc({ crm: channel, outcome: 'dead' });
    ctx.metrics.deadLetters.inc({ crm: channel });
    ctx.log.warn(`${what} moved to dead letters`, {
      [what === 'write' ? 'crm' : 'via']: channel,
      key: row.key,
      error: failure.error,
    });
    return;
  }
  await ctx.store.outboxRetry(row.id, failure.error, outcome.at.toISOString());
  ctx.metrics.writebacks.inc({ crm: channel, outcome: 'retry' });
}
