/**
 * Pure: the dashboard's marketing and sales figures from people's transition histories. No I/O, so
 * it is tested with plain data; `queries.ts` loads the data from the store.
 */
import type { PersonRow, TransitionRow } from '../../store/types.ts';
import type { AgreementInfo, DashboardSummary, Distribution, HealthInfo, RecentHandoff } from './types.ts';

/** What a person contributes beyond its transitions. */
export type PersonInfo = Pick<PersonRow, 'id' | 'email' | 'ownerId'>;

export interface SummaryInput {
  from: string | null;
  to: string | null;
  /**
   * Per person with a transition in the window: those transitions and the ones after it (any
   * order). Earlier history is optional: a re-qualifying MQL is known by its `from: recycled`.
   */
  histories: Map<number, TransitionRow[]>;
  people: Map<number, PersonInfo>;
  /** The latest transitions in the window, newest first. */
  recent: TransitionRow[];
  agreement: AgreementInfo;
  health: HealthInfo;
}

/** Stages that stop the SLA clock: accept, reject, `sql` or beyond, disqualification. */
const ANSWERS = new Set(['sal', 'recycled', 'sql', 'opportunity', 'won', 'lost', 'disqualified']);
const ACCEPTED = new Set(['sal', 'sql', 'opportunity', 'won', 'lost']);
const HOUR_MS = 3_600_000;

/** The dashboard's figures for one window. */
export function summarize(input: SummaryInput): Omit<DashboardSummary, 'currency'> {
  const inWindow = windowTest(input.from, input.to);
  let mqls = 0;
  let accepted = 0;
  let rejected = 0;
  const requalified = new Set<number>();
  const rejectReasons: Record<string, number> = {};
  const sla = { answered_in_time: 0, breached: 0, open: 0 };
  const total: number[] = [];
  const baton: number[] = [];
  const rep: number[] = [];
  const byOwner: Record<string, number> = {};

  for (const [personId, rows] of input.histories) {
    const history = [...rows].sort(byTime);
    const person = input.people.get(personId);
    history.forEach((t, i) => {
      if (t.to === 'recycled' && !t.breached && inWindow(t.at)) {
        const reason = t.reason ?? stringMeta(t, 'reason') ?? '(none)';
        rejectReasons[reason] = (rejectReasons[reason] ?? 0) + 1;
      }
      if (t.to !== 'mql' || t.breached || t.from === 'mql' || !inWindow(t.at)) return;
      mqls++;
      if (t.from === 'recycled' || history.slice(0, i).some((p) => p.to === 'recycled')) requalified.add(personId);
      const later = history.slice(i + 1);
      const answerIndex = later.findIndex((l) => !l.breached && ANSWERS.has(l.to));
      const answer = answerIndex >= 0 ? later[answerIndex] : null;
      const breach = (answer ? later.slice(0, answerIndex) : later).find((l) => l.breached);
      if (answer && ACCEPTED.has(answer.to)) accepted++;
      if (answer?.to === 'recycled') rejected++;
      if (breach) {
        sla.breached++;
        const owner = stringMeta(breach, 'owner') ?? stringMeta(t, 'owner') ?? person?.ownerId ?? '(unassigned)';
        byOwner[owner] = (byOwner[owner] ?? 0) + 1;
      } else if (answer) sla.answered_in_time++;
      else sla.open++;
      if (!answer) return;
      const mqlAt = Date.parse(t.at);
      const answerAt = Date.parse(answer.at);
      total.push(answerAt - mqlAt);
      const handed = handedAt(t);
      if (handed !== null) {
        const handedMs = Math.min(Math.max(handed, mqlAt), answerAt);
        baton.push(handedMs - mqlAt);
        rep.push(answerAt - handedMs);
      }
    });
  }

  const answered = accepted + rejected;
  return {
    from: input.from,
    to: input.to,
    agreement: input.agreement,
    marketing: {
      mqls_delivered: mqls,
      accepted,
      rejected,
      acceptance_rate: answered ? round(accepted / answered, 4) : null,
      reject_reasons: sortedCounts(rejectReasons),
      requalified: requalified.size,
    },
    sales: {
      sla,
      time_to_answer: { total: distribution(total), baton: distribution(baton), rep: distribution(rep) },
      breaches_by_owner: sortedCounts(byOwner),
    },
    health: input.health,
    recent: input.recent.map((t) => recentRow(t, input.people.get(t.personId))),
  };
}

/** Median and 90th percentile (linear interpolation between ranks) of durations in ms, in hours. */
export function distribution(ms: number[]): Distribution {
  if (ms.length === 0) return { count: 0, median_hours: null, p90_hours: null };
  const sorted = [...ms].sort((a, b) => a - b);
  // four decimals of an hour keep seconds (0.36 s), so an answer within a minute is not 0
  return {
    count: sorted.length,
    median_hours: round(quantile(sorted, 0.5) / HOUR_MS, 4),
    p90_hours: round(quantile(sorted, 0.9) / HOUR_MS, 4),
  };
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function recentRow(t: TransitionRow, person: PersonInfo | undefined): RecentHandoff {
  return {
    at: t.at,
    person: { id: t.personId, email: person?.email ?? null },
    from: t.from,
    stage: t.to,
    cause: t.cause,
    rule: t.cause.startsWith('rule:') ? t.cause.slice(5) : null,
    reason: t.reason ?? stringMeta(t, 'reason'),
    breached: t.breached,
    version: t.version,
  };
}

/**
 * When Baton handed the person to sales (the Task was created and the SLA clock started). The
 * pipeline records it in the `mql` transition's meta; the transition's own `at` is the CRM change.
 */
function handedAt(t: TransitionRow): number | null {
  for (const key of ['taskCreatedAt', 'handedAt', 'slaStartedAt']) {
    const v = stringMeta(t, key);
    const ms = v ? Date.parse(v) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return null;
}

function stringMeta(t: TransitionRow, key: string): string | null {
  const v = t.meta?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function windowTest(from: string | null, to: string | null): (at: string) => boolean {
  const lo = from ? Date.parse(from) : -Infinity;
  const hi = to ? Date.parse(to) : Infinity;
  return (at) => {
    const ms = Date.parse(at);
    return ms >= lo && ms <= hi;
  };
}

function byTime(a: TransitionRow, b: TransitionRow): number {
  return Date.parse(a.at) - Date.parse(b.at) || a.id - b.id;
}

function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
