/**
 * Puts a person's desired write-back into the outbox: one row per target record (a newer desired
 * state replaces a pending one, so ten quick changes are one write), skipping what was already
 * written (same hash) and create-once records (Tasks) that exist.
 */
import { stableHash } from '../../mapping/index.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import { nowIso, type LiveConfig, type PipelineContext } from '../context.ts';
import { desiredWrites, type DesiredWrite } from './desired.ts';
import { ownerOf } from '../routing/routing-owners.ts';
import { getSnapshot } from '../snapshots.ts';
import { getKv, kv } from '../../store/keys.ts';
import { queueAlerts } from './queue-alerts.ts';

/** Escalation target for a breach: the owner's manager when known (kept by the connector's user lookups). */
async function escalateTo(tx: Store, p: PersonRow): Promise<string | null> {
  const current = await getKv(tx, kv.owner(p.id));
  const owner = current || p.ownerId;
  if (!owner) return null;
  const manager = await getKv(tx, kv.manager(owner));
  return manager || owner;
}

/** The desired writes of `p` now. */
export async function writesFor(
  ctx: PipelineContext,
  tx: Store,
  live: LiveConfig,
  p: PersonRow,
): Promise<DesiredWrite[]> {
  const state = p.state;
  if (!state) return [];
  const hs = p.hubspotId ? await getSnapshot(tx, 'hubspot', 'contact', p.hubspotId) : null;
  const sf = p.salesforceId ? await getSnapshot(tx, 'salesforce', p.salesforceObject ?? 'Lead', p.salesforceId) : null;
  const sla = live.agreementConfig.sla;
  const { owner, reason } = await ownerOf(tx, p);
  return desiredWrites({
    person: p,
    state,
    fields: live.fields,
    onBreach: sla?.on_breach ?? 'none',
    timeZone: sla?.business_hours?.tz ?? null,
    snapshots: { hubspot: hs, salesforce: sf },
    escalateTo: state.sla?.breached ? await escalateTo(tx, p) : null,
    owner,
    routingReason: reason,
    now: nowIso(ctx),
  });
}

/** Queues every desired write of `p` that is not written yet, and the alerts its state calls for (`queue-alerts.ts`). */
export async function queueWrites(ctx: PipelineContext, tx: Store, live: LiveConfig, p: PersonRow): Promise<number> {
  let queued = 0;
  for (const w of await writesFor(ctx, tx, live, p)) {
    if (!ctx.connectors[w.crm]) continue;
    const last = await tx.lastWrittenHash(w.key);
    if (w.once && last !== null) continue;
    // What the record holds now is a hint for the connector, not part of the desired state.
    const hash = stableHash({ ...w.payload, current: undefined });
    if (hash === last) continue;
    // Held while the write it waits for is still to be sent by a connector that is on; a later
    // put without a hold (the person's Lead created) makes the row due at once.
    const held =
      w.waitsFor && ctx.connectors[w.waitsFor.crm] && Date.parse(w.waitsFor.until) > Date.parse(nowIso(ctx))
        ? w.waitsFor.until
        : undefined;
    await tx.outboxPut({
      crm: w.crm,
      key: w.key,
      personId: p.id,
      payload: w.payload,
      hash,
      idempotencyKey: w.idempotencyKey,
      ...(held ? { notBefore: held } : {}),
    });
    queued++;
  }
  return queued + (await queueAlerts(ctx, tx, live, p));
}
