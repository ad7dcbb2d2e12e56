/**
 * Replays one person's history through an agreement the way the service would have seen it:
 * evaluated after each event and each feedback (events first at one instant, each in input
 * order), when a recycle hold ends, and once more at the evaluation time.
 */
import type { CompiledAgreement } from './compile.ts';
import { formatInstant, parseInstant } from './time.ts';
import type {
  Agreement,
  AgreementEvent,
  FeedbackInput,
  PersonFacts,
  PersonState,
  Scores,
  Step,
  Transition,
} from './types.ts';

/** One person of a `baton simulate` file. Fields hold for the whole replay. */
export interface ReplayInput {
  email: string;
  person?: Record<string, unknown>;
  deal?: Record<string, unknown> | null;
  events?: AgreementEvent[];
  feedback?: FeedbackInput[];
  converted?: boolean;
}

export interface ReplayResult {
  state: PersonState;
  transitions: Transition[];
  scores: Scores;
}

interface Timed {
  t: number;
  /** Events sort before feedback at one instant. */
  order: number;
  seq: number;
  step: Step;
}

/** Replays `input` up to `at` (ISO); steps after `at` are ignored. */
export function replay(agreement: Agreement, input: ReplayInput, at: string): ReplayResult {
  const end = parseInstant(at);
  const events = input.events ?? [];
  const facts: PersonFacts = {
    email: input.email,
    person: input.person ?? {},
    deal: input.deal ?? null,
    events,
    converted: input.converted,
  };
  const steps: Timed[] = [];
  events.forEach((event, seq) => {
    const t = event.atMs ?? parseInstant(event.at);
    if (t <= end) steps.push({ t, order: 0, seq, step: { kind: 'event', at: event.at, event } });
  });
  (input.feedback ?? []).forEach((feedback, seq) => {
    const t = parseInstant(feedback.at);
    if (t <= end) steps.push({ t, order: 1, seq, step: { kind: 'feedback', at: feedback.at, feedback } });
  });
  steps.sort((a, b) => a.t - b.t || a.order - b.order || a.seq - b.seq);

  let state = agreement.initialState();
  const transitions: Transition[] = [];
  let scores: Scores = { fit: 0, engagement: 0 };
  let last = -Infinity;
  // A compiled agreement reads the timestamps once for the whole replay.
  const compiled = 'stepPrepared' in agreement ? (agreement as CompiledAgreement) : null;
  const prep = compiled ? compiled.prepare(facts) : null;
  const apply = (step: Step, t: number) => {
    const r = compiled && prep ? compiled.stepPrepared(prep, state, step, t) : agreement.step(facts, state, step);
    state = r.state;
    scores = r.scores;
    for (const tr of r.transitions) transitions.push(tr);
    last = t;
  };
  // A hold that ends between two steps is an evaluation point of its own.
  const holdEndBefore = (t: number) => {
    if (state.holdUntil === undefined) return;
    const h = parseInstant(state.holdUntil);
    if (h > last && h < t) apply({ kind: 'evaluate', at: formatInstant(h) }, h);
  };
  for (const s of steps) {
    holdEndBefore(s.t);
    apply(s.step, s.t);
  }
  holdEndBefore(end);
  apply({ kind: 'evaluate', at: formatInstant(end) }, end);
  return { state, transitions, scores };
}
