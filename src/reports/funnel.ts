/**
 * Pure: the `/api/funnel` computation over plain data: people entering each stage in a window,
 * people per stage now, stage-to-stage conversion, SLA compliance and reject reasons. The store's
 * rows fit these shapes as they are; `pipeline/reports/funnel.ts` loads them.
 */
import { STAGES, type Stage } from '../config/schema.ts';

/** The parts of a stored transition the funnel reads (a store `TransitionRow` fits). */
export interface FunnelTransition {
  /** Orders transitions at one instant as they were stored. */
  id: number;
  from: Stage | null;
  to: Stage;
  at: string;
  passed: Stage[];
  breached: boolean;
  reason: string | null;
  meta: Record<string, unknown>;
}

/** A person as the funnel counts it: the stage it is in now. */
export interface FunnelPerson {
  id: number;
  stage: Stage;
}

export interface Funnel {
  from: string | null;
  to: string | null;
  entered: Record<Stage, number>;
  current: Record<Stage, number>;
  conversion: { mql_to_sal: number; sal_to_sql: number; sql_to_won: number };
  sla: { answered_in_time: number; breached: number; open: number; median_answer_hours: number | null };
  reject_reasons: Record<string, number>;
}

const zeroes = (): Record<Stage, number> => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);
const inWindow = (t: string | undefined, from: string | null, to: string | null): boolean =>
  !!t && (!from || Date.parse(t) >= Date.parse(from)) && (!to || Date.parse(t) <= Date.parse(to));

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const v = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return Math.round(v * 100) / 100;
}

/** Stages that stop the SLA clock: accept, reject, `sql` or beyond, disqualification. */
const ANSWERS = new Set<Stage>(['sal', 'recycled', 'sql', 'opportunity', 'won', 'lost', 'disqualified']);

/** When Baton handed the person to sales (the SLA clock's start), recorded in the `mql` transition's meta. */
function handedAt(t: FunnelTransition): number {
  const v = t.meta?.handedAt;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms : Date.parse(t.at);
}

/**
 * The funnel of `histories` (every transition of each person, any order) and `people` (all of them,
 * as now). Entered counts people per stage whose entry falls in the window; SLA figures count the
 * `mql` entries in the window and what answered each.
 */
export function computeFunnel(input: {
  from: string | null;
  to: string | null;
  histories: Map<number, readonly FunnelTransition[]>;
  people: readonly FunnelPerson[];
}): Funnel {
  const { from, to } = input;
  const enteredBy = new Map<Stage, Set<number>>();
  const reject_reasons: Record<string, number> = {};
  const sla = { answered_in_time: 0, breached: 0, open: 0 };
  const answerHours: number[] = [];
  for (const [personId, rows] of input.histories) {
    const history = [...rows].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
    history.forEach((t, i) => {
      if (!inWindow(t.at, from, to) || t.breached || t.from === t.to) return;
      for (const s of [...(t.passed ?? []), t.to]) {
        if (!enteredBy.has(s)) enteredBy.set(s, new Set());
        enteredBy.get(s)!.add(personId);
      }
      const reason = t.reason ?? (t.meta?.reason as string | undefined);
      if (t.to === 'recycled' && reason) reject_reasons[reason] = (reject_reasons[reason] ?? 0) + 1;
      if (t.to !== 'mql') return;
      const later = history.slice(i + 1);
      const answerIndex = later.findIndex((l) => !l.breached && ANSWERS.has(l.to));
      const answer = answerIndex >= 0 ? later[answerIndex] : null;
      const breach = (answer ? later.slice(0, answerIndex) : later).some((l) => l.breached);
      if (breach) sla.breached++;
      else if (answer) sla.answered_in_time++;
      else sla.open++;
      if (answer)
        answerHours.push(Math.max(0, Date.parse(answer.at) - Math.min(handedAt(t), Date.parse(answer.at))) / 3_600_000);
    });
  }
  const entered = zeroes();
  for (const [s, ids] of enteredBy) entered[s] = ids.size;
  const current = zeroes();
  for (const p of input.people) current[p.stage] = (current[p.stage] ?? 0) + 1;
  return {
    from,
    to,
    entered,
    current,
    conversion: {
      mql_to_sal: ratio(entered.sal, entered.mql),
      sal_to_sql: ratio(entered.sql, entered.sal),
      sql_to_won: ratio(entered.won, entered.sql),
    },
    sla: { ...sla, median_answer_hours: median(answerHours) },
    reject_reasons,
  };
}
