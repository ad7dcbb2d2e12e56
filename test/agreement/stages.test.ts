import { describe, expect, it } from 'vitest';
import { compileAgreement } from '../../src/agreement/compile.ts';
import { replay, type ReplayInput } from '../../src/agreement/replay.ts';
import type { PersonState, Step } from '../../src/agreement/types.ts';
import { compileExample, ev, facts, minimalConfig } from './example.ts';

const VP = { title: 'VP Operations', employees: 850, country: 'US' };
const DEMO = { form: 'demo-request' };
const AT = '2027-06-01T00:00:00Z';
const example = compileExample();
const brief = (r: ReturnType<typeof replay>) =>
  r.transitions.map((t) => `${t.from}>${t.to} ${t.cause}${t.passed.length ? ` [${t.passed.join(',')}]` : ''}`);

function person(over: Partial<ReplayInput> = {}): ReplayInput {
  return { email: 'ana@corp.example', person: VP, events: [], feedback: [], ...over };
}

describe('mql', () => {
  it('is entered at the event that crosses the line, with that event’s rule as cause', () => {
    const r = replay(
      example,
      person({
        events: [
          ev('page_view', '2026-11-01T10:00:00Z', { url: '/docs' }),
          ev('form_submission', '2026-11-02T10:00:00Z', DEMO),
        ],
      }),
      AT,
    );
    expect(brief(r)).toEqual(['lead>mql rule:demo-request', 'mql>mql sla']);
    expect(r.transitions[0]).toMatchObject({
      at: '2026-11-02T10:00:00Z',
      version: 7,
      scores: { fit: 55, engagement: 40 },
    });
    expect(r.state.entered.mql).toBe('2026-11-02T10:00:00Z');
    expect(r.state.reason).toBe('mql: rule:demo-request');
  });

  it('by scores: the crossing event names its rule', () => {
    // 10 + 10·0.5^(1/30) + 10·0.5^(2/30) < 30 after the third; the fourth crosses it.
    const events = [1, 2, 3, 4].map((d) => ev('form_submission', `2026-11-0${d}T10:00:00Z`, { form: 'ebook' }));
    const r = replay(example, person({ events }), '2026-11-04T10:00:00Z');
    expect(r.transitions.map((t) => [t.to, t.at, t.cause])).toEqual([['mql', '2026-11-04T10:00:00Z', 'rule:any-form']]);
  });

  it('cause is rule:mql when the condition already held without the event', () => {
    const c = minimalConfig();
    c.stages.mql = { field: 'person.country', eq: 'US' };
    const r = replay(compileAgreement(c), person({ events: [ev('form_submission', '2026-11-02T10:00:00Z')] }), AT);
    expect(r.transitions[0].cause).toBe('rule:mql');
  });

  it('stays mql while engagement decays (sticky)', () => {
    const events = [1, 2, 3, 4].map((d) => ev('form_submission', `2026-11-0${d}T10:00:00Z`, { form: 'ebook' }));
    const r = replay(example, person({ events }), '2028-01-01T00:00:00Z');
    expect(r.scores.engagement).toBeLessThan(1);
    expect(r.state.stage).toBe('mql');
  });
});

describe('sql, deals, skipped stages', () => {
  it('skips to sql by its condition and records the passed stages', () => {
    const r = replay(
      example,
      person({ person: { ...VP, lead_status: 'Qualified' }, events: [ev('email_open', '2026-11-02T10:00:00Z')] }),
      AT,
    );
    expect(brief(r)).toEqual(['lead>sql rule:sql [mql,sal]']);
  });

  it('sql when the Salesforce lead is converted', () => {
    const r = replay(example, { ...person(), converted: true }, AT);
    expect(brief(r)).toEqual(['lead>sql crm:converted [mql,sal]']);
  });

  it('a deal makes a person at least opportunity; won and lost close it', () => {
    expect(brief(replay(example, person({ deal: { stage: 'discovery' } }), AT))).toEqual([
      'lead>opportunity crm:deal.stage [mql,sal,sql]',
    ]);
    expect(brief(replay(example, person({ deal: { stage: 'won' } }), AT))).toEqual([
      'lead>won crm:deal.stage [mql,sal,sql,opportunity]',
    ]);
    const f = facts({ person: VP, deal: { stage: 'won' } });
    let s: PersonState = example.step(f, example.initialState(), { kind: 'evaluate', at: AT }).state;
    const lost = example.step({ ...f, deal: { stage: 'lost' } }, s, { kind: 'evaluate', at: AT });
    expect(lost.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['won>lost']);
    s = lost.state;
    // A reopened deal does not move a closed person backwards.
    expect(example.step({ ...f, deal: { stage: 'proposal' } }, s, { kind: 'evaluate', at: AT }).state.stage).toBe(
      'lost',
    );
  });
});

describe('feedback', () => {
  const mqlAt = '2026-11-02T10:00:00Z';
  const demo = [ev('form_submission', mqlAt, DEMO)];
  const fb = (decision: 'accept' | 'reject', at: string) => ({
    decision,
    at,
    ...(decision === 'reject' ? { reason: 'bad_timing' } : {}),
  });

  it.each([
    ['accept from lead → sal (mql passed)', [], [fb('accept', '2026-11-03T09:00:00Z')], ['lead>sal feedback [mql]']],
    [
      'accept from mql → sal',
      demo,
      [fb('accept', '2026-11-03T09:00:00Z')],
      ['lead>mql rule:demo-request', 'mql>sal feedback'],
    ],
    ['reject from lead → recycled', [], [fb('reject', '2026-11-03T09:00:00Z')], ['lead>recycled feedback']],
    [
      'reject from mql → recycled',
      demo,
      [fb('reject', '2026-11-03T09:00:00Z')],
      ['lead>mql rule:demo-request', 'mql>recycled feedback'],
    ],
    [
      'reject after accept → recycled',
      demo,
      [fb('accept', '2026-11-03T09:00:00Z'), fb('reject', '2026-11-04T09:00:00Z')],
      ['lead>mql rule:demo-request', 'mql>sal feedback', 'sal>recycled feedback'],
    ],
    [
      'accept from recycled → sal',
      demo,
      [fb('reject', '2026-11-03T09:00:00Z'), fb('accept', '2026-11-04T09:00:00Z')],
      ['lead>mql rule:demo-request', 'mql>recycled feedback', 'recycled>sal feedback [mql]'],
    ],
  ] as const)('%s', (_n, events, feedback, expected) => {
    expect(
      brief(replay(example, person({ events: [...events], feedback: [...feedback] }), '2026-11-05T00:00:00Z')),
    ).toEqual(expected);
  });

  it('changes nothing at sql or beyond', () => {
    const r = replay(
      example,
      person({ person: { ...VP, lead_status: 'Qualified' }, feedback: [fb('reject', '2026-11-03T09:00:00Z')] }),
      AT,
    );
    expect(brief(r)).toEqual(['lead>sql rule:sql [mql,sal]']);
    const d = replay(
      example,
      person({ deal: { stage: 'proposal' }, feedback: [fb('accept', '2026-11-03T09:00:00Z')] }),
      AT,
    );
    expect(d.state.stage).toBe('opportunity');
  });

  it('at one instant, events come before feedback', () => {
    const r = replay(example, person({ events: demo, feedback: [fb('reject', mqlAt)] }), '2026-11-05T00:00:00Z');
    expect(brief(r)).toEqual(['lead>mql rule:demo-request', 'mql>recycled feedback']);
    expect(r.transitions[1]).toMatchObject({ reason: 'bad_timing' });
    expect(r.state.rejectReason).toBe('bad_timing');
  });
});

describe('recycle', () => {
  const rejectAt = '2026-11-03T09:00:00Z';
  const holdEnd = '2027-01-02T09:00:00Z';

  it('holds mql for the hold and resets engagement and event conditions at the reject', () => {
    const r = replay(
      example,
      person({
        events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)],
        feedback: [{ decision: 'reject', reason: 'no_budget', at: rejectAt }],
      }),
      '2027-03-01T00:00:00Z',
    );
    // The demo request is at or before the reset: it no longer counts once the hold ends.
    expect(r.state).toMatchObject({ stage: 'recycled', holdUntil: holdEnd, resetAt: rejectAt });
    expect(r.scores.engagement).toBe(0);
  });

  it('re-qualifies when the hold ends, from events after the reset', () => {
    const events = [
      ev('form_submission', '2026-11-02T10:00:00Z', DEMO),
      ev('form_submission', '2026-11-20T10:00:00Z', DEMO),
    ];
    const r = replay(
      example,
      person({ events, feedback: [{ decision: 'reject', reason: 'no_budget', at: rejectAt }] }),
      '2027-03-01T00:00:00Z',
    );
    expect(r.transitions.map((t) => [t.from, t.to, t.at, t.cause])).toEqual([
      ['lead', 'mql', '2026-11-02T10:00:00Z', 'rule:demo-request'],
      ['mql', 'recycled', rejectAt, 'feedback'],
      ['recycled', 'mql', holdEnd, 'rule:mql'],
      // Nobody answered the new handoff: 24 business hours later the SLA is breached.
      ['mql', 'mql', '2027-01-06T22:00:00Z', 'sla'],
    ]);
  });

  it('an event after the hold re-qualifies with its rule as cause', () => {
    const events = [
      ev('form_submission', '2026-11-02T10:00:00Z', DEMO),
      ev('form_submission', '2027-02-01T10:00:00Z', DEMO),
    ];
    const r = replay(
      example,
      person({ events, feedback: [{ decision: 'reject', reason: 'no_budget', at: rejectAt }] }),
      '2027-03-01T00:00:00Z',
    );
    expect(r.transitions.find((t) => t.from === 'recycled')).toMatchObject({
      from: 'recycled',
      to: 'mql',
      at: '2027-02-01T10:00:00Z',
      cause: 'rule:demo-request',
    });
  });

  it('the hold blocks only mql: sql and deals still move a recycled person', () => {
    const a = example;
    const f = facts({ person: VP, events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)] });
    let s = a.step(f, a.initialState(), { kind: 'event', at: '2026-11-02T10:00:00Z', event: f.events[0] }).state;
    s = a.step(f, s, {
      kind: 'feedback',
      at: rejectAt,
      feedback: { decision: 'reject', reason: 'no_budget' as const, at: rejectAt },
    }).state;
    expect(s.stage).toBe('recycled');
    const sql = a.step({ ...f, person: { ...VP, lead_status: 'Qualified' } }, s, {
      kind: 'evaluate',
      at: '2026-11-10T00:00:00Z',
    });
    expect(sql.transitions.map((t) => `${t.from}>${t.to} ${t.cause}`)).toEqual(['recycled>sql rule:sql']);
    const accept = a.step(f, s, {
      kind: 'feedback',
      at: '2026-11-10T00:00:00Z',
      feedback: { decision: 'accept', at: '2026-11-10T00:00:00Z' },
    });
    expect(accept.state.stage).toBe('sal');
  });

  it('a second reject restarts hold and reset', () => {
    const feedback = [
      { decision: 'reject' as const, reason: 'no_budget', at: rejectAt },
      { decision: 'accept' as const, at: '2026-12-01T09:00:00Z' },
      { decision: 'reject' as const, reason: 'bad_timing', at: '2026-12-10T09:00:00Z' },
    ];
    const r = replay(
      example,
      person({ events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)], feedback }),
      '2027-01-05T00:00:00Z',
    );
    expect(r.state).toMatchObject({
      stage: 'recycled',
      holdUntil: '2027-02-08T09:00:00Z',
      resetAt: '2026-12-10T09:00:00Z',
      rejectReason: 'bad_timing',
    });
  });

  it('without a recycle section a reject still recycles, with no hold', () => {
    const c = minimalConfig();
    c.stages.mql = { event: 'form_submission' };
    const a = compileAgreement(c);
    const r = replay(
      a,
      person({
        events: [ev('form_submission', '2026-11-02T10:00:00Z')],
        feedback: [{ decision: 'reject', at: rejectAt }],
      }),
      AT,
    );
    expect(r.state.holdUntil).toBeUndefined();
    // Nothing holds it back: evaluated again, the condition puts it back at mql.
    expect(r.state.stage).toBe('mql');
  });
});

describe('disqualify', () => {
  const acme = { ...VP, email: 'raj@acme.example' };

  it('wins over everything, is checked first, and silences feedback', () => {
    const r = replay(
      example,
      person({
        person: acme,
        deal: { stage: 'won' },
        events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)],
        feedback: [{ decision: 'accept', at: '2026-11-03T00:00:00Z' }],
      }),
      AT,
    );
    expect(brief(r)).toEqual(['lead>disqualified rule:employee']);
    expect(r.state).toMatchObject({ stage: 'disqualified', disqualifiedBy: 'employee' });
  });

  it('restarts at lead once no rule holds, keeping hold and reset', () => {
    const f = facts({ person: VP, events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)] });
    let s = example.step(f, example.initialState(), {
      kind: 'event',
      at: '2026-11-02T10:00:00Z',
      event: f.events[0],
    }).state;
    s = example.step(f, s, {
      kind: 'feedback',
      at: '2026-11-03T00:00:00Z',
      feedback: { decision: 'reject', reason: 'no_budget', at: '2026-11-03T00:00:00Z' },
    }).state;
    const dq = example.step({ ...f, person: acme }, s, { kind: 'evaluate', at: '2026-11-04T00:00:00Z' });
    expect(dq.state.stage).toBe('disqualified');
    const ignored = example.step({ ...f, person: acme }, dq.state, {
      kind: 'feedback',
      at: '2026-11-05T00:00:00Z',
      feedback: { decision: 'accept', at: '2026-11-05T00:00:00Z' },
    });
    expect(ignored.transitions).toEqual([]);
    const back = example.step(f, dq.state, { kind: 'evaluate', at: '2026-11-06T00:00:00Z' });
    expect(back.transitions.map((t) => `${t.from}>${t.to} ${t.cause}`)).toEqual(['disqualified>lead rule:employee']);
    expect(back.state).toMatchObject({
      stage: 'lead',
      holdUntil: '2027-01-02T00:00:00Z',
      resetAt: '2026-11-03T00:00:00Z',
    });
    expect(back.state.disqualifiedBy).toBeUndefined();
  });

  it('evaluated afresh: a person qualifying again moves straight on', () => {
    const f = facts({ person: acme, events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)] });
    const dq = example.step(f, example.initialState(), {
      kind: 'event',
      at: '2026-11-02T10:00:00Z',
      event: f.events[0],
    });
    const back = example.step({ ...f, person: VP }, dq.state, { kind: 'evaluate', at: '2026-11-02T11:00:00Z' });
    expect(back.transitions.map((t) => `${t.from}>${t.to} ${t.cause}`)).toEqual(['disqualified>mql rule:mql']);
  });
});

describe('steps', () => {
  it('takes an event handed beside the known ones', () => {
    const e = ev('form_submission', '2026-11-02T10:00:00Z', DEMO, 'evt-1');
    const r = example.step(facts({ person: VP }), example.initialState(), {
      kind: 'event',
      at: e.at,
      event: e,
    } satisfies Step);
    expect(r.transitions[0]).toMatchObject({ to: 'mql', cause: 'rule:demo-request' });
  });

  it('does not change the state it was given', () => {
    const f = facts({ person: VP, events: [ev('form_submission', '2026-11-02T10:00:00Z', DEMO)] });
    const s0 = example.initialState();
    example.step(f, s0, { kind: 'evaluate', at: AT });
    expect(s0).toEqual({ stage: 'lead', entered: {} });
  });
});
