/**
 * The stage machine: one step (event, feedback, SLA check, evaluation) applied to a person's state.
 * Order within a step: SLA breach, disqualify (wins, and silences feedback), feedback, then the
 * forward moves (deal > sql > mql), each recorded as a transition with its cause.
 */
import type { Stage } from '../config/schema.ts';
import type { CompiledCondition } from './condition.ts';
import type { PreparedEvent, PreparedFacts, Scorers } from './scores.ts';
import { slaRunning, type SlaClock } from './sla.ts';
import { formatInstant, parseInstant } from './time.ts';
import type { ConditionContext, FeedbackInput, PersonState, Scores, Step, StepResult, Transition } from './types.ts';

/** The compiled parts the machine runs on. */
export interface Engine {
  version: number;
  scorers: Scorers;
  mql: CompiledCondition | null;
  sql: CompiledCondition | null;
  disqualify: readonly { id: string; holds: CompiledCondition }[];
  /** Disqualify rules read fields only: their verdict holds for one set of facts at every time. */
  disqualifyStatic: boolean;
  sla: SlaClock | null;
  recycle: { holdMs: number; reset: boolean } | null;
}

/** Position on the waterfall; `recycled` and `disqualified` restart from the bottom. */
const RANK: Record<Stage, number> = {
  lead: 0,
  mql: 1,
  sal: 2,
  sql: 3,
  opportunity: 4,
  won: 5,
  lost: 5,
  recycled: 0,
  disqualified: 0,
};
const LADDER: readonly Stage[] = ['lead', 'mql', 'sal', 'sql', 'opportunity'];

function passedBetween(from: Stage, to: Stage): Stage[] {
  const out: Stage[] = [];
  for (let r = RANK[from] + 1; r < RANK[to] && r < LADDER.length; r++) out.push(LADDER[r]);
  return out;
}

/** How many prepared events exist at `at` (those with `t ≤ at`; they are sorted). */
export function eventsUpTo(events: readonly PreparedEvent[], at: number): number {
  let n = events.length;
  while (n > 0 && events[n - 1].t > at) n--;
  return n;
}

/** Scores and condition context at `at`, seeing the first `count` events and the recycle reset. */
export function contextAt(
  engine: Engine,
  prep: PreparedFacts,
  state: PersonState,
  at: number,
  count: number,
): ConditionContext {
  const since = state.resetAt === undefined ? -Infinity : parseInstant(state.resetAt);
  const scores: Scores = { fit: 0, engagement: engine.scorers.engagement(prep.events, count, since, at) };
  const f = prep.facts;
  const ctx: ConditionContext = {
    email: f.email,
    person: f.person,
    deal: f.deal,
    scores,
    events: prep.events,
    count,
    since,
    at,
  };
  const { scorers } = engine;
  if (!scorers.fitStatic) scores.fit = scorers.fit(ctx);
  else scores.fit = Number.isNaN(prep.fit) ? (prep.fit = scorers.fit(ctx)) : prep.fit;
  return ctx;
}

function disqualifiedBy(engine: Engine, prep: PreparedFacts, ctx: ConditionContext): string | null {
  if (engine.disqualifyStatic && prep.disqualifiedBy !== undefined) return prep.disqualifiedBy;
  let id: string | null = null;
  for (let i = 0; i < engine.disqualify.length; i++) {
    if (engine.disqualify[i].holds(ctx)) {
      id = engine.disqualify[i].id;
      break;
    }
  }
  if (engine.disqualifyStatic) prep.disqualifiedBy = id;
  return id;
}

function copyState(s: PersonState): PersonState {
  const out: PersonState = { ...s, entered: { ...s.entered } };
  if (s.sla) out.sla = { ...s.sla };
  return out;
}

interface Run {
  engine: Engine;
  state: PersonState;
  transitions: Transition[];
  prep: PreparedFacts;
  /** The events the step sees (the first `count` prepared ones), and the step's own event. */
  count: number;
  event: PreparedEvent | null;
}

function move(run: Run, to: Stage, at: number, cause: string, scores: Scores, extra?: Partial<Transition>): void {
  const { state } = run;
  const iso = formatInstant(at);
  const t: Transition = {
    from: state.stage,
    to,
    at: iso,
    cause,
    version: run.engine.version,
    scores,
    passed: passedBetween(state.stage, to),
    ...extra,
  };
  run.transitions.push(t);
  state.stage = to;
  if (state.entered[to] === undefined) state.entered[to] = iso;
  state.reason = `${to}: ${cause}`;
  state.movedAt = iso;
  if (RANK[to] >= RANK.sql && slaRunning(state.sla)) state.sla.stoppedAt = iso;
}

function recordBreach(run: Run, prep: PreparedFacts, due: number): void {
  const sla = run.state.sla!;
  sla.breached = true;
  const ctx = contextAt(run.engine, prep, run.state, due, eventsUpTo(prep.events, due));
  run.transitions.push({
    from: run.state.stage,
    to: run.state.stage,
    at: sla.due,
    cause: 'sla',
    version: run.engine.version,
    scores: ctx.scores,
    passed: [],
    breached: true,
  });
}

function applyFeedback(run: Run, fb: FeedbackInput, at: number, scores: Scores): boolean {
  const { state } = run;
  const s = state.stage;
  if (fb.decision === 'accept') {
    if (s !== 'lead' && s !== 'mql' && s !== 'recycled') return false;
    if (slaRunning(state.sla)) state.sla.answeredAt = formatInstant(at);
    move(run, 'sal', at, 'feedback', scores);
    return false;
  }
  if (s !== 'lead' && s !== 'mql' && s !== 'sal' && s !== 'recycled') return false;
  if (slaRunning(state.sla)) state.sla.answeredAt = formatInstant(at);
  const r = run.engine.recycle;
  if (r) {
    state.holdUntil = formatInstant(at + r.holdMs);
    if (r.reset) state.resetAt = formatInstant(at);
  }
  if (fb.reason !== undefined) state.rejectReason = fb.reason;
  move(run, 'recycled', at, 'feedback', scores, fb.reason === undefined ? undefined : { reason: fb.reason });
  return r !== null && r.reset;
}

/**
 * The cause of a condition's entry: the engagement rule of the step's event when that event crossed
 * the line (the condition did not hold without it), else `rule:<stage>`. (A plain function over the
 * run rather than a closure per step: the engine allocates as little as it can per evaluation.)
 */
function causeOf(run: Run, at: number, cond: CompiledCondition, stage: 'mql' | 'sql'): string {
  const { event, engine } = run;
  if (event === null || event.rule < 0) return `rule:${stage}`;
  const without = contextAt(engine, run.prep, run.state, at, run.count - 1);
  return cond(without) ? `rule:${stage}` : `rule:${engine.scorers.engagementRules[event.rule].id}`;
}

/** Moves forward by deal, `sql` or `mql`, whichever is highest; never backwards (but won ⇄ lost). */
function advance(run: Run, ctx: ConditionContext, at: number, converted: boolean): void {
  const { engine, state } = run;
  const stage = state.stage;
  const rank = RANK[stage];
  const deal = ctx.deal;
  if (deal) {
    const ds = deal.stage;
    const target: Stage = ds === 'won' ? 'won' : ds === 'lost' ? 'lost' : 'opportunity';
    if (RANK[target] > rank || (RANK[target] === 5 && target !== stage))
      move(run, target, at, 'crm:deal.stage', ctx.scores);
    return;
  }
  if (rank >= RANK.sql) return;
  const sqlHolds = engine.sql !== null && engine.sql(ctx);
  if (sqlHolds || converted) {
    move(run, 'sql', at, sqlHolds ? causeOf(run, at, engine.sql!, 'sql') : 'crm:converted', ctx.scores);
    return;
  }
  if (stage !== 'lead' && stage !== 'recycled') return;
  if (engine.mql === null) return;
  if (state.holdUntil !== undefined && at < parseInstant(state.holdUntil)) return;
  if (engine.mql(ctx)) {
    move(run, 'mql', at, causeOf(run, at, engine.mql, 'mql'), ctx.scores);
    // The handoff: the SLA clock starts now, its tier chosen by what holds at this moment.
    if (engine.sla) state.sla = engine.sla.start(at, ctx);
  }
}

/** Sets the events `step` sees on `run`: up to its own event, else those at or before `at`. */
function cutFor(run: Run, step: Step, at: number): void {
  const events = run.prep.events;
  if (step.kind === 'event') {
    const target = step.event;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.source === target || (target.id !== undefined && e.source.id === target.id)) {
        run.count = i + 1;
        run.event = e;
        return;
      }
    }
  }
  run.count = eventsUpTo(events, at);
  run.event = null;
}

/** Applies one step to a copy of `state`. `prep` must already include a step's event; `atMs` is `step.at` when known. */
export function applyStep(
  engine: Engine,
  prep: PreparedFacts,
  state0: PersonState,
  step: Step,
  atMs?: number,
): StepResult {
  const at = atMs ?? parseInstant(step.at);
  const run: Run = { engine, state: copyState(state0), transitions: [], prep, count: 0, event: null };
  const { state } = run;

  // A breach happened at the deadline, before anything this step brings. An answer exactly at
  // the deadline is in time, so only an SLA check counts the deadline instant itself.
  if (slaRunning(state.sla)) {
    const due = parseInstant(state.sla.due);
    if (step.kind === 'sla' ? at >= due : at > due) recordBreach(run, prep, due);
  }

  cutFor(run, step, at);
  const count = run.count;
  let ctx = contextAt(engine, prep, state, at, count);

  const dq = disqualifiedBy(engine, prep, ctx);
  if (dq !== null) {
    if (state.stage !== 'disqualified') {
      if (slaRunning(state.sla)) state.sla.stoppedAt = formatInstant(at);
      move(run, 'disqualified', at, `rule:${dq}`, ctx.scores);
      state.disqualifiedBy = dq;
    }
    return { state, transitions: run.transitions, scores: ctx.scores };
  }

  const restartedFrom = state.stage === 'disqualified' ? (state.disqualifiedBy ?? 'disqualify') : null;
  const before = run.transitions.length;
  if (restartedFrom !== null) {
    state.stage = 'lead';
    delete state.disqualifiedBy;
  }

  // Feedback answers the person as it stands at that instant: fields may already have moved it on.
  if (step.kind === 'feedback') advance(run, ctx, at, prep.facts.converted === true);
  if (step.kind === 'feedback' && applyFeedback(run, step.feedback, at, ctx.scores)) {
    ctx = contextAt(engine, prep, state, at, count);
    run.transitions[run.transitions.length - 1].scores = ctx.scores;
  }

  advance(run, ctx, at, prep.facts.converted === true);

  if (restartedFrom !== null) {
    if (run.transitions.length > before) run.transitions[before].from = 'disqualified';
    else {
      state.stage = 'disqualified';
      move(run, 'lead', at, `rule:${restartedFrom}`, ctx.scores);
    }
  }
  return { state, transitions: run.transitions, scores: ctx.scores };
}
