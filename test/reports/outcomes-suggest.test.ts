import { describe, expect, it } from 'vitest';
import { evaluateThresholds, outcomeLabel, suggestThresholds } from '../../src/reports/outcomes-suggest.ts';
import { generateHistory, THRESHOLDS } from './outcomes-generator.ts';

const people = generateHistory(40_000, 11);
const learn = people.filter((p) => p.id % 2 === 0);
const heldBack = people.filter((p) => p.id % 2 === 1);
const s = suggestThresholds({ people: learn, current: THRESHOLDS, fitMax: 100, engagementMax: 100 });

describe('suggested thresholds', () => {
  it('start from the current thresholds as they did', () => {
    expect(s.current).toEqual(evaluateThresholds(learn, 40, 30));
    expect(s.current.mqls).toBe(learn.filter((p) => p.handedOver).length);
  });

  it('keep about the same number of MQLs and raise acceptance on the held-back half', () => {
    const same = s.same_mqls!;
    expect(Math.abs(same.mqls - s.current.mqls)).toBeLessThanOrEqual(Math.round(s.current.mqls * s.tolerance));
    expect(same.fit).toBeGreaterThan(40); // acceptance follows fit, so the line moves up on fit
    expect(same.engagement).toBeLessThan(30);
    const before = evaluateThresholds(heldBack, 40, 30);
    const after = evaluateThresholds(heldBack, same.fit, same.engagement);
    expect(after.acceptance).toBeGreaterThan(before.acceptance + 0.03);
    expect(Math.abs(after.mqls - before.mqls) / before.mqls).toBeLessThan(0.1);
  });

  it('or more MQLs at no lower acceptance, also on the held-back half', () => {
    const more = s.more_mqls!;
    expect(more.mqls).toBeGreaterThan(s.current.mqls);
    const before = evaluateThresholds(heldBack, 40, 30);
    const after = evaluateThresholds(heldBack, more.fit, more.engagement);
    expect(after.mqls).toBeGreaterThan(before.mqls);
    expect(after.acceptance).toBeGreaterThanOrEqual(before.acceptance - 0.01);
  });

  it('label people by outcome: accepted or a deal is good, rejected or lost is bad, else unknown', () => {
    const p = people[0];
    expect(outcomeLabel({ ...p, decision: 'accept', reached: [], deals: [] })).toBe(1);
    expect(outcomeLabel({ ...p, decision: null, reached: ['mql', 'opportunity'], deals: [] })).toBe(1);
    expect(outcomeLabel({ ...p, decision: 'reject', reached: ['mql'], deals: [] })).toBe(-1);
    expect(outcomeLabel({ ...p, decision: null, reached: [], deals: [] })).toBe(0);
  });

  it('suggest nothing when no candidate has enough outcomes', () => {
    const few = suggestThresholds({ people: learn.slice(0, 10), current: THRESHOLDS, fitMax: 100, engagementMax: 100 });
    expect(few.same_mqls).toBeNull();
    expect(few.more_mqls).toBeNull();
  });
});
