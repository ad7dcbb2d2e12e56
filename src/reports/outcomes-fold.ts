/**
 * Pure: the store's rows (`OutcomeRows`) folded into one `OutcomePerson` each, and chosen by
 * agreement version and period. A person is dated and versioned by its handoff (the `mql`
 * transition), else its first stage change, else its last update under the live version.
 */
import type { OutcomeRows } from '../store/types.ts';
import { OUTCOME_STEPS, type OutcomeDeal, type OutcomePerson, type OutcomeStep } from './outcomes.ts';

/** Which score rules count for a person: fit rules over its fields, the engagement rule of an event. */
export interface ScoreRuleLookup {
  fitRules(email: string, fields: Record<string, unknown>): string[];
  /** The first engagement rule an event counts under, or null. */
  engagementRule(type: string, properties: Record<string, unknown>): string | null;
}

export interface OutcomeSelection {
  /** Only people whose handoff (else first change) carries this agreement version. */
  version: number | null;
  /** `from <= at < to`, either optional. */
  from: string | null;
  to: string | null;
  /** Stamps people who never changed stage. */
  liveVersion: number;
}

const STEP_BIT: Record<string, number> = Object.fromEntries(OUTCOME_STEPS.map((s, i) => [s, 1 << i]));
/** The reached steps of every bit pattern, shared by the people who have it. */
const REACHED: readonly OutcomeStep[][] = Array.from({ length: 1 << OUTCOME_STEPS.length }, (_, bits) =>
  OUTCOME_STEPS.filter((_s, i) => bits & (1 << i)),
);
const NONE: readonly never[] = [];

function groupBy<T extends { personId: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.personId);
    if (list) list.push(r);
    else out.set(r.personId, [r]);
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> {
  const v: unknown = text ? JSON.parse(text) : null;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function dealOf(key: string, fields: Record<string, unknown>): OutcomeDeal {
  const stage = fields.stage;
  const amount = Number(fields.amount);
  const close = fields.close_date;
  return {
    key,
    amount: Number.isFinite(amount) ? amount : 0,
    outcome: stage === 'won' ? 'won' : stage === 'lost' ? 'lost' : 'open',
    closeDate: typeof close === 'string' && close !== '' ? close : null,
  };
}

/** The people of `rows` that `sel` chooses, folded for `computeOutcomes` and `suggestThresholds`. */
export function foldOutcomes(rows: OutcomeRows, sel: OutcomeSelection, rules: ScoreRuleLookup): OutcomePerson[] {
  const transitions = groupBy(rows.transitions);
  const feedback = groupBy(rows.feedback);
  const deals = groupBy(rows.deals);
  const events = groupBy(rows.events);
  const fromMs = sel.from === null ? -Infinity : Date.parse(sel.from);
  const toMs = sel.to === null ? Infinity : Date.parse(sel.to);
  const out: OutcomePerson[] = [];
  for (const p of rows.people) {
    const ts = transitions.get(p.id) ?? [];
    const mql = ts.find((t) => t.to === 'mql') ?? null;
    const anchor = mql ?? ts[0] ?? null;
    const at = anchor ? anchor.at : p.updatedAt;
    const version = anchor ? anchor.version : sel.liveVersion;
    if (sel.version !== null && version !== sel.version) continue;
    const atMs = Date.parse(at);
    if (!(atMs >= fromMs && atMs < toMs)) continue;
    let reached = 0; // a bit per OUTCOME_STEPS index: no set per person
    for (const t of ts) {
      reached |= STEP_BIT[t.to] ?? 0;
      for (const s of t.passed) reached |= STEP_BIT[s] ?? 0;
    }
    const dealMoment = mql ? null : ts.find((t) => t.to === 'opportunity' || t.to === 'won' || t.to === 'lost');
    const scores = (mql ?? dealMoment)?.scores ?? p.scores;
    // the store keeps instants as ISO text of one length, so they compare as strings
    const given = feedback.get(p.id);
    const answers = given ? given.filter((f) => !mql || f.at >= mql.at) : NONE;
    let scoreRules: readonly string[] = NONE;
    if (mql) {
      const found = new Set(rules.fitRules(p.email, parseObject(p.fieldsText)));
      for (const e of events.get(p.id) ?? NONE) {
        const r = rules.engagementRule(e.type, parseObject(e.propertiesText));
        if (r) found.add(r);
      }
      scoreRules = [...found];
    }
    const reasons = answers.length
      ? answers.filter((f) => f.decision === 'reject' && f.reason).map((f) => f.reason!)
      : NONE;
    const linked = deals.get(p.id);
    out.push({
      id: p.id,
      key: p.email,
      fit: scores.fit,
      engagement: scores.engagement,
      handedOver: mql !== null,
      qualifiedBy: mql?.cause ?? null,
      mqlAt: mql?.at ?? null,
      reached: REACHED[reached],
      decision: answers[0]?.decision ?? null,
      rejectReasons: reasons,
      scoreRules,
      deals: linked ? linked.map((d) => dealOf(d.key, d.fields)) : NONE,
    });
  }
  return out;
}
