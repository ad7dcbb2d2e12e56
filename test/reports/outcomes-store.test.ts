import { describe, expect, it } from 'vitest';
import { loadOutcomes } from '../../src/pipeline/reports/outcomes.ts';
import type { Store } from '../../src/store/index.ts';
import { bothBackends } from '../support/store.ts';
import { openForSuite } from '../store/contract-support.ts';
import { loadConfig } from '../../src/config/load.ts';
import { SHIPPED } from '../config/fixture.ts';
import { seedOutcomes, T0, DAY } from './outcomes-seed.ts';

const NOW = '2026-12-01T00:00:00.000Z';

describe.each(bothBackends)('outcome report from the store on $name', ({ make }) => {
  let s: Store;
  openForSuite(make, (t) => (s = t.store));

  it('folds people, stage changes, feedback, deals and events in a few scans', async () => {
    await seedOutcomes(s);
    const { agreement } = await loadConfig(SHIPPED);
    const all = await loadOutcomes(s, agreement, 7, { version: null, from: null, to: null }, NOW);
    expect(all.people).toBe(5);
    expect(all.thresholds).toEqual({ fit: 40, engagement: 30 });
    expect(all.totals).toEqual({ mql: 4, sal: 2, sql: 2, opportunity: 2, won: 1 });

    const v7 = await loadOutcomes(s, agreement, 7, { version: 7, from: null, to: null }, NOW);
    expect(v7.people).toBe(4); // eve was handed over under version 6
    const demo = v7.qualification_rules.find((r) => r.rule === 'rule:demo-request')!;
    expect(demo).toMatchObject({ people: 1, accepted: 1, rejected: 0, acceptance: 1, won_revenue: 5000 });
    expect(demo.median_days_to_close).toBe(10);
    const mql = v7.qualification_rules.find((r) => r.rule === 'rule:mql')!;
    expect(mql).toMatchObject({ people: 1, rejected: 1, acceptance: 0, reject_reasons: { no_budget: 1 } });
    const rules = Object.fromEntries(v7.score_rules.map((r) => [r.rule, r.people]));
    expect(rules).toEqual({ 'big-company': 2, 'senior-title': 1, 'demo-request': 1, 'pricing-page': 1 });
    expect(v7.missed_buyers.count).toBe(1);
    expect(v7.missed_buyers.people[0]).toMatchObject({
      key: 'cy@corp.example',
      href: '/api/people/cy%40corp.example',
      fit: 10,
    });
    expect(v7.false_alarms.people.map((p) => p.key)).toEqual(['bo@corp.example']);
    // ana is judged by her scores at the handoff (fit 45 → band 40-50), not now
    expect(v7.conversion.fit[4]).toMatchObject({ band: '40-50', people: 1, won: 1 });
    expect(v7.calibration.fit[1]).toMatchObject({ band: '10-20', people: 1, opportunities: 1, share: 1 });

    const later = await loadOutcomes(
      s,
      agreement,
      7,
      { version: null, from: new Date(T0 + 1 * DAY).toISOString(), to: null },
      NOW,
    );
    expect(later.people).toBe(4); // ana's handoff was before the window
  });
});
