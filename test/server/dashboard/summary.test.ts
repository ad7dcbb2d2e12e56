import { describe, expect, it } from 'vitest';
import type { TransitionRow } from '../../../src/store/types.ts';
import { distribution, summarize, type PersonInfo, type SummaryInput } from '../../../src/server/dashboard/summary.ts';
import type { AgreementInfo, HealthInfo } from '../../../src/server/dashboard/types.ts';

const agreement: AgreementInfo = {
  name: 'Acme lead handoff',
  version: 7,
  owners: {
    marketing: { name: 'Dana Lee', email: 'dana@acme.example', approved: '2026-11-01' },
    sales: { name: 'Raj Patel', email: 'raj@acme.example', approved: '2026-11-03' },
  },
  liveAt: '2026-11-03T10:00:00.000Z',
  draft: null,
};
const health: HealthInfo = {
  inboxLagMs: 1200,
  inboxPending: 3,
  outboxPending: 2,
  deadLetters: 1,
  connectors: { hubspot: true, salesforce: false },
};

let nextId = 1;
function t(personId: number, to: TransitionRow['to'], at: string, extra: Partial<TransitionRow> = {}): TransitionRow {
  return {
    id: nextId++,
    personId,
    from: null,
    to,
    at,
    cause: 'rule:mql',
    version: 7,
    scores: { fit: 40, engagement: 30 },
    passed: [],
    breached: false,
    reason: null,
    meta: {},
    ...extra,
  };
}
const H = 3_600_000;
const iso = (base: string, hours: number) => new Date(Date.parse(base) + hours * H).toISOString();

function input(
  rows: TransitionRow[],
  people: PersonInfo[] = [],
  window: { from?: string; to?: string } = {},
): SummaryInput {
  const histories = new Map<number, TransitionRow[]>();
  for (const r of rows) histories.set(r.personId, [...(histories.get(r.personId) ?? []), r]);
  return {
    from: window.from ?? null,
    to: window.to ?? null,
    histories,
    people: new Map(people.map((p) => [p.id, p])),
    recent: [...rows].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),
    agreement,
    health,
  };
}

const D = '2026-11-10T12:00:00.000Z';

describe('summarize', () => {
  it('counts MQLs, answers, acceptance and reject reasons', () => {
    const rows = [
      // 1: accepted in 2 h; Baton created the Task 15 min after the change
      t(1, 'mql', D, { meta: { taskCreatedAt: iso(D, 0.25), owner: 'rep-a' } }),
      t(1, 'sal', iso(D, 2), { from: 'mql', cause: 'feedback' }),
      // 2: rejected for no_budget after 4 h
      t(2, 'mql', D, { meta: { taskCreatedAt: iso(D, 1) } }),
      t(2, 'recycled', iso(D, 4), { from: 'mql', cause: 'feedback', reason: 'no_budget' }),
      // 3: breached, then rejected (bad_timing, reason in meta)
      t(3, 'mql', D, { meta: { owner: 'rep-b' } }),
      t(3, 'mql', iso(D, 24), { from: 'mql', cause: 'sla', breached: true }),
      t(3, 'recycled', iso(D, 30), { from: 'mql', cause: 'feedback', meta: { reason: 'bad_timing' } }),
      // 4: still open
      t(4, 'mql', iso(D, 1)),
    ];
    const s = summarize(input(rows, [{ id: 4, email: 'd@x.example', ownerId: 'rep-c' }]));
    expect(s.marketing).toEqual({
      mqls_delivered: 4,
      accepted: 1,
      rejected: 2,
      acceptance_rate: 0.3333,
      reject_reasons: { bad_timing: 1, no_budget: 1 },
      requalified: 0,
    });
    expect(s.sales.sla).toEqual({ answered_in_time: 2, breached: 1, open: 1 });
    expect(s.sales.breaches_by_owner).toEqual({ 'rep-b': 1 });
    expect(s.sales.time_to_answer.total).toEqual({ count: 3, median_hours: 4, p90_hours: 24.8 });
    // Baton: 0.25 h and 1 h; rep: 1.75 h and 3 h
    expect(s.sales.time_to_answer.baton).toEqual({ count: 2, median_hours: 0.625, p90_hours: 0.925 });
    expect(s.sales.time_to_answer.rep).toEqual({ count: 2, median_hours: 2.375, p90_hours: 2.875 });
    expect(s.health).toBe(health);
    expect(s.agreement).toBe(agreement);
  });

  it('counts a recycled person qualifying again, once per person', () => {
    const rows = [
      t(5, 'mql', '2026-08-01T00:00:00.000Z'),
      t(5, 'recycled', '2026-08-02T00:00:00.000Z', { reason: 'bad_timing' }),
      t(5, 'mql', '2026-11-05T00:00:00.000Z', { from: 'recycled' }),
      t(5, 'recycled', '2026-11-06T00:00:00.000Z', { reason: 'no_response' }),
      t(5, 'mql', '2026-11-20T00:00:00.000Z', { from: 'recycled' }),
      t(6, 'mql', '2026-11-05T00:00:00.000Z'),
    ];
    const s = summarize(input(rows, [], { from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' }));
    expect(s.marketing.mqls_delivered).toBe(3);
    expect(s.marketing.requalified).toBe(1);
    // the August rejection is outside the window
    expect(s.marketing.reject_reasons).toEqual({ no_response: 1 });
    expect(s.marketing.rejected).toBe(1);
  });

  it('keeps to the window: an MQL before it counts nothing, its answer inside still stops nothing new', () => {
    const rows = [
      t(7, 'mql', '2026-10-30T00:00:00.000Z'),
      t(7, 'sal', '2026-11-02T00:00:00.000Z', { from: 'mql', cause: 'feedback' }),
    ];
    const s = summarize(input(rows, [], { from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' }));
    expect(s.marketing.mqls_delivered).toBe(0);
    expect(s.sales.sla).toEqual({ answered_in_time: 0, breached: 0, open: 0 });
  });

  it('stops the clock at sql or disqualification and counts sql as accepted', () => {
    const rows = [
      t(8, 'mql', D),
      t(8, 'sql', iso(D, 5), { from: 'mql', cause: 'rule:sql', passed: ['sal'] }),
      t(9, 'mql', D),
      t(9, 'disqualified', iso(D, 1), { from: 'mql', cause: 'rule:employee' }),
    ];
    const s = summarize(input(rows));
    expect(s.marketing).toMatchObject({ accepted: 1, rejected: 0, acceptance_rate: 1 });
    expect(s.sales.sla).toEqual({ answered_in_time: 2, breached: 0, open: 0 });
  });

  it('attributes a breach to the owner named on the breach, else the person owner, else unassigned', () => {
    const rows = [
      t(10, 'mql', D),
      t(10, 'mql', iso(D, 24), { breached: true, cause: 'sla', meta: { owner: '005A' } }),
      t(11, 'mql', D),
      t(11, 'mql', iso(D, 24), { breached: true, cause: 'sla' }),
      t(12, 'mql', D),
      t(12, 'mql', iso(D, 24), { breached: true, cause: 'sla' }),
    ];
    const s = summarize(input(rows, [{ id: 11, email: 'k@x.example', ownerId: '005B' }]));
    expect(s.sales.breaches_by_owner).toEqual({ '(unassigned)': 1, '005A': 1, '005B': 1 });
    expect(s.sales.sla).toEqual({ answered_in_time: 0, breached: 3, open: 0 });
    expect(s.marketing.acceptance_rate).toBeNull();
  });

  it('lists recent handoffs with person, stage, cause and rule', () => {
    const rows = [
      t(13, 'mql', D, { cause: 'rule:demo-request' }),
      t(13, 'recycled', iso(D, 2), { from: 'mql', cause: 'feedback', reason: 'no_budget' }),
    ];
    const s = summarize(input(rows, [{ id: 13, email: 'ana@corp.example', ownerId: null }]));
    expect(s.recent).toEqual([
      {
        at: iso(D, 2),
        person: { id: 13, email: 'ana@corp.example' },
        from: 'mql',
        stage: 'recycled',
        cause: 'feedback',
        rule: null,
        reason: 'no_budget',
        breached: false,
        version: 7,
      },
      {
        at: D,
        person: { id: 13, email: 'ana@corp.example' },
        from: null,
        stage: 'mql',
        cause: 'rule:demo-request',
        rule: 'demo-request',
        reason: null,
        breached: false,
        version: 7,
      },
    ]);
  });

  it('answers empty figures for an empty store', () => {
    const s = summarize(input([]));
    expect(s.marketing).toEqual({
      mqls_delivered: 0,
      accepted: 0,
      rejected: 0,
      acceptance_rate: null,
      reject_reasons: {},
      requalified: 0,
    });
    expect(s.sales.time_to_answer.total).toEqual({ count: 0, median_hours: null, p90_hours: null });
    expect(s.recent).toEqual([]);
  });
});

describe('distribution', () => {
  it('interpolates the median and the 90th percentile', () => {
    expect(distribution([H])).toEqual({ count: 1, median_hours: 1, p90_hours: 1 });
    expect(distribution([4 * H, 1 * H, 3 * H, 2 * H])).toEqual({ count: 4, median_hours: 2.5, p90_hours: 3.7 });
  });
});
