/**
 * Keyset paging over HubSpot's CRM search by modification time, so that no record is skipped or
 * repeated even when hundreds share one timestamp, and the 10,000-result ceiling of `after` paging
 * is never reached: every request starts a fresh window from the last position.
 *
 * HubSpot honours one sort per search and returns ties in no particular order, so a position is
 * one of three states:
 * - `gte ts`: everything modified before `ts` is delivered → search `modified ≥ ts` by date;
 * - `gt ts`:  everything modified at or before `ts` is delivered → search `modified > ts` by date;
 * - `eq ts id`: everything before `ts`, and at `ts` up to id `id`, is delivered → search
 *   `modified = ts AND hs_object_id > id` sorted by id (used only when one timestamp fills a page).
 * From a page sorted by date, only records older than the page's last timestamp are certainly
 * complete; the rest are fetched again from `gte` that timestamp.
 */
import type { RawObject } from './hydrate.ts';
import { BatonError } from '../../src/platform/errors.ts';

export type Position = { mode: 'gte' | 'gt'; ts: number } | { mode: 'eq'; ts: number; id: string | null };

export interface SearchBody {
  filterGroups: { filters: { propertyName: string; operator: 'GTE' | 'GT' | 'EQ'; value: string }[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' }[];
  limit: number;
}

/** The search request that continues from `pos`. */
export function searchFor(pos: Position, modifiedProp: string, limit: number): SearchBody {
  if (pos.mode === 'eq') {
    const filters: SearchBody['filterGroups'][0]['filters'] = [
      { propertyName: modifiedProp, operator: 'EQ', value: String(pos.ts) },
    ];
    if (pos.id) filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: pos.id });
    return { filterGroups: [{ filters }], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit };
  }
  return {
    filterGroups: [
      { filters: [{ propertyName: modifiedProp, operator: pos.mode === 'gte' ? 'GTE' : 'GT', value: String(pos.ts) }] },
    ],
    sorts: [{ propertyName: modifiedProp, direction: 'ASCENDING' }],
    limit,
  };
}

/** Epoch ms of a record's modification property. */
export function modifiedMs(raw: RawObject, modifiedProp: string): number {
  const v = raw.properties[modifiedProp];
  if (!v) return 0;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}

export interface Step {
  /** Records certainly complete for this position, to deliver now. */
  deliver: RawObject[];
  next: Position;
  /** Another search may find more right away. */
  more: boolean;
}

/** What to deliver from one search page and where to continue. `full` = the page had `limit` results or a next page. */
export function advance(pos: Position, page: RawObject[], full: boolean, modifiedProp: string): Step {
  if (pos.mode === 'eq') {
    if (!page.length) return { deliver: [], next: { mode: 'gt', ts: pos.ts }, more: true };
    const last = page[page.length - 1].id;
    return full
      ? { deliver: page, next: { mode: 'eq', ts: pos.ts, id: last }, more: true }
      : { deliver: page, next: { mode: 'gt', ts: pos.ts }, more: true };
  }
  if (!page.length) return { deliver: [], next: pos, more: false };
  const times = page.map((r) => modifiedMs(r, modifiedProp));
  const maxTs = Math.max(...times);
  if (!full) return { deliver: page, next: { mode: 'gt', ts: maxTs }, more: false };
  const older = page.filter((_, i) => times[i] < maxTs);
  // One timestamp filled the whole page: walk it by id instead.
  if (!older.length) return { deliver: [], next: { mode: 'eq', ts: maxTs, id: null }, more: true };
  return { deliver: older, next: { mode: 'gte', ts: maxTs }, more: true };
}

/** Position as a compact string for the opaque cursor. */
export function encodePosition(p: Position): string {
  return p.mode === 'eq' ? `eq:${p.ts}:${p.id ?? ''}` : `${p.mode}:${p.ts}`;
}

export function decodePosition(s: string): Position {
  const [mode, ts, id] = s.split(':');
  if (mode === 'eq') return { mode, ts: Number(ts), id: id || null };
  if (mode === 'gte' || mode === 'gt') return { mode, ts: Number(ts) };
  throw new BatonError('bad_cursor', `not a HubSpot search position: ${s}`);
}
