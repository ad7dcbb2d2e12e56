/**
 * The loop guard: Baton's own writes come back from HubSpot as webhooks and as modified records;
 * they must not start new work. An echo is recognised by who made the change (`changeSource`
 * INTEGRATION with `sourceId` = Baton's app — the event's `appId` is the app that receives the
 * webhook, not the writer) or by value (every changed value equals what Baton last wrote). Pure.
 */
import type { InboxItem } from '../types.ts';

export interface EchoGuard {
  /** Ids HubSpot puts in `sourceId` for Baton's writes: the private app id (and any user id it acts as). */
  ownSourceIds: string[];
}

/** True when HubSpot says the change was made by Baton itself. */
export function isOwnChange(change: { changeSource?: string; sourceId?: string }, guard: EchoGuard): boolean {
  if (!change.sourceId) return false;
  const source = change.sourceId.replace(/^(appId|userId):/, '');
  const fromIntegration =
    !change.changeSource || ['INTEGRATION', 'API', 'APP'].includes(change.changeSource.toUpperCase());
  return fromIntegration && guard.ownSourceIds.some((id) => id === change.sourceId || id === source);
}

const norm = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

/** True when every changed value equals what Baton last wrote for that property (nothing changed but our write). */
export function isValueEcho(
  changed: Record<string, unknown>,
  lastWritten: Record<string, unknown> | null | undefined,
): boolean {
  if (!lastWritten) return false;
  const names = Object.keys(changed);
  if (!names.length) return false;
  return names.every((n) => Object.hasOwn(lastWritten, n) && norm(changed[n]) === norm(lastWritten[n]));
}

/**
 * Whether an inbox item is Baton's own write echoed back. `lastWritten(id)` gives the values Baton last
 * wrote to that HubSpot record (properties by name), when known.
 */
export function isEcho(
  item: InboxItem,
  guard: EchoGuard,
  lastWritten?: (object: string, id: string) => Record<string, unknown> | null | undefined,
): boolean {
  if (item.source !== 'hubspot' || item.body.kind !== 'change') return false;
  const b = item.body;
  if (isOwnChange(b, guard)) return true;
  return !!b.hint && !!lastWritten && isValueEcho(b.hint, lastWritten(b.ref.object, b.ref.id));
}
