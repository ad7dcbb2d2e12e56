import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAgreement } from '../../src/agreement/compile.ts';
import { replay } from '../../src/agreement/replay.ts';
import type { AgreementEvent } from '../../src/agreement/types.ts';
import type { Stage } from '../../src/config/schema.ts';
import { exampleConfig, facts, minimalConfig } from './example.ts';

const RANK: Record<Stage, number> = {
  lead: 0,
  mql: 1,
  sal: 2,
  sql: 3,
  opportunity: 4,
  won: 5,
  lost: 5,
  recycled: -1,
  disqualified: -1,
};
const START = Date.parse('2026-01-01T00:00:00Z');
const YEAR = 365 * 86_400_000;
const TYPES = ['form_submission', 'email_open', 'email_click', 'page_view', 'meeting_booked'] as const;

const eventArb: fc.Arbitrary<AgreementEvent> = fc.record({
  type: fc.constantFrom(...TYPES),
  at: fc.integer({ min: 0, max: YEAR }).map((d) => new Date(START + d).toISOString()),
  properties: fc.record({ form: fc.constantFrom('demo-request', 'ebook'), url: fc.constantFrom('/pricing', '/docs') }),
});

const personArb = fc.record({
  title: fc.constantFrom('VP Sales', 'Engineer', '', 'Head of IT'),
  employees: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant('1,200'), fc.constant(null)),
  country: fc.constantFrom('US', 'FR', 'DE'),
  lead_status: fc.constantFrom('New', 'Qualified', 'Working'),
});

describe('properties', () => {
  it('scores always lie within [0, max]', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            add: fc.integer({ min: -80, max: 80 }),
            cap: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
            on: fc.constantFrom(...TYPES),
          }),
          { maxLength: 5 },
        ),
        fc.array(fc.record({ add: fc.integer({ min: -80, max: 80 }), gte: fc.integer({ min: 0, max: 3000 }) }), {
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 150 }),
        fc.array(eventArb, { maxLength: 30 }),
        personArb,
        fc.integer({ min: 0, max: YEAR * 2 }),
        (eRules, fRules, fitMax, engMax, events, person, atOffset) => {
          const c = minimalConfig();
          c.score.fit.max = fitMax;
          c.score.engagement.max = engMax;
          c.score.engagement.rules = eRules.map((r, i) => ({
            id: `e${i}`,
            on: r.on,
            add: r.add,
            ...(r.cap ? { cap: r.cap } : {}),
          }));
          c.score.fit.rules = fRules.map((r, i) => ({
            id: `f${i}`,
            if: { field: 'person.employees', gte: r.gte },
            add: r.add,
          }));
          const a = compileAgreement(c);
          const s = a.scores(facts({ person, events }), a.initialState(), new Date(START + atOffset).toISOString());
          expect(s.fit).toBeGreaterThanOrEqual(0);
          expect(s.fit).toBeLessThanOrEqual(fitMax);
          expect(s.engagement).toBeGreaterThanOrEqual(0);
          expect(s.engagement).toBeLessThanOrEqual(engMax);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('without recycle or disqualify a stage never moves backwards as events are added', () => {
    const c = exampleConfig();
    delete c.disqualify;
    delete c.recycle;
    const a = compileAgreement(c);
    const at = new Date(START + YEAR + 1).toISOString();
    fc.assert(
      fc.property(
        personArb,
        fc.option(fc.constantFrom('discovery', 'won', 'lost'), { nil: null }),
        fc.array(eventArb, { maxLength: 25 }),
        (person, dealStage, events) => {
          const deal = dealStage ? { stage: dealStage } : null;
          let previous = -1;
          for (let k = 0; k <= events.length; k++) {
            const r = replay(a, { email: 'p@corp.example', person, deal, events: events.slice(0, k) }, at);
            for (const t of r.transitions) expect(RANK[t.to]).toBeGreaterThanOrEqual(RANK[t.from!]);
            const rank = RANK[r.state.stage];
            expect(rank).toBeGreaterThanOrEqual(previous);
            previous = rank;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
