/**
 * Keeps claimed work leased while a worker is busy with it. Leases can then be short (a dead
 * instance's work is taken over within seconds) without a slow batch — one waiting for its turn
 * under a CRM's rate limit — being taken over and done a second time by another instance.
 */
import { errorMessage } from '../platform/errors.ts';
import type { PipelineContext } from './context.ts';

/** Renews the lease on `ids` every third of `leaseMs` until the returned function is called. */
export function keepClaimed(
  ctx: PipelineContext,
  table: 'inbox' | 'outbox',
  ids: number[],
  leaseMs: number,
): () => void {
  if (ids.length === 0) return () => {};
  const timer = setInterval(
    () => {
      ctx.store
        .renewClaims(table, ids, ctx.instanceId, leaseMs, ctx.now().toISOString())
        .catch((err) => ctx.log.warn('lease renewal failed', { table, rows: ids.length, error: errorMessage(err) }));
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
