/**
 * What this connector wrote lately, per record, to recognise the echoes HubSpot sends of each
 * write (an echo of an earlier write may arrive after a later one), and the `sourceId` HubSpot
 * stamps on them, learnt from the first echo that matches a write (a private app cannot ask its
 * own id), so later echoes are known by source alone. In memory; after a restart echoes are
 * re-learnt or, at worst, read again.
 */
import type { InboxItem } from '../types.ts';
import { isOwnChange, isValueEcho } from './echo.ts';

const KEEP_MS = 10 * 60_000;
const MAX_RECORDS = 100_000;
const INTEGRATION = new Set(['INTEGRATION', 'API', 'APP']);

export class OwnWrites {
  private recent = new Map<string, { at: number; values: Map<string, Set<string>> }>();
  private learnt = new Set<string>();
  private configured: string[];
  constructor(ownSourceIds: string[] = []) {
    this.configured = ownSourceIds;
  }

  /** Records the properties just written to a record. */
  wrote(object: string, id: string, properties: Record<string, unknown>, now = Date.now()): void {
    const key = `${object}:${id}`;
    const entry = this.recent.get(key) ?? { at: now, values: new Map<string, Set<string>>() };
    entry.at = now;
    for (const [k, v] of Object.entries(properties)) {
      const set = entry.values.get(k) ?? new Set<string>();
      set.add(v === null || v === undefined ? '' : String(v).trim());
      entry.values.set(k, set);
    }
    this.recent.delete(key);
    this.recent.set(key, entry);
    if (this.recent.size > MAX_RECORDS) this.recent.delete(this.recent.keys().next().value as string);
  }

  /**
   * True when `item` is an echo: from a source known as ours, or every changed value equals what
   * Baton knows the record holds (`lastWritten`), or — from an integration — equals a value this
   * connector wrote to it lately. A match teaches the item's `sourceId`.
   */
  isEcho(item: InboxItem, lastWritten: Record<string, unknown> | null | undefined, now = Date.now()): boolean {
    if (item.source !== 'hubspot' || item.body.kind !== 'change') return false;
    const b = item.body;
    if (isOwnChange(b, { ownSourceIds: [...this.configured, ...this.learnt] })) return true;
    if (!b.hint) return false;
    const fromIntegration = !!b.changeSource && INTEGRATION.has(b.changeSource.toUpperCase());
    const entry = this.recent.get(`${b.ref.object}:${b.ref.id}`);
    const wroteLately =
      !!entry &&
      now - entry.at < KEEP_MS &&
      Object.entries(b.hint).every(([k, v]) =>
        entry.values.get(k)?.has(v === null || v === undefined ? '' : String(v).trim()),
      );
    const echo = (fromIntegration && wroteLately) || isValueEcho(b.hint, lastWritten);
    if (echo && fromIntegration && wroteLately && b.sourceId) this.learnt.add(b.sourceId);
    return echo;
  }
}
