import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/agreement/types.ts';
import { compileExample, ev, facts } from './example.ts';

const VP = { title: 'VP Operations', employees: 850, country: 'US' };
const MQL_AT = '2026-11-02T15:00:00Z'; // Monday 10:00 EST
const DUE = '2026-11-05T15:00:00Z'; // 24 business hours later: Thursday 10:00 EST

function handoff(edit?: Parameters<typeof compileExample>[0]) {
  const a = compileExample(edit);
  const f = facts({ person: VP, events: [ev('form_submission', MQL_AT, { form: 'demo-request' })] });
  const r = a.step(f, a.initialState(), { kind: 'event', at: MQL_AT, event: f.events[0] });
  return { a, f, state: r.state };
}

describe('SLA clock', () => {
  it('starts at mql with the business-hours deadline', () => {
    const { a, state } = handoff();
    expect(state.sla).toEqual({ startedAt: MQL_AT, due: DUE, breached: false });
    expect(a.slaDeadline(MQL_AT)).toBe(DUE);
  });

  it('uses plain elapsed time without business hours', () => {
    const { state } = handoff((c) => {
      delete c.sla!.business_hours;
    });
    expect(state.sla?.due).toBe('2026-11-03T15:00:00Z');
  });

  it('records the breach once, at the deadline', () => {
    const { a, f, state } = handoff();
    const early = a.step(f, state, { kind: 'sla', at: '2026-11-05T14:59:59Z' });
    expect(early.transitions).toEqual([]);
    const r = a.step(f, state, { kind: 'sla', at: DUE });
    expect(r.transitions).toEqual([
      {
        from: 'mql',
        to: 'mql',
        at: DUE,
        cause: 'sla',
        version: 7,
        scores: expect.any(Object),
        passed: [],
        breached: true,
      },
    ]);
    expect(r.state.sla?.breached).toBe(true);
    expect(a.step(f, r.state, { kind: 'sla', at: '2026-11-06T00:00:00Z' }).transitions).toEqual([]);
  });

  it('an answer exactly at the deadline is in time', () => {
    const { a, f, state } = handoff();
    const r = a.step(f, state, { kind: 'feedback', at: DUE, feedback: { decision: 'accept', at: DUE } });
    expect(r.transitions.map((t) => t.cause)).toEqual(['feedback']);
    expect(r.state.sla).toMatchObject({ answeredAt: DUE, breached: false });
    expect(a.step(f, r.state, { kind: 'sla', at: '2026-11-09T00:00:00Z' }).transitions).toEqual([]);
  });

  it('a late answer records the breach first, at the deadline', () => {
    const { a, f, state } = handoff();
    const late = '2026-11-05T16:00:00Z';
    const r = a.step(f, state, {
      kind: 'feedback',
      at: late,
      feedback: { decision: 'reject', reason: 'no_budget', at: late },
    });
    expect(r.transitions.map((t) => [t.at, t.cause, t.to])).toEqual([
      [DUE, 'sla', 'mql'],
      [late, 'feedback', 'recycled'],
    ]);
  });

  it.each([
    ['sql', { ...VP, lead_status: 'Qualified' }],
    ['disqualification', { ...VP, email: 'x@acme.example' }],
  ])('stops at %s', (_name, person) => {
    const { a, f, state } = handoff();
    const moved = a.step({ ...f, person }, state, { kind: 'evaluate', at: '2026-11-03T00:00:00Z' });
    expect(moved.state.sla?.stoppedAt).toBe('2026-11-03T00:00:00Z');
    expect(a.step({ ...f, person }, moved.state, { kind: 'sla', at: DUE }).transitions).toEqual([]);
  });

  it('takes accept_within from the first tier that holds at handoff, and sets the reminder', () => {
    const { state } = handoff((c) => {
      c.sla!.tiers = [
        { when: { event: 'form_submission', where: { form: 'demo-request' }, within: '1d' }, accept_within: '30m' },
        { when: { score: 'fit', gte: 50 }, accept_within: '4h' },
      ];
      c.sla!.remind_before = '15m';
    });
    expect(state.sla).toEqual({
      startedAt: MQL_AT,
      due: '2026-11-02T15:30:00Z',
      remindAt: '2026-11-02T15:15:00Z',
      tier: 0,
      breached: false,
    });
    const second = handoff((c) => {
      c.sla!.tiers = [
        { when: { score: 'fit', gte: 90 }, accept_within: '30m' },
        { when: { score: 'fit', gte: 50 }, accept_within: '4h' },
      ];
    });
    expect(second.state.sla).toMatchObject({ due: '2026-11-02T19:00:00Z', tier: 1 });
  });

  it('restarts at a new mql after a recycle', () => {
    const { a, f, state } = handoff();
    const step: Step = {
      kind: 'feedback',
      at: '2026-11-03T15:00:00Z',
      feedback: { decision: 'reject', reason: 'no_budget', at: '2026-11-03T15:00:00Z' },
    };
    const recycled = a.step(f, state, step).state;
    const f2 = { ...f, events: [...f.events, ev('form_submission', '2027-01-11T15:00:00Z', { form: 'demo-request' })] };
    const back = a.step(f2, recycled, { kind: 'event', at: '2027-01-11T15:00:00Z', event: f2.events[1] });
    expect(back.state.stage).toBe('mql');
    expect(back.state.sla).toEqual({ startedAt: '2027-01-11T15:00:00Z', due: '2027-01-14T15:00:00Z', breached: false });
  });
});

describe('slaStart', () => {
  it('starts a clock for a later handoff with tier and reminder', () => {
    const a = compileExample((c) => {
      c.sla!.tiers = [{ when: { score: 'fit', gte: 50 }, accept_within: '4h' }];
      c.sla!.remind_before = '30m';
    });
    const f = facts({ person: VP });
    expect(a.slaStart('2026-11-02T15:00:00Z', f)).toEqual({
      startedAt: '2026-11-02T15:00:00Z',
      due: '2026-11-02T19:00:00Z',
      remindAt: '2026-11-02T18:30:00Z',
      tier: 0,
      breached: false,
    });
    expect(a.slaStart('2026-11-02T15:00:00Z')?.due).toBe('2026-11-05T15:00:00Z');
    expect(compileExample((c) => delete c.sla).slaStart('2026-11-02T15:00:00Z')).toBeNull();
  });
});
