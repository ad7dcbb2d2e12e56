import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  decodePosition,
  encodePosition,
  searchFor,
  type Position,
} from '../../../connectors/hubspot/keyset.ts';
import { runSearch } from '../../../sandbox/hubspot/search.ts';
import type { FakeRecord } from '../../../sandbox/hubspot/data.ts';

const PROP = 'lastmodifieddate';

function records(times: number[]): FakeRecord[] {
  return times.map((t, i) => {
    const iso = new Date(t).toISOString();
    return {
      id: String(1000 + i),
      properties: { [PROP]: iso, hs_object_id: String(1000 + i) },
      createdAt: iso,
      updatedAt: iso,
    };
  });
}

/** Drives the keyset over the fake's search until it says there is no more. */
function drain(recs: FakeRecord[], start: Position, limit: number): { ids: string[]; calls: number } {
  const ids: string[] = [];
  let pos = start;
  let calls = 0;
  for (let more = true; more && calls < 10_000;) {
    const { page, after } = runSearch(recs, searchFor(pos, PROP, limit));
    calls++;
    const step = advance(
      pos,
      page.map((r) => ({ id: r.id, properties: r.properties })),
      page.length >= limit || after !== null,
      PROP,
    );
    ids.push(...step.deliver.map((r) => r.id));
    pos = decodePosition(encodePosition(step.next));
    more = step.more;
  }
  return { ids, calls };
}

describe('keyset paging over search', () => {
  it('delivers every record exactly once, whatever the ties and page size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (offsets, limit) => {
          const recs = records(offsets.map((o) => 1_700_000_000_000 + o * 1000));
          const { ids } = drain(recs, { mode: 'gte', ts: 0 }, limit);
          expect(ids.length).toBe(recs.length);
          expect(new Set(ids)).toEqual(new Set(recs.map((r) => r.id)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('costs about one search per page when timestamps are distinct', () => {
    const recs = records(Array.from({ length: 2000 }, (_, i) => 1_700_000_000_000 + i));
    const { ids, calls } = drain(recs, { mode: 'gte', ts: 0 }, 200);
    expect(ids.length).toBe(2000);
    expect(calls).toBeLessThanOrEqual(12);
  });
});
