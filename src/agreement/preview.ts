/**
 * Pure: the preview of a draft agreement on real history. Each person is replayed under the live
 * version and under the draft at the same instant (the replay `baton simulate --against` runs), and
 * the outcomes are folded into one report: who changes stage (by rule, owner and segment), handoffs
 * per week under each against the ones that actually happened, the load each owner gains or loses,
 * and how many of the people the draft newly hands off sales had already rejected, and why.
 * People come in pages (`add`), so the caller never holds them all.
 */
import type { Stage } from '../config/schema.ts';
import { capDay, routeInOrder, type BatchInputs, type RoutingState } from '../routing/batch.ts';
import { replay, type ReplayInput, type ReplayResult } from './replay.ts';
import { emptyCounts, type StageCounts } from './simulation.ts';
import type { Agreement, Transition } from './types.ts';

/** One person as the preview reads it: the replay's input plus who holds it. */
export interface PreviewPerson {
  input: ReplayInput;
  /** The owner as shown (an email or a name), or `(unassigned)`. */
  owner: string;
  /** The routing rule that placed it, or `(unrouted)`. */
  segment: string;
  /** When it actually entered `mql` (stored transitions), ISO. */
  actualMql: readonly string[];
}

/** A person whose stage differs between the two agreements. */
export interface PreviewChange {
  email: string;
  /** The stage under the live version. */
  from: Stage;
  /** The stage under the draft. */
  to: Stage;
  fromReason: string;
  toReason: string;
  owner: string;
  segment: string;
  /** `new`: handed to sales under the draft only; `dropped`: under the live version only. */
  handoff?: 'new' | 'dropped';
  /** The owner and segment are what `routing.yaml` would decide (the person had no owner yet). */
  routed?: true;
}

/** Counts for one owner or one segment. */
export interface LoadFigures {
  /** People whose stage changes. */
  changed: number;
  /** People handed to sales under the draft and never under the live version. */
  gained: number;
  /** People handed to sales under the live version and never under the draft. */
  lost: number;
  /** Handoffs under the draft minus handoffs under the live version (a recycled person can be handed off twice). */
  extra: number;
}

export interface WeekFigures {
  /** The Monday (UTC) the week starts, `YYYY-MM-DD`. */
  week: string;
  /** Entries into `mql` that happened (stored transitions). */
  actual: number;
  /** Entries the live version produces on replay. */
  live: number;
  /** Entries the draft produces on replay. */
  draft: number;
}

export interface PreviewReport {
  at: string;
  live: { name: string; version: number };
  draft: { name: string; version: number; missing: ('marketing' | 'sales')[] };
  people: number;
  counts: { live: StageCounts; draft: StageCounts };
  /** Everyone whose stage differs (up to the `keepChanged` given; `changed_total` counts them all), in input order. */
  changed: PreviewChange[];
  changed_total: number;
  /** Changed people by what put them where they are under the draft (`mql: rule:demo-request`). */
  by_rule: Record<string, number>;
  by_owner: Record<string, LoadFigures>;
  by_segment: Record<string, LoadFigures>;
  mql_per_week: WeekFigures[];
  handoffs: { live: number; draft: number; actual: number; newly: number; no_longer: number };
  /** Of the people the draft newly hands off, those sales had rejected before (last reason each). */
  already_rejected: { people: number; reasons: Record<string, number> };
}

export interface PreviewOptions {
  /** Keep at most this many changed people in the report (default: all). */
  keepChanged?: number;
  /**
   * `routing.yaml` as a what-if (`simulatedInputs`): a person the draft newly hands off that has no
   * owner yet is given the one routing would pick, the round robin replayed in the order people come.
   */
  routing?: { inputs: BatchInputs; timeZone: string | null };
}

/** The owner shown for a person nobody holds. */
export const UNASSIGNED = '(unassigned)';

const DAY = 86_400_000;

const mondays = new Map<number, string>();

/** The Monday (UTC) of the week `at` falls in. */
export function weekOf(at: string | number): string {
  const t = typeof at === 'number' ? at : Date.parse(at);
  const day = Math.floor(t / DAY);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday
  const monday = day - ((((day + 3) % 7) + 7) % 7);
  let label = mondays.get(monday);
  if (label === undefined) mondays.set(monday, (label = new Date(monday * DAY).toISOString().slice(0, 10)));
  return label;
}

/** Entries into `mql` (as the stage moved to, or passed on the way); breach marks are not moves. */
function handoffTimes(transitions: readonly Transition[]): string[] {
  const out: string[] = [];
  for (const t of transitions) if (!t.breached && (t.to === 'mql' || t.passed.includes('mql'))) out.push(t.at);
  return out;
}

const zero = (): LoadFigures => ({ changed: 0, gained: 0, lost: 0, extra: 0 });

/** An accumulator: `add` pages of people, then `report`. */
export interface Preview {
  add(people: Iterable<PreviewPerson>): void;
  report(): PreviewReport;
}

/** Starts a preview of `draft` against `live`, both replayed up to `at` (ISO). */
export function createPreview(live: Agreement, draft: Agreement, at: string, options: PreviewOptions = {}): Preview {
  const keep = options.keepChanged ?? Infinity;
  // what happened after `at` is not history yet, as the replay ignores it
  const end = Date.parse(at);
  const counts = { live: emptyCounts(), draft: emptyCounts() };
  const changed: PreviewChange[] = [];
  let changedTotal = 0;
  let people = 0;
  const byRule: Record<string, number> = {};
  const byOwner = new Map<string, LoadFigures>();
  const bySegment = new Map<string, LoadFigures>();
  const weeks = new Map<string, WeekFigures>();
  const handoffs = { live: 0, draft: 0, actual: 0, newly: 0, no_longer: 0 };
  const rejected = { people: 0, reasons: {} as Record<string, number> };
  const routingStates = new Map<string, RoutingState>();
  const rotations: RoutingState['rotations'] = new Map();

  /** Who routing would give a newly handed-off person, at its first handoff under the draft. */
  const route = (p: PreviewPerson, b: ReplayResult, at: string): { owner: string; segment: string } => {
    const r = options.routing!;
    const day = capDay(at, r.timeZone);
    let state = routingStates.get(day);
    if (!state) routingStates.set(day, (state = { rotations, assignedToday: new Map() }));
    const key = p.input.email;
    const d = routeInOrder(
      [{ key, email: key, person: p.input.person ?? {}, scores: b.scores, events: p.input.events, at }],
      r.inputs,
      state,
    ).get(key)!;
    return { owner: d.user ? d.user.email : "(org's assignment rule)", segment: d.rule };
  };

  const week = (t: string): WeekFigures => {
    const w = weekOf(t);
    let f = weeks.get(w);
    if (!f) weeks.set(w, (f = { week: w, actual: 0, live: 0, draft: 0 }));
    return f;
  };
  const figures = (m: Map<string, LoadFigures>, key: string): LoadFigures => {
    let f = m.get(key);
    if (!f) m.set(key, (f = zero()));
    return f;
  };

  function one(p: PreviewPerson): void {
    people++;
    const a: ReplayResult = replay(live, p.input, at);
    const b: ReplayResult = replay(draft, p.input, at);
    counts.live[a.state.stage]++;
    counts.draft[b.state.stage]++;
    const liveTimes = handoffTimes(a.transitions);
    const draftTimes = handoffTimes(b.transitions);
    for (const t of liveTimes) week(t).live++;
    for (const t of draftTimes) week(t).draft++;
    for (const t of p.actualMql)
      if (Date.parse(t) <= end) {
        week(t).actual++;
        handoffs.actual++;
      }
    handoffs.live += liveTimes.length;
    handoffs.draft += draftTimes.length;
    const handoff =
      draftTimes.length && !liveTimes.length ? 'new' : liveTimes.length && !draftTimes.length ? 'dropped' : undefined;
    const moved = a.state.stage !== b.state.stage;
    if (!moved && !handoff && liveTimes.length === draftTimes.length) return;
    const routed = handoff === 'new' && p.owner === UNASSIGNED && options.routing ? route(p, b, draftTimes[0]) : null;
    const holder = routed ?? p;
    const owner = figures(byOwner, holder.owner);
    const segment = figures(bySegment, holder.segment);
    for (const f of [owner, segment]) {
      f.extra += draftTimes.length - liveTimes.length;
      if (moved) f.changed++;
      if (handoff === 'new') f.gained++;
      if (handoff === 'dropped') f.lost++;
    }
    if (handoff === 'new') {
      handoffs.newly++;
      // sales' answers so far: a person they turned down before, with the last reason given
      let last: string | null | undefined;
      for (const f of p.input.feedback ?? [])
        if (f.decision === 'reject' && Date.parse(f.at) <= end) last = f.reason ?? null;
      if (last !== undefined) {
        rejected.people++;
        const reason = last ?? '(no reason)';
        rejected.reasons[reason] = (rejected.reasons[reason] ?? 0) + 1;
      }
    }
    if (handoff === 'dropped') handoffs.no_longer++;
    if (!moved) return;
    changedTotal++;
    const toReason = b.state.reason ?? `${b.state.stage}: no rule`;
    byRule[toReason] = (byRule[toReason] ?? 0) + 1;
    if (changed.length < keep)
      changed.push({
        email: p.input.email,
        from: a.state.stage,
        to: b.state.stage,
        fromReason: a.state.reason ?? `${a.state.stage}: no rule`,
        toReason,
        owner: holder.owner,
        segment: holder.segment,
        ...(handoff ? { handoff } : {}),
        ...(routed ? { routed: true as const } : {}),
      });
  }

  return {
    add(page) {
      for (const p of page) one(p);
    },
    report() {
      return {
        at,
        live: { name: live.name, version: live.version },
        draft: { name: draft.name, version: draft.version, missing: [...draft.missingApprovals] },
        people,
        counts,
        changed,
        changed_total: changedTotal,
        by_rule: byRule,
        by_owner: Object.fromEntries([...byOwner].sort((x, y) => y[1].extra - x[1].extra || x[0].localeCompare(y[0]))),
        by_segment: Object.fromEntries([...bySegment].sort((x, y) => x[0].localeCompare(y[0]))),
        mql_per_week: filledWeeks(weeks),
        handoffs,
        already_rejected: rejected,
      };
    },
  };
}

/** Every week from the first to the last with a handoff, empty ones included, so a chart has no gaps. */
function filledWeeks(weeks: Map<string, WeekFigures>): WeekFigures[] {
  if (weeks.size === 0) return [];
  const keys = [...weeks.keys()].sort();
  const out: WeekFigures[] = [];
  const end = Date.parse(keys[keys.length - 1]);
  for (let t = Date.parse(keys[0]); t <= end; t += 7 * DAY) {
    const w = new Date(t).toISOString().slice(0, 10);
    out.push(weeks.get(w) ?? { week: w, actual: 0, live: 0, draft: 0 });
  }
  return out;
}

/** The preview of `draft` against `live` over `people`, in one call. */
export function previewDraft(
  live: Agreement,
  draft: Agreement,
  people: Iterable<PreviewPerson>,
  at: string,
  options?: PreviewOptions,
): PreviewReport {
  const p = createPreview(live, draft, at, options);
  p.add(people);
  return p.report();
}
