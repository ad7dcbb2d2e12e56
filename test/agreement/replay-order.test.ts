import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayInput } from '../../src/agreement/replay.ts';
import { formatInstant, parseInstant } from '../../src/agreement/time.ts';
import type { Agreement, PersonState, Step, Transition } from '../../src/agreement/types.ts';
import { compileExample } from './example.ts';

const START = Date.parse('2026-09-01T00:00:00Z');
const DAY = 86_400_000;
const a = compileExample();

/** The replay as it was written before the merge: every step sorted (time, events first, input order). */
function sortedReplay(agreement: Agreement, input: ReplayInput, at: string) {
  const end = parseInstant(at);
  const facts = {
    email: input.email,
    person: input.person ?? {},
    deal: input.deal ?? null,
    events: input.events ?? [],
    converted: input.converted,
  };
  const steps: { t: number; order: number; seq: number; step: Step }[] = [];
  facts.events.forEach((event, seq) => {
    const t = parseInstant(event.at);
    if (t <= end) steps.push({ t, order: 0, seq, step: { kind: 'event', at: event.at, event } });
  });
  (input.feedback ?? []).forEach((feedback, seq) => {
    const t = parseInstant(feedback.at);
    if (t <= end) steps.push({ t, order: 1, seq, step: { kind: 'feedback', at: feedback.at, feedback } });
  });
  steps.sort((x, y) => x.t - y.t || x.order - y.order || x.seq - y.seq);
  let state: PersonState = agreement.initialState();
  const transitions: Transition[] = [];
  let scores = { fit: 0, engagement: 0 };
  let last = -Infinity;
  const apply = (step: Step, t: number) => {
    const r = agreement.step(facts, state, step);
    state = r.state;
    scores = r.scores;
    transitions.push(...r.transitions);
    last = t;
  };
  const holdEndBefore = (t: number) => {
    if (state.holdUntil === undefined) return;
    const h = parseInstant(state.holdUntil);
    if (h > last && h < t) apply({ kind: 'evaluate', at: formatInstant(h) }, h);
  };
  for (const s of steps) {
    holdEndBefore(s.t);
    apply(s.step, s.t);
  }
  holdEndBefore(end);
  apply({ kind: 'evaluate', at: formatInstant(end) }, end);
  return { state, transitions, scores };
}

// Few distinct times, so events and feedback often share an instant.
const time = fc.integer({ min: 0, max: 12 }).map((d) => new Date(START + d * 7 * DAY).toISOString());
const eventArb = fc.record({
  type: fc.constantFrom('form_submission', 'email_click', 'page_view', 'email_open'),
  at: time,
  properties: fc.record({ form: fc.constantFrom('demo-request', 'ebook'), url: fc.constantFrom('/pricing', '/docs') }),
});
const feedbackArb = fc.oneof(
  fc.record({ decision: fc.constant('accept' as const), at: time }),
  fc.record({ decision: fc.constant('reject' as const), reason: fc.constantFrom('no_budget', 'bad_timing'), at: time }),
);

describe('replay order', () => {
  it('is the order of one sort by time, events before feedback at one instant, input order among equals', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 25 }),
        fc.array(feedbackArb, { maxLength: 4 }),
        fc.constantFrom('VP Sales', 'Engineer'),
        fc.integer({ min: 0, max: 14 }),
        (events, feedback, title, endWeeks) => {
          const input: ReplayInput = {
            email: 'p@corp.example',
            person: { title, employees: 900, country: 'US' },
            events,
            feedback,
          };
          const at = new Date(START + endWeeks * 7 * DAY).toISOString();
          expect(replay(a, input, at)).toEqual(sortedReplay(a, input, at));
        },
      ),
      { numRuns: 400 },
    );
  });
});
