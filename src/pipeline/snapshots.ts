/**
 * What each CRM record holds as far as Baton knows: the values it last told us (reads) or that we
 * last wrote to it, with the time. Write-backs leave out values a record already holds, and a read
 * older than the snapshot (a slow poll after a webhook) never rolls it back.
 */
import type { Connector, InboxItem } from '../../connectors/types.ts';
import { getKv, kv, setKv, type RecordSnapshot } from '../store/keys.ts';
import type { Crm, Store } from '../store/types.ts';

/** The snapshot of one record, or null when Baton has not seen it. */
export async function getSnapshot(store: Store, crm: Crm, object: string, id: string): Promise<RecordSnapshot | null> {
  return (await getKv(store, kv.snapshot(crm, object, id))) ?? null;
}

/**
 * Folds `props` observed at `at` into the snapshot. Older than the snapshot: nothing changes and
 * false is returned (the record is stale).
 */
export async function observe(
  store: Store,
  crm: Crm,
  object: string,
  id: string,
  props: Record<string, unknown>,
  at: string,
): Promise<boolean> {
  const prev = await getSnapshot(store, crm, object, id);
  if (prev && Date.parse(at) < Date.parse(prev.at)) return false;
  await setKv(store, kv.snapshot(crm, object, id), {
    at: prev && Date.parse(prev.at) > Date.parse(at) ? prev.at : at,
    props: { ...(prev?.props ?? {}), ...props },
  });
  return true;
}

/**
 * The items that are HubSpot changes whose every value the record already holds as far as Baton
 * knows (Baton's own writes echoed back): they need no read and change nothing. The changes of one
 * record are judged together, later values over earlier ones: the echo of an older write arriving
 * with that of the newest is an echo too. Used on arrival (`ingest`: not stored) and on claim
 * (`hydrate`: not read), where the write's answer may have come in meanwhile. Values are compared
 * as each CRM stores them (`Connector.holdsValues`); a CRM without a connector holds nothing.
 */
export async function heldChanges<T extends { source: string; body: unknown }>(
  store: Store,
  items: T[],
  connectors: Partial<Record<Crm, Connector>>,
): Promise<Set<T>> {
  const byRecord = new Map<string, { items: T[]; hint: Record<string, unknown> | null; object: string; id: string }>();
  const held = new Set<T>();
  for (const item of items) {
    const b = item.body as InboxItem['body'] | undefined;
    if (
      item.source === 'salesforce' &&
      b?.kind === 'change' &&
      (await knownSalesforceChange(store, b, connectors.salesforce))
    ) {
      held.add(item);
      continue;
    }
    if (item.source !== 'hubspot' || (b?.kind !== 'change' && b?.kind !== 'merge') || b.ref.crm !== 'hubspot') continue;
    const key = `${b.ref.object}:${b.ref.id}`;
    const entry = byRecord.get(key) ?? { items: [], hint: {}, object: b.ref.object, id: b.ref.id };
    entry.items.push(item);
    // a merge, or a change without its values, needs the read
    entry.hint = b.kind === 'change' && b.hint && entry.hint ? { ...entry.hint, ...b.hint } : null;
    byRecord.set(key, entry);
  }
  const open: { items: T[]; hint: Record<string, unknown>; key: string; known: Record<string, unknown> }[] = [];
  for (const e of byRecord.values()) {
    if (!e.hint) continue;
    const snap = await getSnapshot(store, 'hubspot', e.object, e.id);
    if (holds(connectors.hubspot, e.hint, snap?.props)) for (const item of e.items) held.add(item);
    else open.push({ items: e.items, hint: e.hint, key: `hubspot:${e.object}:${e.id}`, known: snap?.props ?? {} });
  }
  // HubSpot can send the echo of a batch write before Baton has the call's answer (and so before
  // the snapshot knows the values): what the outbox is writing to the record counts as held too.
  if (open.length === 0) return held;
  const writing = new Map(
    (await store.outboxByKeys(open.map((o) => o.key))).map((r) => [
      r.key,
      (r.payload as { properties?: Record<string, unknown> }).properties,
    ]),
  );
  for (const o of open) {
    const sending = writing.get(o.key);
    if (sending && holds(connectors.hubspot, o.hint, { ...o.known, ...sending }))
      for (const item of o.items) held.add(item);
  }
  return held;
}

/**
 * A Salesforce change (an Outbound Message with its fields) Baton already knows: not newer than the
 * record's snapshot and every field it carries as the snapshot has it. The Outbound Message of a
 * Lead Baton just created and read back is such a change; a rep's edit carries a new value or time.
 */
async function knownSalesforceChange(
  store: Store,
  b: Extract<InboxItem['body'], { kind: 'change' }>,
  salesforce: Connector | undefined,
): Promise<boolean> {
  if (b.ref.crm !== 'salesforce' || !b.ref.at || !b.hint || Object.keys(b.hint).length === 0) return false;
  const snap = await getSnapshot(store, 'salesforce', b.ref.object, b.ref.id);
  if (!snap || Date.parse(b.ref.at) > Date.parse(snap.at)) return false;
  return holds(salesforce, b.hint, snap.props);
}

const holds = (
  c: Connector | undefined,
  values: Record<string, unknown>,
  known: Record<string, unknown> | null | undefined,
) => c?.holdsValues?.(values, known) ?? false;
