/**
 * The SLA scheduler. Deadlines live in the store (`people.sla_due`), so they survive restarts:
 * each tick marks every person whose deadline has passed as breached, once (the engine records
 * the breach at the deadline), which also queues the `on_breach: escalate` Task. Deadlines that
 * passed while `serve` was down are caught by the first tick at start.
 */
import type { PipelineContext } from './context.ts';
import { updatePerson } from './person-update.ts';

export const SLA_LEASE = 'sla-scheduler';

/** Checks due deadlines once; returns the number of breaches recorded. */
export async function checkSla(ctx: PipelineContext, leaseMs = 30_000): Promise<number> {
  if (!ctx.config()) return 0;
  const now = ctx.now().toISOString();
  if (!(await ctx.store.acquireLease(SLA_LEASE, ctx.instanceId, leaseMs, now))) return 0;
  let breaches = 0;
  for (;;) {
    const due = await ctx.store.dueSla(now, 100);
    if (due.length === 0) break;
    let progressed = false;
    for (const p of due) {
      const r = await updatePerson(ctx, (tx) => tx.getPerson(p.id), { sla: true });
      const n = r?.transitions.filter((t) => t.breached).length ?? 0;
      breaches += n;
      if (r && (n > 0 || r.person.slaDue === null)) progressed = true;
    }
    if (!progressed || due.length < 100) break;
  }
  return breaches;
}
