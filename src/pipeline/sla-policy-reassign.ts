/**
 * `sla.on_breach: reassign`: a breached person goes to the next user of the rule that routed it
 * (or the fallback) — the old Task closed (`Status: Completed`), the new owner set on the record,
 * a new Task with a fresh deadline for them. Once per person; the breach itself stays counted
 * against the first owner (the breach transition names them). Everything is queued in the outbox
 * in one transaction with the stored decision, so a retry sends it, a repeat finds it done.
 */
import type { PersonState } from '../agreement/types.ts';
import { stableHash } from '../mapping/index.ts';
import { errorMessage } from '../platform/errors.ts';
import type { PersonRow } from '../store/types.ts';
import type { PipelineContext } from './context.ts';
import { dateIn } from './desired.ts';
import { factsFor } from './person-update.ts';
import { storedRouting } from './routing-hook.ts';
import { routingOf } from './routing-setup.ts';

/** The idempotency key the MQL Task of this clock was created with (see `desired.ts`). */
export function mqlTaskKey(p: PersonRow, state: PersonState, on: string): string | null {
  const entry = on === 'mql' ? (state.sla?.startedAt ?? state.entered?.mql) : state.entered?.[on as keyof PersonState['entered']];
  return entry ? `task:person-${p.id}:${on}:${entry}` : null;
}

/** Reassigns one breached person; returns true when it queued a reassignment. */
export async function reassignOnBreach(ctx: PipelineContext, person: PersonRow): Promise<boolean> {
  const live = ctx.config();
  const runtime = routingOf(ctx);
  const state = person.state as unknown as PersonState;
  if (live?.agreementConfig.sla?.on_breach !== 'reassign' || !runtime || !state?.sla?.breached || !person.salesforceId) return false;
  const routing = storedRouting(person);
  if (!routing || routing.reassigned) return false;
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
      payload: { object: person.salesforceObject ?? 'Lead', id: person.salesforceId, action: 'update', properties: { OwnerId: next.user.id }, purpose: 'reassign' },
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
      payload: { object: 'Task', action: 'update', purpose: 'reassign', properties: { Status: 'Completed', WhoId: person.salesforceId, $task: oldTask } },
      idempotencyKey: `close:${oldTask}`,
    });
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    const done = await ctx.store.transaction(async (tx) => {
      const p = await tx.getPerson(person.id);
      const r = p ? storedRouting(p) : null;
      if (!p || !r || r.reassigned) return true;
      const sources = p.fieldSources as Record<string, unknown>;
      const meta = (sources.$meta as Record<string, unknown> | undefined) ?? {};
      const reassigned = { from: p.ownerId, to: next.user.id, toEmail: next.user.email, rule: next.rule, at: now, due, reason };
      p.fieldSources = { ...sources, $meta: { ...meta, routing: { ...r, reassigned } } };
      p.ownerId = next.user.id;
      p.updatedAt = now;
      if (!(await tx.savePerson(p))) return false;
      for (const w of writes) await tx.outboxPut({ crm: 'salesforce', key: w.key, personId: p.id, payload: w.payload, hash: stableHash(w.payload), idempotencyKey: w.idempotencyKey });
      return true;
    });
    if (done) return true;
  }
  return false;
}
