/**
 * Puts a person's alerts (`alerts.yaml`) into the outbox, in the transaction of the change that
 * caused them: one row per event and recipient (channel `slack` or `email`), so an alert is sent
 * once across restarts and instances by the outbox's claims, and two changes in a second are one
 * row. A key once sent is never queued again (`written_hashes`).
 */
import { alertWrites, rulesFor, stateEvents, type PersonEvent } from '../../alerts/desired.ts';
import { conditionContext } from '../../agreement/condition.ts';
import type { PersonFacts } from '../../agreement/types.ts';
import { stableHash } from '../../mapping/index.ts';
import { getKv, kv } from '../../store/keys.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import { nowIso, type LiveConfig, type PipelineContext } from '../context.ts';
import { ownerOf } from '../routing/routing-owners.ts';
import { templateContext } from './desired.ts';
import { factsFor } from './facts.ts';

/** The email of the owner's manager, when Baton has learnt it (`kv.manager`, then the user cache). */
async function managerEmail(tx: Store, p: PersonRow): Promise<string | null> {
  const owner = (await getKv(tx, kv.owner(p.id))) || p.ownerId;
  if (!owner) return null;
  const manager = await getKv(tx, kv.manager(owner));
  if (!manager || manager === owner) return null;
  return (await getKv(tx, kv.salesforceUser(manager)))?.email ?? null;
}

export interface AlertOptions {
  /** The recipient `owner` when not the person's owner now (`reassigned`: the new owner). */
  ownerEmail?: string | null;
  /** The event's deadline; default the person's SLA deadline. */
  deadline?: string | null;
}

/** Queues the alerts of `events` (default: those the person's state shows); returns how many rows were put. */
export async function queueAlerts(
  ctx: PipelineContext,
  tx: Store,
  live: LiveConfig,
  p: PersonRow,
  events?: PersonEvent[],
  options: AlertOptions = {},
): Promise<number> {
  const config = live.alerts;
  const can = { slack: Boolean(ctx.alerts?.slack), email: Boolean(ctx.alerts?.email) };
  if (!config || (!can.slack && !can.email)) return 0;
  const state = p.state;
  if (!state) return 0;
  const now = nowIso(ctx);
  const due = (events ?? stateEvents(state, now)).filter((e) => rulesFor(config, e.event).length > 0);
  if (due.length === 0) return 0;
  const { owner, reason } = await ownerOf(tx, p);
  const template = templateContext({
    person: p,
    state,
    fields: live.fields,
    onBreach: 'none',
    timeZone: null,
    snapshots: {},
    owner,
    routingReason: reason,
    now,
  });
  let facts: PersonFacts | null = null;
  const factsNow = async () => (facts ??= await factsFor(tx, p));
  let why: string[] = [];
  if (due.some((e) => e.event === 'handoff' || e.event === 'reassigned')) {
    try {
      why = live.agreement.explain(await factsNow(), state, now).lines;
    } catch {
      why = [];
    }
  }
  const needsFacts = due.some((e) => rulesFor(config, e.event).some((r) => r.when));
  const condFacts = needsFacts ? await factsNow() : null;
  const manager = due.some((e) => rulesFor(config, e.event).some((r) => r.to.includes('manager')))
    ? await managerEmail(tx, p)
    : null;
  let queued = 0;
  for (const event of due) {
    const writes = alertWrites({
      config,
      event,
      person: p,
      template,
      why,
      deadline: options.deadline !== undefined ? options.deadline : (state.sla?.due ?? null),
      ownerEmail: options.ownerEmail !== undefined ? options.ownerEmail : (owner.email ?? null),
      managerEmail: manager,
      condition: () => conditionContext(condFacts!, now, p.scores),
      can,
    });
    for (const w of writes) {
      if ((await tx.lastWrittenHash(w.key)) !== null) continue;
      const payload = w.payload;
      await tx.outboxPut({
        crm: w.channel,
        key: w.key,
        personId: p.id,
        payload,
        hash: stableHash(payload),
        idempotencyKey: w.idempotencyKey,
      });
      queued++;
    }
  }
  return queued;
}
