/** `compileAgreement`: the YAML tree becomes closures once; every person then runs on those. */
import type { AgreementConfig } from '../config/schema.ts';
import { parseDuration } from '../config/duration.ts';
import { compileCondition, isStaticCondition } from './condition.ts';
import { explainAt } from './explain.ts';
import { compileScorers, type PreparedFacts } from './scores.ts';
import { compileSla } from './sla.ts';
import { applyStep, contextAt, eventsUpTo, type Engine } from './stages.ts';
import { formatInstant, parseInstant } from './time.ts';
import type { Agreement, PersonFacts, PersonState, Step, StepResult } from './types.ts';

/** A compiled agreement that also exposes its source and compiled parts (for replay and benchmarks). */
export interface CompiledAgreement extends Agreement {
  readonly config: AgreementConfig;
  readonly engine: Engine;
  /** Facts with events prepared (timestamps read, engagement rule found) once, for several steps. */
  prepare(facts: PersonFacts): PreparedFacts;
  /** `step` on facts prepared by `prepare`; a step's event must be among them. */
  stepPrepared(prep: PreparedFacts, state: PersonState, step: Step, atMs?: number): StepResult;
}

/** Compiles an agreement (already validated by `agreementSchema`). Throws `InputError` for an unknown time zone. */
export function compileAgreement(config: AgreementConfig): CompiledAgreement {
  const scorers = compileScorers(config.score);
  const engine: Engine = {
    version: config.version,
    scorers,
    mql: config.stages.mql ? compileCondition(config.stages.mql) : null,
    sql: config.stages.sql ? compileCondition(config.stages.sql) : null,
    disqualify: (config.disqualify ?? []).map((r) => ({ id: r.id, holds: compileCondition(r.if) })),
    disqualifyStatic: (config.disqualify ?? []).every((r) => isStaticCondition(r.if)),
    sla: compileSla(config.sla),
    recycle: config.recycle
      ? { holdMs: parseDuration(config.recycle.hold), reset: config.recycle.reset_engagement ?? false }
      : null,
  };
  const missingApprovals: ('marketing' | 'sales')[] = [];
  if (!config.owners.marketing.approved) missingApprovals.push('marketing');
  if (!config.owners.sales.approved) missingApprovals.push('sales');

  const prepare = (facts: PersonFacts): PreparedFacts => scorers.prepare(facts);

  // One step keeps no reference to its prepared facts, so they can live in a reused buffer.
  function prepareFor(facts: PersonFacts, step: Step): PreparedFacts {
    if (step.kind !== 'event') return scorers.prepareScratch(facts);
    const e = step.event;
    const known = facts.events.some((x) => x === e || (e.id !== undefined && x.id === e.id));
    // The pipeline may hand the new event beside the known ones rather than among them.
    return scorers.prepareScratch(known ? facts : { ...facts, events: [...facts.events, e] });
  }

  return {
    name: config.name,
    version: config.version,
    missingApprovals,
    config,
    engine,
    prepare,
    initialState: () => ({ stage: 'lead', entered: {} }),
    scores(facts, state, at) {
      const t = parseInstant(at);
      const prep = scorers.prepareScratch(facts);
      return contextAt(engine, prep, state, t, eventsUpTo(prep.events, t)).scores;
    },
    step: (facts, state, step) => applyStep(engine, prepareFor(facts, step), state, step),
    stepPrepared: (prep, state, step, atMs) => applyStep(engine, prep, state, step, atMs),
    explain: (facts, state, at) => explainAt(config, engine, prepare(facts), state, parseInstant(at)),
    slaStart(start, facts, state) {
      if (!engine.sla) return null;
      const t = parseInstant(start);
      if (!facts) return engine.sla.start(t, null);
      const prep = prepare(facts);
      return engine.sla.start(
        t,
        contextAt(engine, prep, state ?? { stage: 'lead', entered: {} }, t, eventsUpTo(prep.events, t)),
      );
    },
    slaDeadline(start, facts) {
      if (!engine.sla) return null;
      const t = parseInstant(start);
      let ctx = null;
      if (facts) {
        const prep = prepare(facts);
        ctx = contextAt(engine, prep, { stage: 'lead', entered: {} }, t, eventsUpTo(prep.events, t));
      }
      return formatInstant(engine.sla.deadline(t, ctx).due);
    },
  };
}
