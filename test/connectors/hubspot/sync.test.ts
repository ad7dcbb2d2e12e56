import { afterEach, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../../connectors/types.ts';
import { BASE, FAST, harness } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

const T0 = Date.parse('2026-11-20T10:00:00Z');

async function drainPoll(c: ReturnType<ReturnType<typeof harness>['connector']>, cursor: string | null) {
  const seen: CrmRecord[] = [];
  for (let i = 0; i < 200; i++) {
    const page = await c.poll(cursor);
    seen.push(...page.records);
    cursor = page.cursor;
    if (!page.more) break;
  }
  return { seen, cursor };
}

describe('HubSpot incremental poll', () => {
  it('delivers 250 contacts sharing one timestamp exactly once, then only later changes', async () => {
    h = harness();
    const before = h.api.seed('contacts', { email: 'old@corp.example' }, { at: T0 - 60_000 });
    const same = Array.from({ length: 250 }, (_, i) =>
      h.api.seed('contacts', { email: `p${i}@corp.example` }, { at: T0 }),
    );
    const after = Array.from({ length: 30 }, (_, i) =>
      h.api.seed('contacts', { email: `q${i}@corp.example` }, { at: T0 + 1000 + i }),
    );
    const c = h.connector({ limits: FAST, pollStartMs: T0 });

    const first = await drainPoll(c, null);
    const ids = first.seen.filter((r) => r.object === 'contact').map((r) => r.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set([...same, ...after]));
    expect(ids).not.toContain(before);

    // A marketer edits one record: the next poll returns it alone.
    h.api.changeAsMarketer('contacts', same[3], { jobtitle: 'CFO' }, { at: T0 + 5000 });
    const second = await drainPoll(c, first.cursor);
    expect(second.seen.map((r) => r.id)).toEqual([same[3]]);
    expect(second.seen[0].properties.jobtitle).toBe('CFO');
  });

  it('keeps going past the search ceiling (HubSpot: 10,000; lowered here to 1,000 for speed)', async () => {
    h = harness({ searchCeiling: 1000 });
    const n = 1250;
    for (let i = 0; i < n; i++) h.api.seed('contacts', { email: `p${i}@corp.example` }, { at: T0 + Math.floor(i / 3) });
    const c = h.connector({ limits: FAST, pollStartMs: T0 });
    const { seen } = await drainPoll(c, null);
    expect(h.api.log.filter((l) => l.search && l.status !== 200)).toEqual([]);
    // A client paging with `after` alone would have hit the ceiling.
    const afterPaging = await fetch(`${BASE}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 200, after: '1000' }),
    });
    expect(afterPaging.status).toBe(400);
    expect(seen.length).toBe(n);
    expect(new Set(seen.map((r) => r.id)).size).toBe(n);
  });
});

describe('HubSpot backfill', () => {
  it('reads 2,000 contacts with their companies in ≤ 30 read calls and resumes from its cursor', async () => {
    h = harness();
    const companies = Array.from({ length: 40 }, (_, i) =>
      h.api.seed('companies', { name: `Co ${i}`, numberofemployees: 10 * i }, { at: T0 }),
    );
    for (let i = 0; i < 2000; i++) {
      const id = h.api.seed('contacts', { email: `p${i}@corp.example` }, { at: T0 + i * 10 });
      h.api.associate('contacts', id, 'companies', companies[i % 40], { primary: true });
    }
    for (let i = 0; i < 20; i++) h.api.seed('deals', { dealname: `D${i}`, amount: 100 }, { at: T0 + i });

    // First run crashes after its first page.
    const c1 = h.connector({ limits: FAST });
    let cursor: string | null = null;
    const got: CrmRecord[] = [];
    for await (const page of c1.backfill(null)) {
      got.push(...page.records);
      cursor = page.cursor;
      expect(page.total).toBe(2000);
      break;
    }
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(2000);

    const c2 = h.connector({ limits: FAST });
    let lastTotal: number | undefined;
    for await (const page of c2.backfill(cursor)) {
      got.push(...page.records);
      lastTotal = page.total;
    }
    const contacts = got.filter((r) => r.object === 'contact');
    expect(contacts.length).toBe(2000);
    expect(new Set(contacts.map((r) => r.id)).size).toBe(2000);
    expect(got.filter((r) => r.object === 'deal').length).toBe(20);
    expect(lastTotal).toBe(2020);
    expect(contacts.every((r) => r.properties['company.numberofemployees'] !== undefined)).toBe(true);

    const reads = h.api.log.filter((l) => l.search || /batch\/read$/.test(l.path));
    expect(reads.length).toBeLessThanOrEqual(30);
    console.info(
      `backfill 2000 contacts + 20 deals: ${reads.length} read calls (${reads.filter((l) => l.search).length} searches, ${reads.filter((l) => /associations/.test(l.path)).length} association reads, ${reads.filter((l) => /objects\/companies\/batch/.test(l.path)).length} company reads)`,
    );
  });

  it('reads the next page while the consumer still holds this one, and delivers every contact once', async () => {
    h = harness();
    for (let i = 0; i < 2500; i++) h.api.seed('contacts', { email: `r${i}@corp.example` }, { at: T0 + i * 10 });
    const c = h.connector({ limits: FAST });
    const ids: string[] = [];
    let searchesWhileHeld = 0;
    for await (const page of c.backfill(null)) {
      ids.push(...page.records.filter((r) => r.object === 'contact').map((r) => r.id));
      const before = h.api.log.filter((l) => l.search).length;
      // the consumer takes its time (storing the page); the next page's searches go on meanwhile
      await new Promise((r) => setTimeout(r, 100));
      searchesWhileHeld += h.api.log.filter((l) => l.search).length - before;
    }
    expect(ids.length).toBe(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(searchesWhileHeld).toBeGreaterThan(0);
  });

  it('backfills only what changed since a date', async () => {
    h = harness();
    h.api.seed('contacts', { email: 'old@corp.example' }, { at: T0 - 86_400_000 });
    const recent = h.api.seed('contacts', { email: 'new@corp.example' }, { at: T0 + 1 });
    const c = h.connector({ limits: FAST });
    const got: CrmRecord[] = [];
    for await (const page of c.backfill(null, new Date(T0).toISOString())) got.push(...page.records);
    expect(got.map((r) => r.id)).toEqual([recent]);
  });
});
