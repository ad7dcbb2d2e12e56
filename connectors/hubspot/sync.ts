/**
 * Incremental poll and backfill over the CRM search (see `keyset.ts`), with the needed properties
 * on each search page and associations hydrated once per up-to-1,000 records, so a sync costs a
 * search per 200 records plus a few association and company reads.
 */
import type { BackfillPage, CrmRecord, PollPage } from '../types.ts';
import type { HubSpotApi } from './client.ts';
import { searchRequest } from './sdk-types.ts';
import { hydrate, propertiesFor, type HubSpotType, type RawObject } from './hydrate.ts';
import { advance, decodePosition, encodePosition, searchFor, type Position } from './keyset.ts';
import type { PropertyPlan } from './properties.ts';

export const SEARCH_PAGE = 200;
const SYNCED: HubSpotType[] = ['contacts', 'deals'];

export const modifiedPropOf = (type: HubSpotType) => (type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

interface Collected {
  raws: RawObject[];
  pos: Position;
  more: boolean;
  total?: number;
}

/** Runs search steps from `pos` until `max` records are certain, the search is drained, or `maxSteps` is spent. */
export async function collect(
  api: HubSpotApi,
  plan: PropertyPlan,
  type: HubSpotType,
  start: Position,
  max: number,
  maxSteps = 10,
): Promise<Collected> {
  const prop = modifiedPropOf(type);
  const raws: RawObject[] = [];
  let pos = start;
  let more = true;
  let total: number | undefined;
  for (let step = 0; step < maxSteps && more && raws.length < max; step++) {
    const body = { ...searchFor(pos, prop, SEARCH_PAGE), properties: propertiesFor(plan, type) };
    const res = await api.call('search', `search ${type}`, (sdk) =>
      sdk.crm.objects.searchApi.doSearch(type, searchRequest(body)),
    );
    if (step === 0) total = res.total;
    const page = res.results.map((r) => ({ id: String(r.id), properties: r.properties, updatedAt: r.updatedAt }));
    const full = page.length >= SEARCH_PAGE || !!res.paging?.next?.after;
    const s = advance(pos, page, full, prop);
    raws.push(...s.deliver);
    pos = s.next;
    more = s.more;
  }
  return { raws, pos, more, total };
}

interface PollState {
  contacts: string;
  deals: string;
}

/** One incremental poll of contacts and deals since `cursor` (null: from `startMs`). */
export async function pollOnce(
  api: HubSpotApi,
  plan: PropertyPlan,
  cursor: string | null,
  startMs: number,
  maxRecords = 1000,
): Promise<PollPage> {
  const state: PollState = cursor
    ? JSON.parse(cursor)
    : { contacts: encodePosition({ mode: 'gte', ts: startMs }), deals: encodePosition({ mode: 'gte', ts: startMs }) };
  const records: CrmRecord[] = [];
  let more = false;
  for (const type of SYNCED) {
    const got = await collect(api, plan, type, decodePosition(state[type as keyof PollState]), maxRecords);
    records.push(...(await hydrate(api, plan, type, got.raws)));
    state[type as keyof PollState] = encodePosition(got.pos);
    more ||= got.more;
  }
  return { records, cursor: JSON.stringify(state), more };
}

interface BackfillState {
  phase: number;
  pos: string;
  totals: number[];
}

/** `collect` started ahead of its use: a failure surfaces when awaited, never as an unhandled rejection meanwhile. */
function ahead(p: Promise<Collected>): Promise<Collected> {
  p.catch(() => {});
  return p;
}

/**
 * All contacts, then all deals, modified since `since`, as pages of ≤ `pageSize`; each page's cursor
 * resumes after it. The next page's searches run while this page is hydrated and consumed, so the
 * search window (the bound of a backfill) never waits for association reads or the inbox.
 */
export async function* backfillPages(
  api: HubSpotApi,
  plan: PropertyPlan,
  cursor: string | null,
  since: string | undefined,
  pageSize = 1000,
): AsyncIterable<BackfillPage> {
  const from = since ? Date.parse(since) : 0;
  const state: BackfillState = cursor
    ? JSON.parse(cursor)
    : { phase: 0, pos: encodePosition({ mode: 'gte', ts: from }), totals: [] };
  const start = () =>
    state.phase < SYNCED.length
      ? ahead(collect(api, plan, SYNCED[state.phase], decodePosition(state.pos), pageSize))
      : null;
  let next = start();
  while (next) {
    const type = SYNCED[state.phase];
    const got = await next;
    if (got.total !== undefined && state.totals[state.phase] === undefined) state.totals[state.phase] = got.total;
    if (got.more) state.pos = encodePosition(got.pos);
    else {
      state.phase++;
      state.pos = encodePosition({ mode: 'gte', ts: from });
    }
    next = start();
    const records = await hydrate(api, plan, type, got.raws);
    const known = state.totals.filter((t) => t !== undefined);
    const page: BackfillPage = { records, cursor: JSON.stringify(state) };
    if (known.length) page.total = known.reduce((a, b) => a + b, 0);
    if (records.length || !got.more) yield page;
  }
}
