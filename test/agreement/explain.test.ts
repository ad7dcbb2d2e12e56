import { describe, expect, it } from 'vitest';
import { replay } from '../../src/agreement/replay.ts';
import { compileExample, ev, facts } from './example.ts';

describe('explain', () => {
  it('gives readable lines and the same as data', () => {
    const a = compileExample();
    const events = [
      ev('form_submission', '2026-11-02T10:00:00Z', { form: 'demo-request' }),
      ...Array.from({ length: 8 }, (_, i) => ev('email_click', `2026-11-${String(6 + i).padStart(2, '0')}T10:00:00Z`)),
    ];
    const person = { title: 'VP Operations', employees: 850, country: 'US' };
    const at = '2026-11-14T10:00:00Z';
    const { state } = replay(a, { email: 'ana@corp.example', person, events }, at);
    const x = a.explain(facts({ person, events }), state, at);
    expect(x.stage).toBe('mql');
    expect(x.lines).toEqual([
      'fit +25 big-company (employees 850 ≥ 200)',
      'fit +20 senior-title (title "VP Operations" ~ /(?i)\\b(vp|director|head|chief)\\b/)',
      'fit +10 target-country (country US in [US, CA, GB, DE])',
      'engagement +30.31 demo-request (form_submission 12d ago, 40 decayed)',
      'engagement +15 email-click (8 × email_click, latest 1d ago, 24 decayed, capped at 15)',
      'scores: fit 55 of 100, engagement 45.31 of 100',
      'mql: rule:demo-request at 2026-11-02T10:00Z',
      'sla: due 2026-11-04T22:00Z, breached',
    ]);
    expect(x.rules[0]).toEqual({ score: 'fit', id: 'big-company', points: 25, detail: 'employees 850 ≥ 200' });
    expect(x.rules.find((r) => r.id === 'email-click')?.points).toBe(15);
    expect(x.scores.engagement).toBeCloseTo(40 * 0.5 ** (12 / 30) + 15, 10);
  });

  it('names hold, reset and negative points', () => {
    const a = compileExample();
    const events = [ev('form_submission', '2026-11-02T10:00:00Z', { form: 'demo-request' })];
    const feedback = [{ decision: 'reject' as const, reason: 'bad_timing', at: '2026-11-03T09:00:00Z' }];
    const { state } = replay(
      a,
      { email: 'x@gmail.com', person: { employees: 10 }, events, feedback },
      '2026-11-10T00:00:00Z',
    );
    const x = a.explain(
      facts({ email: 'x@gmail.com', person: { employees: 10 }, events }),
      state,
      '2026-11-10T00:00:00Z',
    );
    expect(x.lines).toContain('fit -30 free-mail (email x@gmail.com ~ /@(gmail|yahoo|hotmail)\\./)');
    expect(x.lines).toContain('recycled: feedback at 2026-11-03T09:00Z');
    expect(x.lines).toContain('recycle hold: no new mql before 2027-01-02T09:00Z');
    expect(x.lines).toContain('engagement counts only events after 2026-11-03T09:00Z');
    expect(x.scores).toEqual({ fit: 0, engagement: 0 });
  });
});
