import { describe, expect, it } from 'vitest';
import { computeOutcomes, isFalseAlarm, isMissedBuyer, LISTED } from '../../src/reports/outcomes.ts';
import { bandLabel, bandOf } from '../../src/reports/outcomes-bands.ts';
import { generateHistory, trueLift, trueShare } from './outcomes-generator.ts';

const people = generateHistory(40_000, 7);
const report = computeOutcomes({ version: 3, from: null, to: null, fitMax: 100, engagementMax: 100, people });

describe('outcome report on a generated history with a known truth', () => {
  it('states its bands: ten per score, a tenth of max each, the last holding max', () => {
    expect(report.bands).toMatchObject({ count: 10, fit_max: 100, engagement_max: 100 });
    expect(report.bands.definition).toContain('a tenth of its max');
    expect(report.conversion.fit.map((r) => r.band)).toEqual([
      '0-10',
      '10-20',
      '20-30',
      '30-40',
      '40-50',
      '50-60',
      '60-70',
      '70-80',
      '80-90',
      '90-100',
    ]);
    expect([bandOf(0, 100), bandOf(9.99, 100), bandOf(10, 100), bandOf(100, 100)]).toEqual([0, 0, 1, 9]);
    expect(bandLabel(2, 50)).toBe('10-15');
  });

  it("each band's lift over the average matches the generator's within 0.12", () => {
    for (const score of ['fit', 'engagement'] as const)
      report.conversion[score].forEach((row, i) => {
        expect(row.people).toBeGreaterThan(3000);
        expect(Math.abs(row.lift_opportunity! - trueLift(score, i * 10, i * 10 + 10))).toBeLessThan(0.12);
      });
    // fit drives deals: the top fit band lifts far more than the top engagement band
    expect(report.conversion.fit[9].lift_opportunity!).toBeGreaterThan(2);
    expect(report.conversion.engagement[9].lift_opportunity!).toBeLessThan(1.5);
  });

  it("calibration: each band's share of opportunities matches the generator's chance within 0.025", () => {
    for (const score of ['fit', 'engagement'] as const)
      report.calibration[score].forEach((row, i) => {
        expect(Math.abs(row.share - trueShare(score, i * 10, i * 10 + 10))).toBeLessThan(0.025);
        expect(row.opportunities).toBe(report.conversion[score][i].opportunity);
      });
  });

  it('counts the funnel steps per band and in total', () => {
    const row = report.conversion.fit[5];
    const inBand = people.filter((p) => bandOf(p.fit, 100) === 5);
    expect(row.people).toBe(inBand.length);
    expect(row.won).toBe(inBand.filter((p) => p.reached.includes('won')).length);
    expect(row.sal).toBe(inBand.filter((p) => p.reached.includes('sal')).length);
    expect(report.totals.opportunity).toBe(people.filter((p) => p.reached.includes('opportunity')).length);
    expect(report.people).toBe(40_000);
  });

  it('per qualification rule and score rule: people, acceptance, reasons, won revenue, days to close', () => {
    const demo = report.qualification_rules.find((r) => r.rule === 'rule:demo-request')!;
    const members = people.filter((p) => p.qualifiedBy === 'rule:demo-request');
    expect(demo.people).toBe(members.length);
    const acc = members.filter((p) => p.decision === 'accept').length;
    expect(demo.accepted).toBe(acc);
    expect(demo.acceptance).toBeCloseTo(acc / members.length, 3);
    expect(demo.won_revenue).toBe(members.filter((p) => p.reached.includes('won')).length * 1000);
    expect(demo.median_days_to_close).toBe(10);
    expect(Object.keys(demo.reject_reasons).sort()).toEqual(['bad_timing', 'no_budget']);
    const big = report.score_rules.find((r) => r.rule === 'big-company')!;
    const senior = report.score_rules.find((r) => r.rule === 'senior-title')!;
    expect(big.people).toBe(people.filter((p) => p.scoreRules.includes('big-company')).length);
    // acceptance rises with fit, so the high-fit rule is accepted more often
    expect(big.acceptance).toBeGreaterThan(senior.acceptance);
  });

  it('missed buyers and false alarms: counts and a list that opens the person', () => {
    expect(report.missed_buyers.count).toBe(people.filter(isMissedBuyer).length);
    expect(report.false_alarms.count).toBe(people.filter(isFalseAlarm).length);
    expect(report.missed_buyers.people).toHaveLength(LISTED);
    const first = report.missed_buyers.people[0];
    expect(first.href).toBe(`/api/people/${encodeURIComponent(first.key)}`);
    const p = people.find((x) => x.key === first.key)!;
    expect(p.handedOver).toBe(false);
    expect(p.reached).toContain('opportunity');
  });

  it('a deal shared by two people under one rule counts its revenue once', () => {
    const base = people.find((p) => p.handedOver && p.reached.includes('won'))!;
    const twin = { ...base, id: 999_999, key: 'twin@corp.example' };
    const r = computeOutcomes({
      version: null,
      from: null,
      to: null,
      fitMax: 100,
      engagementMax: 100,
      people: [base, twin],
    });
    expect(r.qualification_rules[0].won_revenue).toBe(1000);
    expect(r.qualification_rules[0].people).toBe(2);
  });
});
