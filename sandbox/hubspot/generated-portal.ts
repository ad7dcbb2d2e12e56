/**
 * A generated portal for benchmarks: `contacts` contacts that exist only as a function of their
 * index — contact i has id `FIRST_ID + i` and was last modified at `start + i × stepMs` — so a
 * portal of a million contacts costs the sandbox no memory and each search page is made by
 * arithmetic instead of a scan. Contact searches on the modification date (the keyset a sync
 * runs) are answered from the generated contacts; every request still goes through the fake first,
 * so authentication, both rate windows, latency and the request log are HubSpot's as usual
 * (association reads find no companies or deals for generated contacts, as for a bare contact).
 */
import type { FakeApi, FakeRequest, FakeResponse } from '../types.ts';
import type { FakeHubSpot } from './index.ts';

export const FIRST_ID = 50_000_000;

export interface GeneratedPortalOptions {
  contacts: number;
  /** Epoch ms of contact 0's modification. */
  start: number;
  /** Between consecutive contacts' modifications (default 1 s, so keyset paging sees distinct times). */
  stepMs?: number;
  /** Properties of contact i (besides the ids and dates the portal sets). */
  properties: (i: number) => Record<string, string>;
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
}

/** The fake with its contacts search over the generated portal. */
export function withGeneratedContacts(fake: FakeHubSpot, o: GeneratedPortalOptions): FakeApi {
  const step = o.stepMs ?? 1000;
  const timeOf = (i: number) => o.start + i * step;
  /** First index modified at or after `ms`. */
  const atOrAfter = (ms: number) => Math.min(o.contacts, Math.max(0, Math.ceil((ms - o.start) / step)));
  const contact = (i: number, asked: string[] | undefined) => {
    const iso = new Date(timeOf(i)).toISOString();
    const all: Record<string, string> = {
      ...o.properties(i),
      hs_object_id: String(FIRST_ID + i),
      createdate: iso,
      lastmodifieddate: iso,
    };
    const properties: Record<string, string | null> = {};
    for (const n of new Set([
      ...(asked?.length ? asked : ['email', 'firstname', 'lastname']),
      'createdate',
      'hs_object_id',
      'lastmodifieddate',
    ]))
      properties[n] = all[n] ?? null;
    return { id: String(FIRST_ID + i), properties, createdAt: iso, updatedAt: iso, archived: false };
  };

  /** The index range a keyset search selects, or null when the search is not one on the modification date. */
  function range(body: { filterGroups?: { filters: Filter[] }[]; sorts?: unknown[] }): [number, number] | null {
    const filters = body.filterGroups?.length === 1 ? body.filterGroups[0].filters : null;
    const sort = body.sorts?.[0] as { propertyName?: string } | undefined;
    if (!filters) return null;
    const date = filters.find((f) => f.propertyName === 'lastmodifieddate');
    if (!date || filters.some((f) => f.propertyName !== 'lastmodifieddate' && f.propertyName !== 'hs_object_id'))
      return null;
    const ms = /^\d+$/.test(String(date.value)) ? Number(date.value) : Date.parse(String(date.value));
    let lo: number;
    let hi = o.contacts;
    if (date.operator === 'GTE') lo = atOrAfter(ms);
    else if (date.operator === 'GT') lo = atOrAfter(ms + 1);
    else if (date.operator === 'EQ') {
      lo = atOrAfter(ms);
      hi = lo < o.contacts && timeOf(lo) === ms ? lo + 1 : lo;
    } else return null;
    const afterId = filters.find((f) => f.propertyName === 'hs_object_id' && f.operator === 'GT');
    if (afterId) lo = Math.max(lo, Number(afterId.value) - FIRST_ID + 1);
    if (sort?.propertyName !== 'lastmodifieddate' && sort?.propertyName !== 'hs_object_id') return null;
    return [lo, Math.max(lo, hi)];
  }

  return {
    async handle(req: FakeRequest): Promise<FakeResponse | null> {
      const res = await fake.handle(req);
      if (
        !res ||
        res.status !== 200 ||
        req.method !== 'POST' ||
        !/^\/crm\/v3\/objects\/(contacts|0-1)\/search$/.test(req.url.pathname)
      )
        return res;
      const body = JSON.parse(req.body) as {
        filterGroups?: { filters: Filter[] }[];
        sorts?: unknown[];
        limit?: number;
        after?: string;
        properties?: string[];
      };
      const r = range(body);
      if (!r) return res;
      const [lo, hi] = r;
      const offset = Number(body.after ?? 0);
      const limit = body.limit ?? 10;
      const first = lo + offset;
      const last = Math.min(hi, first + limit);
      const results = [];
      for (let i = first; i < last; i++) results.push(contact(i, body.properties));
      return {
        ...res,
        body: {
          total: hi - lo,
          results,
          ...(last < hi ? { paging: { next: { after: String(offset + limit), link: '' } } } : {}),
        },
      };
    },
  };
}
