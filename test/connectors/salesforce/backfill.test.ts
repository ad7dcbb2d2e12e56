import { describe, expect, it } from 'vitest';
import type { BackfillPage } from '../../../connectors/types.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

describe('Salesforce backfill through Bulk API 2.0', () => {
  it('pages past one locator, reports totals, and resumes from a stored cursor', async () => {
    const api = freshOrg({ bulkChecksUntilComplete: 3 });
    const leads = Array.from(
      { length: 25 },
      (_, i) =>
        api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme, "Quoted" Inc', Email: `l${i}@acme.example` }).Id,
    );
    const contacts = Array.from({ length: 4 }, (_, i) => api.org.insert('Contact', { LastName: `C${i}` }).Id);
    const sf = connectorFor(api, { bulk: { pollIntervalMs: 1, pollTimeoutMs: 5_000, pageSize: 10 } });
    await sf.start();
    const pages: BackfillPage[] = [];
    for await (const page of sf.backfill(null)) {
      pages.push(page);
      if (pages.length === 2) break; // stop mid-Lead, as a crash would
    }
    expect(pages.map((p) => p.records.length)).toEqual([10, 10]);
    expect(pages[0].total).toBe(25);
    expect(pages[0].records[0].properties.Company).toBe('Acme, "Quoted" Inc');
    const resumed: BackfillPage[] = [];
    for await (const page of sf.backfill(pages[1].cursor)) resumed.push(page);
    const leadIds = [...pages, ...resumed].flatMap((p) =>
      p.records.filter((r) => r.object === 'Lead').map((r) => r.id),
    );
    expect(leadIds).toEqual(leads);
    expect(resumed.flatMap((p) => p.records.filter((r) => r.object === 'Contact').map((r) => r.id))).toEqual(contacts);
    expect(api.calls('/jobs/query', 'POST').length).toBe(6); // one job per object, the Lead job reused on resume
    expect(api.calls('/results').filter((r) => r.query.includes('locator=')).length).toBeGreaterThanOrEqual(2);
  });

  it('restarts an object whose job is gone', async () => {
    const api = freshOrg();
    Array.from({ length: 3 }, (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }));
    const sf = connectorFor(api, { bulk: { pollIntervalMs: 1, pollTimeoutMs: 5_000, pageSize: 2 } });
    const stale = JSON.stringify({ v: 1, i: 0, job: '7505g0000999999999', locator: 'Mg' });
    const pages: BackfillPage[] = [];
    for await (const page of sf.backfill(stale)) pages.push(page);
    expect(pages.flatMap((p) => p.records.filter((r) => r.object === 'Lead'))).toHaveLength(3);
  });
});
