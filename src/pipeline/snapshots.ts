/**
 * What each CRM record holds as far as Baton knows: the values it last told us (reads) or that we
 * last wrote to it, with the time. Write-backs leave out values a record already holds, and a read
 * older than the snapshot (a slow poll after a webhook) never rolls it back.
 */
import type { Crm, Store } from '../store/types.ts';
import type { RecordSnapshot } from './desired.ts';

const name = (crm: Crm, object: string, id: string) => `snapshot:${crm}:${object}:${id}`;

/** The snapshot of one record, or null when Baton has not seen it. */
export async function getSnapshot(store: Store, crm: Crm, object: string, id: string): Promise<RecordSnapshot | null> {
  const v = (await store.getValue(name(crm, object, id))) as RecordSnapshot | undefined | null;
  return v && typeof v === 'object' ? v : null;
}

/**
 * Folds `props` observed at `at` into the snapshot. Older than the snapshot: nothing changes and
 * false is returned (the record is stale).
 */
export async function observe(store: Store, crm: Crm, object: string, id: string, props: Record<string, unknown>, at: string): Promise<boolean> {
  const prev = await getSnapshot(store, crm, object, id);
  if (prev && Date.parse(at) < Date.parse(prev.at)) return false;
  await store.setValue(name(crm, object, id), { at: prev && Date.parse(prev.at) > Date.parse(at) ? prev.at : at, props: { ...(prev?.props ?? {}), ...props } });
  return true;
}
