/**
 * Pure: the outcome report (is the agreement right?) over plain data, one folded row per person:
 * conversion and lift by fit and engagement band, per qualification rule and per score rule
 * (acceptance, reject reasons, won revenue, days to close), missed buyers and false alarms, and
 * calibration. `pipeline/reports/outcomes.ts` folds the store's rows into these shapes.
 */
import { BAND_COUNT, bandLabel, bandOf, lift, median, share } from './outcomes-bands.ts';

/** The funnel steps the report counts, in order. */
export const OUTCOME_STEPS = ['mql', 'sal', 'sql', 'opportunity', 'won'] as const;
export type OutcomeStep = (typeof OUTCOME_STEPS)[number];

/** One of a person's deals. */
export interface OutcomeDeal {
  key: string;
  amount: number;
  outcome: 'won' | 'lost' | 'open';
  /** The close date (a won or lost deal), ISO; null when unknown. */
  closeDate: string | null;
}

/** A person as the report judges it. */
export interface OutcomePerson {
  id: number;
  /** The person's key (email), as `/api/people/:key` takes it. */
  key: string;
  /** Scores as judged: at the handoff (the `mql` transition), else when the deal came, else now. */
  fit: number;
  engagement: number;
  /** Entered `mql` by its own transition (handed to sales), not only passed on the way to a deal. */
  handedOver: boolean;
  /** The cause of that `mql` transition (`rule:demo-request`, `rule:mql`). */
  qualifiedBy: string | null;
  mqlAt: string | null;
  /** Steps reached (entered or passed). */
  reached: readonly OutcomeStep[];
  /** Sales' first answer after the handoff. */
  decision: 'accept' | 'reject' | null;
  rejectReasons: readonly string[];
  /** The score rules that counted for the person (fit rules that hold, engagement rules it has events of). */
  scoreRules: readonly string[];
  deals: readonly OutcomeDeal[];
}

export interface BandRow extends Record<OutcomeStep, number> {
  band: string;
  people: number;
  opportunity_rate: number;
  won_rate: number;
  /** The band's rate over the average rate of every person in the report. */
  lift_opportunity: number | null;
  lift_won: number | null;
}

export interface CalibrationRow {
  band: string;
  people: number;
  opportunities: number;
  share: number;
}

export interface RuleRow {
  rule: string;
  people: number;
  accepted: number;
  rejected: number;
  /** accepted / (accepted + rejected). */
  acceptance: number;
  reject_reasons: Record<string, number>;
  /** Amounts of won deals, each deal counted once per rule. */
  won_revenue: number;
  /** From the handoff to the close of the person's first won deal. */
  median_days_to_close: number | null;
}

export interface PersonRef {
  key: string;
  /** Where the person opens: `/api/people/:key`. */
  href: string;
  fit: number;
  engagement: number;
}

export interface OutcomeReport {
  version: number | null;
  from: string | null;
  to: string | null;
  bands: { count: number; fit_max: number; engagement_max: number; definition: string };
  people: number;
  totals: Record<OutcomeStep, number>;
  conversion: { fit: BandRow[]; engagement: BandRow[] };
  calibration: { fit: CalibrationRow[]; engagement: CalibrationRow[] };
  qualification_rules: RuleRow[];
  score_rules: RuleRow[];
  missed_buyers: { count: number; people: PersonRef[] };
  false_alarms: { count: number; people: PersonRef[] };
}

/** People listed under missed buyers and false alarms (the counts cover all). */
export const LISTED = 100;

const BAND_DEFINITION =
  'ten bands per score, each a tenth of its max: band "a-b" holds a <= score < b, the last also max; ' +
  'scores as at the handoff (mql transition), else when the deal came, else now';

const DAY = 86_400_000;

function bandRows(people: readonly OutcomePerson[], score: 'fit' | 'engagement', max: number): BandRow[] {
  const rows: BandRow[] = Array.from({ length: BAND_COUNT }, (_, i) => ({
    band: bandLabel(i, max),
    people: 0,
    mql: 0,
    sal: 0,
    sql: 0,
    opportunity: 0,
    won: 0,
    opportunity_rate: 0,
    won_rate: 0,
    lift_opportunity: null,
    lift_won: null,
  }));
  let opps = 0;
  let won = 0;
  for (const p of people) {
    const row = rows[bandOf(p[score], max)];
    row.people++;
    for (const s of p.reached) row[s]++;
    if (p.reached.includes('opportunity')) opps++;
    if (p.reached.includes('won')) won++;
  }
  const avgOpp = people.length ? opps / people.length : 0;
  const avgWon = people.length ? won / people.length : 0;
  for (const r of rows) {
    r.opportunity_rate = share(r.opportunity, r.people);
    r.won_rate = share(r.won, r.people);
    r.lift_opportunity = r.people ? lift(r.opportunity / r.people, avgOpp) : null;
    r.lift_won = r.people ? lift(r.won / r.people, avgWon) : null;
  }
  return rows;
}

function ruleRows(groups: Map<string, OutcomePerson[]>): RuleRow[] {
  const out: RuleRow[] = [];
  for (const [rule, members] of groups) {
    const reasons: Record<string, number> = {};
    const wonDeals = new Map<string, number>();
    const days: number[] = [];
    let accepted = 0;
    let rejected = 0;
    for (const p of members) {
      if (p.decision === 'accept') accepted++;
      if (p.decision === 'reject') rejected++;
      for (const r of p.rejectReasons) reasons[r] = (reasons[r] ?? 0) + 1;
      let firstClose = Infinity;
      for (const d of p.deals) {
        if (d.outcome !== 'won') continue;
        wonDeals.set(d.key, d.amount);
        const c = d.closeDate ? Date.parse(d.closeDate) : NaN;
        if (Number.isFinite(c) && c < firstClose) firstClose = c;
      }
      const start = p.mqlAt ? Date.parse(p.mqlAt) : NaN;
      if (Number.isFinite(start) && Number.isFinite(firstClose)) days.push(Math.max(0, (firstClose - start) / DAY));
    }
    let revenue = 0;
    for (const a of wonDeals.values()) revenue += a;
    out.push({
      rule,
      people: members.length,
      accepted,
      rejected,
      acceptance: share(accepted, accepted + rejected),
      reject_reasons: reasons,
      won_revenue: Math.round(revenue * 100) / 100,
      median_days_to_close: median(days),
    });
  }
  return out.sort((a, b) => b.people - a.people || a.rule.localeCompare(b.rule));
}

const ref = (p: OutcomePerson): PersonRef => ({
  key: p.key,
  href: `/api/people/${encodeURIComponent(p.key)}`,
  fit: p.fit,
  engagement: p.engagement,
});

function listOf(people: OutcomePerson[]): { count: number; people: PersonRef[] } {
  const sorted = [...people].sort((a, b) => b.fit + b.engagement - (a.fit + a.engagement) || a.id - b.id);
  return { count: people.length, people: sorted.slice(0, LISTED).map(ref) };
}

/** Missed buyers: never handed over (below the MQL line), yet they reached a deal. */
export function isMissedBuyer(p: OutcomePerson): boolean {
  return !p.handedOver && p.reached.includes('opportunity');
}

/** False alarms: handed over (above the MQL line), and sales rejected them. */
export function isFalseAlarm(p: OutcomePerson): boolean {
  return p.handedOver && p.decision === 'reject';
}

/** The outcome report of `people` (already chosen by version and period) for scores of these maxima. */
export function computeOutcomes(input: {
  version: number | null;
  from: string | null;
  to: string | null;
  fitMax: number;
  engagementMax: number;
  people: readonly OutcomePerson[];
}): OutcomeReport {
  const { people, fitMax, engagementMax } = input;
  const totals = Object.fromEntries(OUTCOME_STEPS.map((s) => [s, 0])) as Record<OutcomeStep, number>;
  const byQualification = new Map<string, OutcomePerson[]>();
  const byScoreRule = new Map<string, OutcomePerson[]>();
  const missed: OutcomePerson[] = [];
  const alarms: OutcomePerson[] = [];
  const add = (m: Map<string, OutcomePerson[]>, k: string, p: OutcomePerson) => {
    const list = m.get(k);
    if (list) list.push(p);
    else m.set(k, [p]);
  };
  for (const p of people) {
    for (const s of p.reached) totals[s]++;
    if (p.handedOver) {
      add(byQualification, p.qualifiedBy ?? '(unknown)', p);
      for (const r of p.scoreRules) add(byScoreRule, r, p);
    }
    if (isMissedBuyer(p)) missed.push(p);
    if (isFalseAlarm(p)) alarms.push(p);
  }
  const fit = bandRows(people, 'fit', fitMax);
  const engagement = bandRows(people, 'engagement', engagementMax);
  const calibration = (rows: BandRow[]): CalibrationRow[] =>
    rows.map((r) => ({ band: r.band, people: r.people, opportunities: r.opportunity, share: r.opportunity_rate }));
  return {
    version: input.version,
    from: input.from,
    to: input.to,
    bands: { count: BAND_COUNT, fit_max: fitMax, engagement_max: engagementMax, definition: BAND_DEFINITION },
    people: people.length,
    totals,
    conversion: { fit, engagement },
    calibration: { fit: calibration(fit), engagement: calibration(engagement) },
    qualification_rules: ruleRows(byQualification),
    score_rules: ruleRows(byScoreRule),
    missed_buyers: listOf(missed),
    false_alarms: listOf(alarms),
  };
}
