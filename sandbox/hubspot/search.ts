/**
 * The CRM search of the fake: filter groups (OR of ANDs), one sort, `after` offsets and HubSpot's
 * 10,000-result ceiling. Records that tie on the sort key come back in an order that is not their
 * id order, as in HubSpot, so a client that relies on it is caught.
 */
import { createHash } from 'node:crypto';
import type { FakeRecord } from './data.ts';

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: unknown;
  values?: unknown[];
  highValue?: unknown;
}

export interface SearchRequest {
  filterGroups?: { filters: SearchFilter[] }[];
  sorts?: ({ propertyName: string; direction?: string } | string)[];
  properties?: string[];
  limit?: number;
  after?: string | number;
  query?: string;
}

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_CEILING = 10_000;

/** A comparable form: epoch ms for ISO dates, a number for numerics, else the string. */
const memo = new Map<string, number | string>();
function comparable(v: unknown): number | string | null {
  if (v === null || v === undefined || v === '') return null;
  const s = String(v);
  const hit = memo.get(s);
  if (hit !== undefined) return hit;
  const out = parseComparable(s);
  if (memo.size > 200_000) memo.clear();
  memo.set(s, out);
  return out;
}

function parseComparable(s: string): number | string {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  return s.toLowerCase();
}

function cmp(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function matches(rec: FakeRecord, f: SearchFilter): boolean {
  const actual = comparable(rec.properties[f.propertyName] ?? (f.propertyName === 'hs_object_id' ? rec.id : null));
  const want = comparable(f.value);
  switch (f.operator) {
    case 'EQ':
      return actual !== null && cmp(actual, want) === 0;
    case 'NEQ':
      return cmp(actual, want) !== 0;
    case 'LT':
      return actual !== null && cmp(actual, want) < 0;
    case 'LTE':
      return actual !== null && cmp(actual, want) <= 0;
    case 'GT':
      return actual !== null && cmp(actual, want) > 0;
    case 'GTE':
      return actual !== null && cmp(actual, want) >= 0;
    case 'BETWEEN':
      return actual !== null && cmp(actual, want) >= 0 && cmp(actual, comparable(f.highValue)) <= 0;
    case 'IN':
      return (f.values ?? []).some((v) => cmp(actual, comparable(v)) === 0);
    case 'NOT_IN':
      return !(f.values ?? []).some((v) => cmp(actual, comparable(v)) === 0);
    case 'HAS_PROPERTY':
      return actual !== null;
    case 'NOT_HAS_PROPERTY':
      return actual === null;
    default:
      throw new Error(`operator ${f.operator} is not supported`);
  }
}

const ties = new Map<string, string>();
/** A stable pseudo-random order for records that tie on the sort key. */
function tieKey(id: string): string {
  let k = ties.get(id);
  if (!k) ties.set(id, (k = createHash('sha1').update(id).digest('hex')));
  return k;
}

/** Validation problem with the request, in HubSpot's words, or null. */
export function searchProblem(req: SearchRequest, ceiling = SEARCH_CEILING): string | null {
  if ((req.limit ?? 10) > SEARCH_MAX_LIMIT) return `limit must be at most ${SEARCH_MAX_LIMIT}`;
  const groups = req.filterGroups ?? [];
  if (groups.length > 5) return 'Too many filter groups: at most 5 are allowed';
  if (groups.reduce((n, g) => n + g.filters.length, 0) > 18) return 'Too many filters: at most 18 are allowed';
  if (Number(req.after ?? 0) >= ceiling)
    return `Paging past ${ceiling} results is not supported; narrow the search with filters`;
  return null;
}

/** Runs a search over `records`; returns one page and the next `after`, if any. */
export function runSearch(
  records: Iterable<FakeRecord>,
  req: SearchRequest,
  ceiling = SEARCH_CEILING,
): { total: number; page: FakeRecord[]; after: string | null } {
  const groups = req.filterGroups ?? [];
  let hits = [...records].filter(
    (r) => groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(r, f))),
  );
  const first = req.sorts?.[0];
  const sort =
    typeof first === 'string'
      ? { propertyName: first.replace(/^-/, ''), direction: first.startsWith('-') ? 'DESCENDING' : 'ASCENDING' }
      : first;
  const prop = sort?.propertyName;
  const valueOf = (r: FakeRecord) => (prop ? comparable(prop === 'hs_object_id' ? r.id : r.properties[prop]) : null);
  const keyed = hits.map((r) => ({ r, v: valueOf(r), tie: tieKey(r.id) }));
  keyed.sort((a, b) => {
    const c = sort ? cmp(a.v, b.v) : 0;
    if (c !== 0) return sort!.direction === 'DESCENDING' ? -c : c;
    return a.tie < b.tie ? -1 : 1;
  });
  hits = keyed.map((k) => k.r);
  const limit = req.limit ?? 10;
  const offset = Number(req.after ?? 0);
  const page = hits.slice(offset, offset + limit);
  const next = offset + limit;
  return { total: hits.length, page, after: next < hits.length && next < ceiling ? String(next) : null };
}
