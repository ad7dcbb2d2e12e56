import { describe, expect, it } from 'vitest';
import { compileAgreement } from '../../src/agreement/compile.ts';
import { compileScorers } from '../../src/agreement/scores.ts';
import { ev, exampleConfig, facts, minimalConfig } from './example.ts';

const AT = '2026-11-23T00:00:00Z';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.parse(AT) - days * DAY).toISOString();
const lead = { stage: 'lead' as const, entered: {} };

describe('engagement', () => {
  it('decays exactly: 40 points, 30 days old, half-life 30d → 20', () => {
    const a = compileAgreement(minimalConfig());
    expect(a.scores(facts({ events: [ev('form_submission', ago(30))] }), lead, AT).engagement).toBe(20);
    expect(a.scores(facts({ events: [ev('form_submission', ago(60))] }), lead, AT).engagement).toBe(10);
    expect(a.scores(facts({ events: [ev('form_submission', ago(0))] }), lead, AT).engagement).toBe(40);
    expect(a.scores(facts({ events: [ev('form_submission', ago(15))] }), lead, AT).engagement).toBeCloseTo(
      40 / Math.SQRT2,
      10,
    );
  });

  it('ignores events after the evaluation time', () => {
    const a = compileAgreement(minimalConfig());
    expect(a.scores(facts({ events: [ev('form_submission', ago(-1))] }), lead, AT).engagement).toBe(0);
  });

  it('ignores events at or before a recycle reset', () => {
    const a = compileAgreement(minimalConfig());
    const f = facts({ events: [ev('form_submission', ago(10)), ev('form_submission', ago(5))] });
    expect(a.scores(f, { ...lead, resetAt: ago(10) }, AT).engagement).toBeCloseTo(40 * 0.5 ** (5 / 30), 10);
    expect(a.scores(f, { ...lead, resetAt: ago(5) }, AT).engagement).toBe(0);
  });

  it('counts each event under the first matching rule only', () => {
    const s = compileScorers(exampleConfig().score);
    expect(s.ruleOf('form_submission', { form: 'demo-request' })).toBe(0);
    expect(s.ruleOf('form_submission', { form: 'ebook' })).toBe(1);
    expect(s.ruleOf('page_view', { url: '/docs' })).toBe(-1);
    const a = compileAgreement(exampleConfig());
    const f = facts({ events: [ev('form_submission', AT, { form: 'demo-request' })] });
    expect(a.scores(f, lead, AT).engagement).toBe(40); // not 40 + 10
  });

  it('caps a rule’s decayed total, not its raw sum', () => {
    const a = compileAgreement(exampleConfig());
    // 10 clicks × 3 = 30 raw, capped at 15.
    const clicks = Array.from({ length: 10 }, () => ev('email_click', AT));
    expect(a.scores(facts({ events: clicks }), lead, AT).engagement).toBe(15);
    // 6 clicks 30 days old: 6 × 1.5 = 9 decayed, under the cap.
    const old = Array.from({ length: 6 }, () => ev('email_click', ago(30)));
    expect(a.scores(facts({ events: old }), lead, AT).engagement).toBe(9);
    // The cap holds per rule: 15 (clicks) + 20 (pricing, 5 views × 5 = 25 capped) + 40 demo.
    const mixed = [
      ...clicks,
      ...Array.from({ length: 5 }, () => ev('page_view', AT, { url: '/pricing' })),
      ev('form_submission', AT, { form: 'demo-request' }),
    ];
    expect(a.scores(facts({ events: mixed }), lead, AT).engagement).toBe(75);
  });

  it('clamps to [0, max]', () => {
    const c = minimalConfig();
    c.score.engagement.rules = [
      { id: 'big', on: 'form_submission', add: 70 },
      { id: 'neg', on: 'email_open', add: -50 },
    ];
    const a = compileAgreement(c);
    expect(
      a.scores(facts({ events: [ev('form_submission', AT), ev('form_submission', AT)] }), lead, AT).engagement,
    ).toBe(100);
    expect(a.scores(facts({ events: [ev('email_open', AT)] }), lead, AT).engagement).toBe(0);
  });
});

describe('fit', () => {
  it('adds every matching rule', () => {
    const a = compileAgreement(exampleConfig());
    const f = facts({ person: { title: 'VP Operations', employees: 850, country: 'US' } });
    expect(a.scores(f, lead, AT).fit).toBe(55);
  });

  it('clamps at 0 and at max', () => {
    const a = compileAgreement(exampleConfig());
    expect(a.scores(facts({ email: 'x@gmail.com', person: { country: 'FR' } }), lead, AT).fit).toBe(0);
    const c = exampleConfig();
    c.score.fit.max = 50;
    const capped = compileAgreement(c);
    expect(
      capped.scores(facts({ person: { title: 'VP Operations', employees: 850, country: 'US' } }), lead, AT).fit,
    ).toBe(50);
  });

  it('reads numbers in strings and misses blanks', () => {
    const a = compileAgreement(exampleConfig());
    expect(a.scores(facts({ person: { employees: '850' } }), lead, AT).fit).toBe(25);
    expect(a.scores(facts({ person: { employees: '1,200' } }), lead, AT).fit).toBe(0);
    expect(a.scores(facts({ person: { employees: '' } }), lead, AT).fit).toBe(0);
  });
});

describe('fit and disqualify that read events', () => {
  it('are evaluated afresh at each step (not cached like field-only rules)', async () => {
    const { replay } = await import('../../src/agreement/replay.ts');
    const c = minimalConfig();
    c.score.fit.rules = [{ id: 'met', if: { event: 'meeting_booked' }, add: 50 }];
    c.stages.mql = { score: 'fit', gte: 50 };
    c.disqualify = [{ id: 'spam', if: { event: 'custom:spam_report' } }];
    const a = compileAgreement(c);
    const r = replay(
      a,
      {
        email: 'a@corp.example',
        events: [
          ev('email_open', '2026-11-01T00:00:00Z'),
          ev('meeting_booked', '2026-11-02T00:00:00Z'),
          ev('custom:spam_report', '2026-11-03T00:00:00Z'),
        ],
      },
      '2026-11-04T00:00:00Z',
    );
    expect(r.transitions.map((t) => [t.to, t.at, t.scores.fit])).toEqual([
      ['mql', '2026-11-02T00:00:00Z', 50],
      ['disqualified', '2026-11-03T00:00:00Z', 50],
    ]);
  });
});
