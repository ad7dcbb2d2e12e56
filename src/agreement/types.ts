/**
 * Plain data in and out of the agreement engine. The same compiled `Agreement` runs in `serve`,
 * `simulate`, tests and benchmarks; it does no I/O.
 */
import type { Stage } from '../config/schema.ts';

export interface AgreementEvent {
  id?: string;
  type: string;
  /** ISO 8601. */
  at: string;
  /** `at` as epoch milliseconds, when the caller has it already (spares reading the string). */
  atMs?: number;
  properties: Record<string, unknown>;
}

export interface FeedbackInput {
  decision: 'accept' | 'reject';
  reason?: string;
  at: string;
}

/** What the engine knows of a person at one time. Names are vocabulary names without prefix. */
export interface PersonFacts {
  email: string;
  person: Record<string, unknown>;
  /** The person's current deal (the latest), or null. */
  deal: Record<string, unknown> | null;
  /** Every known event; the engine ignores those after the evaluation time. */
  events: AgreementEvent[];
  /** The Salesforce Lead is converted. */
  converted?: boolean;
}

export interface Scores {
  fit: number;
  engagement: number;
}

export interface Transition {
  from: Stage | null;
  to: Stage;
  at: string;
  /** `rule:ID`, `feedback`, `crm:FIELD`, `sla`. */
  cause: string;
  version: number;
  scores: Scores;
  passed: Stage[];
  breached?: boolean;
  /** The reject reason, for a `recycled` transition by feedback. */
  reason?: string;
}

export interface SlaState {
  startedAt: string;
  due: string;
  breached: boolean;
  answeredAt?: string;
  /** When the owner is reminded: `due − remind_before` (only with `remind_before`). */
  remindAt?: string;
  /** The clock stopped without an answer: the person reached `sql` or beyond, or was disqualified. */
  stoppedAt?: string;
  /** The index of the `sla.tiers` entry that set `accept_within`, when one did. */
  tier?: number;
}

/** The engine's memory of a person between evaluations; stored as JSON by the pipeline. */
export interface PersonState {
  stage: Stage;
  /** When the person first entered each stage. */
  entered: Partial<Record<Stage, string>>;
  /** No new `mql` before this time (recycle hold). */
  holdUntil?: string;
  /** Events at or before this time no longer count (recycle reset). */
  resetAt?: string;
  /** The stage before a disqualify rule took over; evaluation restarts at `lead` once none holds. */
  disqualifiedBy?: string;
  sla?: SlaState;
  /** The last reject reason. */
  rejectReason?: string;
  /** One line naming what moved the stage last, e.g. `mql: rule:demo-request`. */
  reason?: string;
  /** When the stage last moved. */
  movedAt?: string;
}

/** An event as conditions see it: its time in epoch milliseconds. */
export interface CountedEvent {
  t: number;
  type: string;
  properties: Record<string, unknown>;
}

/** What a compiled condition is evaluated against. */
export interface ConditionContext {
  /** The person's key; `person.email` falls back to it. */
  email?: string;
  person: Record<string, unknown>;
  deal: Record<string, unknown> | null;
  scores: Scores;
  /** Events in time order. Only the first `count` (default all) with `since < t ≤ at` count. */
  events: readonly CountedEvent[];
  count?: number;
  /** Recycle reset: events at or before this time (epoch ms) no longer count. */
  since?: number;
  /** Evaluation time, epoch ms. */
  at: number;
}

/** Something that happened to a person; the engine is evaluated at each. */
export type Step =
  | { kind: 'evaluate'; at: string }
  | { kind: 'event'; at: string; event: AgreementEvent }
  | { kind: 'feedback'; at: string; feedback: FeedbackInput }
  /** A moment the SLA clock is checked for a breach. */
  | { kind: 'sla'; at: string };

export interface StepResult {
  state: PersonState;
  transitions: Transition[];
  scores: Scores;
}

export interface Explanation {
  scores: Scores;
  stage: Stage;
  /** Readable lines: `fit +25 big-company (employees 850 ≥ 200)`. */
  lines: string[];
  /** The same as data. */
  rules: { score: 'fit' | 'engagement'; id: string; points: number; detail: string }[];
}

/** A compiled agreement. */
export interface Agreement {
  readonly name: string;
  readonly version: number;
  /** Which sides have not approved (empty when live-ready). */
  readonly missingApprovals: ('marketing' | 'sales')[];
  initialState(): PersonState;
  scores(facts: PersonFacts, state: PersonState, at: string): Scores;
  /** Applies one step: evaluates conditions, feedback, disqualify, holds and the SLA clock. */
  step(facts: PersonFacts, state: PersonState, step: Step): StepResult;
  explain(facts: PersonFacts, state: PersonState, at: string): Explanation;
  /** The SLA deadline for a clock started at `start` (business hours in the agreement's time zone). */
  slaDeadline(start: string, facts?: PersonFacts): string | null;
  /**
   * A fresh SLA clock for a handoff at `start` (tier, deadline and reminder, as at an `mql` entry),
   * e.g. when the handoff happens later than the transition; null without `sla`.
   */
  slaStart(start: string, facts?: PersonFacts, state?: PersonState): SlaState | null;
}
