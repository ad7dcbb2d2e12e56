/**
 * The SLA scheduler. Deadlines live in the store (`people.sla_due`), so they survive restarts:
 * each tick marks every person whose deadline has passed as breached, once (the engine records
 * the breach at the deadline), which also queues the `on_breach: escalate` Task. Deadlines that
 * passed while `serve` was down are caught by the first tick at start.
 */
import { errorMessage } from '../../platform/errors.ts';
import { kv, setKv } from '../../store/keys.ts';
import type { PersonRow } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { rulesFor } from '../../alerts/desired.ts';
import { learnOwners as learnUsers } from '../routing/routing-owners.ts';
import { updatePerson } from '../person/person-update.ts';
import { queueReassignment, reassignOnBreach, reassignsOnBreach, reassignPending } from './sla-policy-reassign.ts';

interface OwnerLookup {
  ownerAndManager(recordIds: string[]): Promise<Map<string, { ownerId: string; manager: { id: string } | null }>>;
}

/**
 * Before a breach escalates, learns who owns each record now and who manages them (the Task goes
 * to `User.ManagerId`, else the owner). A failed lookup leaves the escalation to the owner.
 */
async function learnOwners(ctx: PipelineContext, people: PersonRow[]): Promise<void> {
  const sf = ctx.connectors.salesforce as (typeof ctx.connectors.salesforce & Partial<OwnerLookup>) | undefined;
  const live = ctx.config();
  // alerts.yaml: a breach alert to the manager needs the manager's email (the user cache below).
  const alertsManager = rulesFor(live?.alerts, 'breach').some((r) => r.to.includes('manager'));
  if ((live?.agreementConfig.sla?.on_breach !== 'escalate' && !alertsManager) || !sf?.ownerAndManager) return;
  const ids = people.flatMap((p) => (p.salesforceId ? [p.salesforceId] : []));
  if (ids.length === 0) return;
  try {
    const found = await sf.ownerAndManager(ids);
    for (const [, o] of found) await setKv(ctx.store, kv.manager(o.ownerId), o.manager?.id ?? o.ownerId);
    if (alertsManager)
      await learnUsers(
        ctx,
        [...found.values()].flatMap((o) => (o.manager ? [o.manager.id] : [])),
      );
    for (const p of people) {
      const o = p.salesforceId ? found.get(p.salesforceId) : undefined;
      if (o && o.ownerId !== p.ownerId) await setKv(ctx.store, kv.owner(p.id), o.ownerId);
    }
  } catch (err) {
    ctx.log.warn('owner lookup for an SLA escalation failed; the owner gets the Task', { error: errorMessage(err) });
  }
}

export const SLA_LEASE = 'sla-scheduler';

/** Checks due deadlines once; returns the number of breaches recorded. */
export async function checkSla(ctx: PipelineContext, leaseMs = 30_000): Promise<number> {
  if (!ctx.config()) return 0;
  const now = ctx.now().toISOString();
  if (!(await ctx.store.acquireLease(SLA_LEASE, ctx.instanceId, leaseMs, now))) return 0;
  let breaches = 0;
  // Reassignments queued with a breach that a crash (or a failed attempt) left undone.
  for (const personId of await reassignPending(ctx.store, now)) {
    const p = await ctx.store.getPerson(personId);
    await reassignOnBreach(ctx, p, personId).catch((err) =>
      ctx.log.warn('SLA reassignment failed', { person: personId, error: errorMessage(err) }),
    );
  }
  for (;;) {
    const due = await ctx.store.dueSla(now, 100);
    if (due.length === 0) break;
    let progressed = false;
    await learnOwners(ctx, due);
    for (const p of due) {
      // `on_breach: reassign` (routing.yaml): the next user of the rule takes the person, once. The
      // reassignment is queued in the breach's own transaction, so a crash before it runs loses nothing.
      const reassign = reassignsOnBreach(ctx);
      const r = await updatePerson(ctx, (tx) => tx.getPerson(p.id), {
        sla: true,
        ...(reassign
          ? {
              alsoInTransaction: (tx, u) =>
                u.transitions.some((t) => t.breached) ? queueReassignment(tx, u.person.id, now) : Promise.resolve(),
            }
          : {}),
      });
      const n = r?.transitions.filter((t) => t.breached).length ?? 0;
      if (n > 0 && r && reassign)
        await reassignOnBreach(ctx, r.person, r.person.id).catch((err) =>
          ctx.log.warn('SLA reassignment failed', { person: p.id, error: errorMessage(err) }),
        );
      breaches += n;
      if (r && (n > 0 || r.person.slaDue === null)) progressed = true;
    }
    if (!progressed || due.length < 100) break;
  }
  return breaches;
}
