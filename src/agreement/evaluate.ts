/**
 * Pure: runs the agreement over a person's new occurrences in time order and returns the new
 * state and transitions. The SLA clock of an `mql` entry is restarted at the processing time,
 * because the clock starts when Baton hands the person to sales (spec "Time").
 */
import type { Agreement, PersonFacts, PersonState, Scores, Step, Transition } from './types.ts';

export interface Evaluated {
  state: PersonState;
  transitions: (Transition & { handedAt?: string })[];
  scores: Scores;
}

const KIND_ORDER: Record<Step['kind'], number> = { event: 0, evaluate: 1, feedback: 2, sla: 3 };

/** Steps in time order; at one instant events come before feedback. */
export function orderSteps(steps: Step[]): Step[] {
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => Date.parse(a.s.at) - Date.parse(b.s.at) || KIND_ORDER[a.s.kind] - KIND_ORDER[b.s.kind] || a.i - b.i)
    .map((x) => x.s);
}

/** Applies `steps` (any order) to `state`; `now` is when Baton processes them. */
export function evaluate(
  agreement: Agreement,
  facts: PersonFacts,
  state: PersonState,
  steps: Step[],
  now: string,
): Evaluated {
  let current = state;
  let scores = agreement.scores(facts, state, now);
  const transitions: Evaluated['transitions'] = [];
  for (const step of orderSteps(steps)) {
    const r = agreement.step(facts, current, step);
    current = r.state;
    scores = r.scores;
    for (const t of r.transitions) {
      if (
        t.to === 'mql' &&
        !t.breached &&
        current.sla &&
        current.sla.startedAt === t.at &&
        Date.parse(now) > Date.parse(t.at)
      ) {
        const due = agreement.slaDeadline(now, facts);
        if (due) current = { ...current, sla: { ...current.sla, startedAt: now, due } };
        transitions.push({ ...t, handedAt: now });
      } else if (t.to === 'mql' && !t.breached) transitions.push({ ...t, handedAt: current.sla?.startedAt ?? now });
      else transitions.push(t);
    }
  }
  return { state: current, transitions, scores };
}
