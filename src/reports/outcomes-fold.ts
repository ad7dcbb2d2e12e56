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

const STEP_SET = new Set<string>(OUTCOME_STEPS);

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
    const reached = new Set<OutcomeStep>();
    for (const t of ts) for (const s of [...t.passed, t.to]) if (STEP_SET.has(s)) reached.add(s as OutcomeStep);
    const dealMoment = ts.find((t) => t.to === 'opportunity' || t.to === 'won' || t.to === 'lost');
    const scores = (mql ?? dealMoment)?.scores ?? p.scores;
    // the store keeps instants as ISO text of one length, so they compare as strings
    const answers = (feedback.get(p.id) ?? []).filter((f) => !mql || f.at >= mql.at);
    const scoreRules = mql ? new Set(rules.fitRules(p.email, parseObject(p.fieldsText))) : new Set<string>();
    if (mql)
      for (const e of events.get(p.id) ?? []) {
        const r = rules.engagementRule(e.type, parseObject(e.propertiesText));
        if (r) scoreRules.add(r);
      }
    out.push({
      id: p.id,
      key: p.email,
      fit: scores.fit,
      engagement: scores.engagement,
      handedOver: mql !== null,
      qualifiedBy: mql?.cause ?? null,
      mqlAt: mql?.at ?? null,
      reached: OUTCOME_STEPS.filter((s) => reached.has(s)),
      decision: answers[0]?.decision ?? null,
      rejectReasons: answers.filter((f) => f.decision === 'reject' && f.reason).map((f) => f.reason!),
      scoreRules: [...scoreRules],
      deals: (deals.get(p.id) ?? []).map((d) => dealOf(d.key, d.fields)),
    });
  }
  return out;
}
