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
  const feedback: Timed[] = [];
  (input.feedback ?? []).forEach((fb, seq) => {
    const t = parseInstant(fb.at);
    if (t <= end) feedback.push({ t, seq, step: { kind: 'feedback', at: fb.at, feedback: fb } });
  });
  feedback.sort((a, b) => a.t - b.t || a.seq - b.seq);

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
  // Events in time order, input order at one instant: the prepared events are sorted so already.
  const ordered: readonly { t: number; source: AgreementEvent }[] = prep ? prep.events : sortedEvents(events);
  // Merged with the feedback; at one instant events come first.
  let j = 0;
  for (let i = 0; i < ordered.length && ordered[i].t <= end; i++) {
    const { t, source: event } = ordered[i];
    while (j < feedback.length && feedback[j].t < t) {
      holdEndBefore(feedback[j].t);
      apply(feedback[j].step, feedback[j].t);
      j++;
    }
    holdEndBefore(t);
    apply({ kind: 'event', at: event.at, event }, t);
  }
  for (; j < feedback.length; j++) {
    holdEndBefore(feedback[j].t);
    apply(feedback[j].step, feedback[j].t);
  }
  holdEndBefore(end);
  apply({ kind: 'evaluate', at: formatInstant(end) }, end);
  return { state, transitions, scores };
}

function sortedEvents(events: AgreementEvent[]): { t: number; source: AgreementEvent }[] {
  const out = events.map((source, seq) => ({ t: source.atMs ?? parseInstant(source.at), seq, source }));
  return out.sort((a, b) => a.t - b.t || a.seq - b.seq);
}
