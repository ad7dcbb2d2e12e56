import { expect, test } from 'vitest';
import { computeFunnel, type FunnelTransition } from '../../src/reports/funnel.ts';

let id = 0;
// The person is the histories' key; the funnel needs nothing else of a stored row.
const t = (
  _personId: number,
  from: FunnelTransition['from'],
  to: FunnelTransition['to'],
  at: string,
  extra: Partial<FunnelTransition> & { cause?: string } = {},
): FunnelTransition => ({
  id: ++id,
  from,
  to,
  at,
  passed: [],
  breached: false,
  reason: null,
  meta: {},
  ...extra,
});

test('entered, current, conversion, SLA and reject reasons', () => {
  const histories = new Map<number, FunnelTransition[]>([
    [
      1,
      [
        t(1, 'lead', 'mql', '2026-11-02T10:00:00Z', { meta: { handedAt: '2026-11-02T11:00:00Z' } }),
        t(1, 'mql', 'sal', '2026-11-02T14:00:00Z', { cause: 'feedback' }),
      ],
    ],
    [
      2,
      [
        t(2, 'lead', 'mql', '2026-11-03T10:00:00Z'),
        t(2, 'mql', 'mql', '2026-11-04T10:00:00Z', { cause: 'sla', breached: true }),
        t(2, 'mql', 'recycled', '2026-11-05T10:00:00Z', { cause: 'feedback', reason: 'bad_timing' }),
      ],
    ],
    [3, [t(3, 'lead', 'mql', '2026-11-04T10:00:00Z')]],
    [
      4,
      [
        t(4, 'lead', 'sql', '2026-11-04T12:00:00Z', { passed: ['mql', 'sal'] }),
        t(4, 'sql', 'won', '2026-11-20T12:00:00Z'),
      ],
    ],
  ]);
  const people = [
    { id: 1, stage: 'sal' as const },
    { id: 2, stage: 'recycled' as const },
    { id: 3, stage: 'mql' as const },
    { id: 4, stage: 'won' as const },
    { id: 5, stage: 'lead' as const },
  ];
  const f = computeFunnel({ from: null, to: null, histories, people });
  expect(f.entered).toMatchObject({ mql: 4, sal: 2, sql: 1, won: 1, recycled: 1, lead: 0 });
  expect(f.current).toMatchObject({ lead: 1, mql: 1, sal: 1, recycled: 1, won: 1, opportunity: 0 });
  expect(f.conversion).toEqual({ mql_to_sal: 0.5, sal_to_sql: 0.5, sql_to_won: 1 });
  // Person 1 answered 3 h after Baton handed it over (not 4 h after the change), person 2 after
  // 48 h (breached); person 4 skipped mql and has no clock.
  expect(f.sla).toEqual({ answered_in_time: 1, breached: 1, open: 1, median_answer_hours: 25.5 });
  expect(f.reject_reasons).toEqual({ bad_timing: 1 });

  const window = computeFunnel({ from: '2026-11-04T00:00:00Z', to: '2026-11-10T00:00:00Z', histories, people });
  expect(window.entered).toMatchObject({ mql: 2, sql: 1, won: 0, recycled: 1 });
  expect(window.current.lead).toBe(1);
});
