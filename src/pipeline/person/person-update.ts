/**
 * One change to one person, applied in one transaction: fold in CRM records, store new events and
 * feedback, run the agreement over them in time order, append transitions, save the person with
 * optimistic concurrency (a stale revision rolls back and starts over from a fresh read, so a later
 * change never loses to an earlier one) and queue the desired write-back in the outbox.
 */
import type { CrmRecord, EngagementEvent } from '../../../connectors/types.ts';
import { round2 } from '../../agreement/index.ts';
import type { Step } from '../../agreement/types.ts';
import type { PersonRow, Store, TransitionRow } from '../../store/types.ts';
import { nowIso, requireConfig, type LiveConfig, type PipelineContext } from '../context.ts';
import { evaluate } from '../../agreement/evaluate.ts';
import { applyPersonRecord } from './person-record.ts';
import { personAccountIds } from './record-accounts.ts';
import { BatonError, StaleError } from '../../platform/errors.ts';
import { retryOnStale } from '../../platform/stale.ts';
import { observe } from '../snapshots.ts';
import { queueWrites } from './queue-writes.ts';
import { routingMeta, storedRouting } from '../routing/stored-routing.ts';
import { needsRouting, refreshRouting, routeHandoff } from '../routing/route-handoff.ts';
import { salesforceCreateDue } from './desired.ts';
import { factsFor } from './facts.ts';
import { onTouchesStored } from '../attribution/recompute.ts';

export interface PersonChange {
  /** Person records (contact, Lead, Contact) of this person. */
  records?: CrmRecord[];
  events?: EngagementEvent[];
  feedback?: { decision: 'accept' | 'reject'; reason?: string; at: string; source: string };
  /** Evaluate at this time (a deal changed, the daily re-evaluation, a merge). */
  evaluateAt?: string;
  /** Check the SLA clock now. */
  sla?: boolean;
  /** More work that must commit with this change or not at all (e.g. queueing a reassignment with its breach). */
  alsoInTransaction?: (tx: Store, update: PersonUpdate) => Promise<void>;
}

export interface PersonUpdate {
  person: PersonRow;
  transitions: Omit<TransitionRow, 'id'>[];
  /** When the touches (events with a campaign or channel) this change stored for the first time happened. */
  touches?: string[];
}

export type Locate = (tx: Store, live: LiveConfig) => Promise<PersonRow | null>;

/** Applies `change` to the person `locate` finds (or creates); retries on a stale revision. */
export async function updatePerson(
  ctx: PipelineContext,
  locate: Locate,
  change: PersonChange,
): Promise<PersonUpdate | null> {
  // A changed routing.yaml is built before the transaction, which routes with it.
  await refreshRouting(ctx);
  const result = await retryOnStale(() => ctx.store.transaction((tx) => applyChange(ctx, tx, locate, change)), {
    // Two instances creating the same new person at once: the loser retries and finds it.
    alsoRetry: (err) => err instanceof BatonError && err.code === 'person_exists',
  });
  if (result) {
    for (const t of result.transitions) {
      ctx.metrics.stageTransitions.inc({ to: t.to });
      if (t.breached) ctx.metrics.slaBreaches.inc();
    }
    // A touch that arrives after the win (a backfill, a late upload) still earns its credit.
    if (result.touches?.length) await onTouchesStored(ctx, result.person, result.touches);
  }
  return result;
}

export { factsFor } from './facts.ts';

async function applyChange(
  ctx: PipelineContext,
  tx: Store,
  locate: Locate,
  change: PersonChange,
): Promise<PersonUpdate | null> {
  const live = requireConfig(ctx);
  const now = nowIso(ctx);
  const person = await locate(tx, live);
  if (!person) return null;
  const steps: Step[] = [];
  const touches: string[] = [];
  const records = [...(change.records ?? [])].sort((a, b) => Date.parse(a.modifiedAt) - Date.parse(b.modifiedAt));
  for (const rec of records) {
    // A read older than what we know (a slow poll after a webhook) changes nothing.
    if (!(await observe(tx, rec.crm, rec.object, rec.id, rec.properties, rec.modifiedAt))) continue;
    const applied = applyPersonRecord(person, rec, live.fields);
    const accounts = personAccountIds(rec);
    if (accounts) await tx.setPersonAccounts(person.id, rec.crm, accounts);
    for (const e of applied.errors)
      ctx.log.warn('field not synced', { person: person.id, crm: rec.crm, record: rec.id, error: e.message });
    if (applied.feedback) {
      // Salesforce stamps whole seconds: an answer never precedes the move it answers.
      const moved = person.state?.movedAt;
      if (moved && Date.parse(applied.feedback.at) < Date.parse(moved)) applied.feedback.at = moved;
      await tx.insertFeedback({
        personId: person.id,
        decision: applied.feedback.decision,
        reason: applied.feedback.reason ?? null,
        at: applied.feedback.at,
        source: 'salesforce',
      });
      steps.push({ kind: 'feedback', at: applied.feedback.at, feedback: applied.feedback });
    }
    steps.push({ kind: 'evaluate', at: rec.modifiedAt });
  }
  if (change.events?.length) {
    const rows = change.events.map((e) => ({
      id: e.id,
      personId: person.id,
      type: e.type,
      at: e.at,
      properties: e.properties,
      campaign: typeof e.properties.campaign === 'string' ? e.properties.campaign : null,
      channel: typeof e.properties.channel === 'string' ? e.properties.channel : null,
    }));
    const fresh = new Set(await tx.insertEvents(rows));
    for (const r of rows) if (fresh.has(r.id) && (r.campaign || r.channel)) touches.push(r.at);
    for (const e of change.events)
      if (fresh.has(e.id))
        steps.push({ kind: 'event', at: e.at, event: { id: e.id, type: e.type, at: e.at, properties: e.properties } });
  }
  if (change.feedback) {
    const f = change.feedback;
    await tx.insertFeedback({
      personId: person.id,
      decision: f.decision,
      reason: f.reason ?? null,
      at: f.at,
      source: f.source,
    });
    steps.push({
      kind: 'feedback',
      at: f.at,
      feedback: { decision: f.decision, at: f.at, ...(f.reason ? { reason: f.reason } : {}) },
    });
  }
  if (change.evaluateAt) steps.push({ kind: 'evaluate', at: change.evaluateAt });
  if (change.sla) steps.push({ kind: 'sla', at: now });
  if (steps.length === 0) return { person, transitions: [], touches };

  const facts = await factsFor(tx, person);
  const ev = evaluate(live.agreement, facts, person.state ?? live.agreement.initialState(), steps, now);
  person.state = ev.state;
  person.stage = ev.state.stage;
  // Scores as of now (or the latest step, if one is ahead): a CRM change stamped a second early
  // (Salesforce keeps whole seconds) must not drop an event counted a moment ago.
  const latest = Math.max(Date.parse(now), ...steps.map((s) => Date.parse(s.at)));
  const scores = live.agreement.scores(facts, ev.state, new Date(latest).toISOString());
  person.scores = { fit: round2(scores.fit), engagement: round2(scores.engagement) };
  const sla = ev.state.sla;
  person.slaDue = sla && !sla.breached && !sla.answeredAt && !sla.stoppedAt ? sla.due : null;
  person.slaBreached = sla?.breached === true;
  person.updatedAt = now;
  const routing = storedRouting(person);
  const transitions: Omit<TransitionRow, 'id'>[] = ev.transitions.map((t) => ({
    personId: person.id,
    from: t.from,
    to: t.to,
    at: t.at,
    cause: t.cause,
    version: live.version,
    scores: { fit: round2(t.scores.fit), engagement: round2(t.scores.engagement) },
    passed: t.passed ?? [],
    breached: t.breached === true,
    reason: t.reason ?? null,
    meta: {
      ...(t.handedAt ? { handedAt: t.handedAt } : {}),
      ...(person.ownerId ? { owner: person.ownerId } : {}),
      ...(t.to === 'mql' && routing ? { routing: routingMeta(routing) } : {}),
      ...(t.reason ? { reason: t.reason } : {}),
      processedAt: now,
    },
  }));
  if (transitions.length) await tx.appendTransitions(transitions);
  // Routed before the write: the owner goes out with the create, decided with the rotation's advance.
  if (needsRouting(ctx, person, salesforceCreateDue(person, ev.state, live.fields)))
    await routeHandoff(ctx, tx, person, facts.events, now);
  if (!(await tx.savePerson(person))) throw new StaleError();
  await queueWrites(ctx, tx, live, person);
  await change.alsoInTransaction?.(tx, { person, transitions });
  return { person, transitions, touches };
}
