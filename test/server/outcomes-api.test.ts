import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSeeded, type Served } from './dashboard/harness.ts';
import { TOKEN } from './dashboard/seed.ts';
import { seedOutcomes } from '../reports/outcomes-seed.ts';
import type { OutcomeReportWithSuggestion } from '../../src/pipeline/reports/outcomes.ts';

let served: Served;
beforeAll(async () => {
  served = await serveSeeded({ empty: true });
  await seedOutcomes(served.store);
});
afterAll(() => served?.close());

const get = (path: string, auth = true) =>
  fetch(served.url + path, auth ? { headers: { authorization: `Bearer ${TOKEN}` } } : {});

describe('GET /api/outcomes', () => {
  it('answers the report for a version and a period', async () => {
    const all = await served.api<OutcomeReportWithSuggestion>('/api/outcomes');
    expect(all).toMatchObject({ people: 5, missed_buyers: { count: 1 }, false_alarms: { count: 1 } });
    expect(all.thresholds).toEqual({ fit: 40, engagement: 30 });
    expect(all.suggestion.current).toMatchObject({ fit: 40, engagement: 30 });
    const v6 = await served.api<OutcomeReportWithSuggestion>('/api/outcomes?version=6');
    expect(v6.people).toBe(1);
    expect(v6.qualification_rules.map((r) => r.rule)).toEqual(['rule:mql']);
    const window = await served.api<OutcomeReportWithSuggestion>(
      '/api/outcomes?from=2026-09-01T00:00:00Z&to=2026-09-02T00:00:00Z',
    );
    expect(window).toMatchObject({ from: '2026-09-01T00:00:00Z', to: '2026-09-02T00:00:00Z', people: 1 });
    // the listed people open in the person view
    const open = await get(all.missed_buyers.people[0].href);
    expect(open.status).toBe(200);
    expect(((await open.json()) as { email: string }).email).toBe('cy@corp.example');
  });

  it('refuses bad parameters with 400 bad_input naming the field and what was expected', async () => {
    for (const [q, field, text] of [
      ['version=abc', 'version', 'expected a positive whole number'],
      ['version=0', 'version', 'expected a positive whole number'],
      ['from=yesterday', 'from', 'ISO 8601'],
      ['from=2026-10-01&to=2026-09-01', 'to', 'expected a time after from'],
    ] as const) {
      const res = await get(`/api/outcomes?${q}`);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { error: string; field: string; message: string };
      expect(body.error).toBe('bad_input');
      expect(body.field).toBe(field);
      expect(body.message).toContain(text);
    }
  });

  it('needs the token', async () => {
    expect((await get('/api/outcomes', false)).status).toBe(401);
  });
});
