/**
 * `sla.on_breach: reassign`: a breached person goes to the next user of the rule that routed it
 * (or the fallback) — the old Task closed (`Status: Completed`), the new owner set on the record,
 * a new Task with a fresh deadline for them. Once per person; the breach itself stays counted
 * against the first owner (the breach transition names them). Everything is queued in the outbox
 * in one transaction with the stored decision, so a retry sends it, a repeat finds it done.
 */
import type { PersonState } from '../../agreement/types.ts';
import { stableHash } from '../../mapping/index.ts';
import { errorMessage, StaleError } from '../../platform/errors.ts';
import { retryOnStale } from '../../platform/stale.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { dateIn } from '../person/desired.ts';
import { factsFor } from '../person/person-update.ts';
import { queueAlerts } from '../person/queue-alerts.ts';
import { storedRouting } from '../routing/stored-routing.ts';
import { routingOf } from '../routing/routing-setup.ts';

/** The idempotency key the MQL Task of this clock was created with (see `desired.ts`). */
export function mqlTaskKey(p: PersonRow, state: PersonState, on: string): string | null {
  const entry =
    on === 'mql' ? (state.sla?.startedAt ?? state.entered?.mql) : state.entered?.[on as keyof PersonState['entered']];
  return entry ? `task:person-${p.id}:${on}:${entry}` : null;
}

/**
 * A queued reassignment is a named row in the leases table (`sla-reassign:ID`, owner `pending`):
 * it commits with the breach, is listed by prefix, and is deleted in the transaction that queues
 * the writes. One that cannot be done for a day (nobody can take the person) lapses.
 */
const PENDING_PREFIX = 'sla-reassign:';
const PENDING_OWNER = 'pending';
const PENDING_TTL_MS = 24 * 3_600_000;

/** True when the live agreement reassigns on breach. */
export function reassignsOnBreach(ctx: PipelineContext): boolean {
  return ctx.config()?.agreementConfig.sla?.on_breach === 'reassign';
}

/** Queues the reassignment of a person who just breached, in the breach's transaction `tx`. */
export async function queueReassignment(tx: Store, personId: number, now: string): Promise<void> {
  await tx.acquireLease(`${PENDING_PREFIX}${personId}`, PENDING_OWNER, PENDING_TTL_MS, now);
}

/** The people whose reassignment is queued and not done. */
export async function reassignPending(store: Store, now: string): Promise<number[]> {
  return (await store.liveLeases(PENDING_PREFIX, now))
    .map((l) => Number(l.name.slice(PENDING_PREFIX.length)))
    .filter((n) => Number.isInteger(n));
}

const donePending = (store: Store, personId: number) =>
  store.releaseLease(`${PENDING_PREFIX}${personId}`, PENDING_OWNER);

/**
 * Reassigns one breached person; returns true when it queued a reassignment. The queued entry of
 * `personId` is done with it, or when there is nothing to reassign; it stays when routing failed
 * or nobody could take the person, for the next tick.
 */
export async function reassignOnBreach(
  ctx: PipelineContext,
  person: PersonRow | null,
  personId = person?.id,
): Promise<boolean> {
  const live = ctx.config();
  const runtime = routingOf(ctx);
  const state = person?.state;
  const routing = person ? storedRouting(person) : null;
  // Routing not (yet) running keeps the entry: after a restart it may be a moment away.
  if (!runtime && live?.agreementConfig.sla?.on_breach === 'reassign') return false;
  if (
    live?.agreementConfig.sla?.on_breach !== 'reassign' ||
    !runtime ||
    !person ||
    !state?.sla?.breached ||
    !person.salesforceId ||
    !routing ||
    routing.reassigned
  ) {
    if (personId !== undefined) await donePending(ctx.store, personId);
    return false;
  }
  const rule = routing.rule === 'account' || routing.rule === 'org' ? 'fallback' : routing.rule;
  let next;
  try {
    next = await runtime.nextUser(rule, person.ownerId);
  } catch (err) {
    ctx.log.warn('SLA reassignment: routing failed', { person: person.id, error: errorMessage(err) });
    return false;
  }
  if (!next) {
    ctx.log.warn('SLA reassignment: nobody can take the person', { person: person.id, rule });
    return false;
  }
  const now = ctx.now().toISOString();
  const tz = live.agreementConfig.sla?.business_hours?.tz ?? null;
  const fresh = live.agreement.slaStart(now, await factsFor(ctx.store, person), state);
  const due = fresh?.due ?? now;
  const startedAt = state.sla.startedAt;
  const name = [person.fields.first_name, person.fields.last_name].filter(Boolean).join(' ') || person.email;
  const reason = `SLA breached at ${state.sla.due} by ${routing.user ?? person.ownerId ?? 'the owner'}; rule ${next.rule}, next: ${next.user.name || next.user.email}`;
  const taskOn = live.fields.writeback?.salesforce?.task?.on ?? 'mql';
  const oldTask = mqlTaskKey(person, state, taskOn);
  const writes: { key: string; payload: Record<string, unknown>; idempotencyKey: string }[] = [
    {
      key: `salesforce:owner:${person.id}:${startedAt}`,
      payload: {
        object: person.salesforceObject ?? 'Lead',
        id: person.salesforceId,
        action: 'update',
        properties: { OwnerId: next.user.id },
        purpose: 'reassign',
      },
      idempotencyKey: `owner:person-${person.id}:${startedAt}`,
    },
    {
      key: `salesforce:Task:person-${person.id}:reassign:${startedAt}`,
      payload: {
        object: 'Task',
        action: 'create',
        purpose: 'reassign',
        properties: {
          Subject: `Reassigned to you: ${name}, answer by ${due}`,
          Description: `${reason}. The agreement asks for an answer by ${due}.`,
          WhoId: person.salesforceId,
          OwnerId: next.user.id,
          ActivityDate: dateIn(due, tz),
          Status: 'Not Started',
          Priority: 'High',
        },
      },
      idempotencyKey: `task:person-${person.id}:reassign:${startedAt}`,
    },
  ];
  if (oldTask) {
    writes.push({
      key: `salesforce:Task-close:person-${person.id}:${startedAt}`,
      payload: {
        object: 'Task',
        action: 'update',
        purpose: 'reassign',
        properties: { Status: 'Completed', WhoId: person.salesforceId, $task: oldTask },
      },
      idempotencyKey: `close:${oldTask}`,
    });
  }
  try {
    return await retryOnStale(() =>
      ctx.store.transaction(async (tx) => {
        const p = await tx.getPerson(person.id);
        const r = p ? storedRouting(p) : null;
        await donePending(tx, person.id);
        if (!p || !r || r.reassigned) return true;
        const sources = p.fieldSources as Record<string, unknown>;
        const meta = (sources.$meta as Record<string, unknown> | undefined) ?? {};
        const reassigned = {
          from: p.ownerId,
          to: next.user.id,
          toEmail: next.user.email,
          rule: next.rule,
          at: now,
          due,
          reason,
        };
        p.fieldSources = { ...sources, $meta: { ...meta, routing: { ...r, reassigned } } };
        p.ownerId = next.user.id;
        p.updatedAt = now;
        if (!(await tx.savePerson(p))) throw new StaleError();
        for (const w of writes)
          await tx.outboxPut({
            crm: 'salesforce',
            key: w.key,
            personId: p.id,
            payload: w.payload,
            hash: stableHash(w.payload),
            idempotencyKey: w.idempotencyKey,
          });
        // alerts.yaml `on: reassigned`: the new owner hears of it with the rest, in this transaction.
        await queueAlerts(ctx, tx, live, p, [{ event: 'reassigned', at: startedAt }], {
          ownerEmail: next.user.email || null,
          deadline: due,
        });
        return true;
      }),
    );
  } catch (err) {
    if (!(err instanceof StaleError)) throw err;
    // Still stale after every try: the entry is done all the same, as each stale try left it.
    await donePending(ctx.store, person.id);
    return false;
  }
}
