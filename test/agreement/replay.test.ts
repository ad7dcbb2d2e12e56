import { describe, expect, it } from 'vitest';
import { replay } from '../../src/agreement/replay.ts';
import { compileExample, ev } from './example.ts';

const VP = { title: 'VP Operations', employees: 850, country: 'US' };
const a = compileExample();

describe('replay', () => {
  it('replays in time order whatever the input order', () => {
    const events = [
      ev('form_submission', '2026-11-05T10:00:00Z', { form: 'demo-request' }),
      ev('page_view', '2026-11-01T10:00:00Z', { url: '/pricing' }),
    ];
    const r = replay(a, { email: 'a@corp.example', person: VP, events }, '2026-11-06T00:00:00Z');
    expect(r.transitions.map((t) => [t.to, t.at])).toEqual([['mql', '2026-11-05T10:00:00Z']]);
  });

  it('ignores everything after the evaluation time', () => {
    const r = replay(
      a,
      {
        email: 'a@corp.example',
        person: VP,
        events: [ev('form_submission', '2026-11-05T10:00:00Z', { form: 'demo-request' })],
        feedback: [{ decision: 'accept', at: '2026-11-06T00:00:00Z' }],
      },
      '2026-11-04T00:00:00Z',
    );
    expect(r.state.stage).toBe('lead');
    expect(r.transitions).toEqual([]);
  });

  it('evaluates at one instant events in input order: only the event that crosses is the cause', () => {
    const t = '2026-11-02T10:00:00Z';
    const events = [ev('email_open', t), ev('form_submission', t, { form: 'demo-request' }), ev('email_click', t)];
    const r = replay(a, { email: 'a@corp.example', person: VP, events }, '2026-11-02T11:00:00Z');
    expect(r.transitions[0]).toMatchObject({
      to: 'mql',
      cause: 'rule:demo-request',
      scores: { fit: 55, engagement: 40 },
    });
  });

  it('evaluates when a hold ends, between two steps', () => {
    const r = replay(
      a,
      {
        email: 'a@corp.example',
        person: VP,
        events: [
          ev('form_submission', '2026-11-02T10:00:00Z', { form: 'demo-request' }),
          ev('form_submission', '2026-11-10T10:00:00Z', { form: 'demo-request' }),
          ev('email_open', '2027-02-01T00:00:00Z'),
        ],
        feedback: [{ decision: 'reject', reason: 'no_budget', at: '2026-11-03T09:00:00Z' }],
      },
      '2027-02-02T00:00:00Z',
    );
    expect(r.transitions.find((t) => t.from === 'recycled')).toMatchObject({
      to: 'mql',
      at: '2027-01-02T09:00:00Z',
      cause: 'rule:mql',
    });
  });

  it('fields hold for the whole replay', () => {
    const r = replay(
      a,
      {
        email: 'a@corp.example',
        person: { ...VP, lead_status: 'Qualified' },
        events: [ev('email_open', '2026-11-02T10:00:00Z')],
      },
      '2026-11-03T00:00:00Z',
    );
    expect(r.transitions.map((t) => [t.to, t.at])).toEqual([['sql', '2026-11-02T10:00:00Z']]);
  });
});
