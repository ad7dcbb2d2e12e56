import { describe, expect, it } from 'vitest';
import { slaBreakdown } from '../../../src/pipeline/sla/sla-policy-funnel.ts';
import type { PersonRow, TransitionRow } from '../../../src/store/types.ts';

let nextId = 1;
const t = (
  personId: number,
  from: TransitionRow['from'],
  to: TransitionRow['to'],
  at: string,
  extra: Partial<TransitionRow> = {},
): TransitionRow => ({
  id: nextId++,
  personId,
  from,
  to,
  at,
  cause: 'rule:x',
  version: 1,
  scores: { fit: 0, engagement: 0 },
  passed: [],
  breached: false,
  reason: null,
  meta: {},
  ...extra,
});
const person = (id: number, owner: string, tier?: number): PersonRow => ({
  id,
  email: `p${id}@x.example`,
  hubspotId: null,
  salesforceId: null,
  salesforceObject: null,
  fields: {},
  fieldSources: {
    $meta: {
      routing: {
        rule: 'r',
        user: owner,
        reason: '',
        ownerId: `005${id}`,
        ownerName: null,
        ownerEmail: owner,
        createAs: 'Lead',
        at: '',
      },
    },
  },
  state: {
    stage: 'mql',
    entered: {},
    ...(tier === undefined ? {} : { sla: { startedAt: '', due: '', breached: false, tier } }),
  },
  stage: 'mql',
  scores: { fit: 0, engagement: 0 },
  slaDue: null,
  slaBreached: false,
  ownerId: null,
  updatedAt: '',
  revision: 1,
});

describe('SLA breakdown of the funnel', () => {
  it("splits Baton's delay from the rep's, per tier and per owner", () => {
    const histories = new Map<number, TransitionRow[]>([
      // answered 2 h after the Task, which came 3 minutes after the change
      [1, [t(1, 'lead', 'mql', '2026-12-01T10:00:00Z'), t(1, 'mql', 'sal', '2026-12-01T12:03:00Z')]],
      // breached, then answered
      [
        2,
        [
          t(2, 'lead', 'mql', '2026-12-01T10:00:00Z'),
          t(2, 'mql', 'mql', '2026-12-01T10:30:00Z', { cause: 'sla', breached: true }),
          t(2, 'mql', 'sal', '2026-12-01T11:00:00Z'),
        ],
      ],
      // still open
      [3, [t(3, 'lead', 'mql', '2026-12-01T10:00:00Z')]],
    ]);
    const people = new Map([
      [1, person(1, 'ana@acme.example', 0)],
      [2, person(2, 'ana@acme.example', 0)],
      [3, person(3, 'bo@acme.example')],
    ]);
    const taskAt = new Map([
      [1, '2026-12-01T10:03:00Z'],
      [2, '2026-12-01T10:01:00Z'],
      [3, '2026-12-01T10:05:00Z'],
    ]);
    const { sla_detail: d } = slaBreakdown({ from: null, to: null, histories, people, taskAt, tierNames: ['demo'] });
    expect(d).toMatchObject({
      answered_in_time: 1,
      breached: 1,
      open: 1,
      share_in_time: 0.5,
      median_baton_delay_minutes: 3,
    });
    expect(d.median_rep_delay_hours).toBeCloseTo((2 + 59 / 60) / 2, 2);
    expect(d.by_tier.demo).toMatchObject({ answered_in_time: 1, breached: 1, open: 0, median_baton_delay_minutes: 2 });
    expect(d.by_tier.default).toMatchObject({
      open: 1,
      share_in_time: null,
      median_rep_delay_hours: null,
      median_baton_delay_minutes: 5,
    });
    expect(d.by_owner['ana@acme.example']).toMatchObject({ answered_in_time: 1, breached: 1 });
    expect(d.by_owner['bo@acme.example']).toMatchObject({ open: 1 });
  });
});
