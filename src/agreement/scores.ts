/**
 * Fit and engagement, compiled once. Events are prepared once per person (timestamp read, first
 * matching engagement rule found), so scoring at any time is a tight loop of arithmetic.
 */
import type { AgreementConfig } from '../config/schema.ts';
import { parseDuration } from '../config/duration.ts';
import { compileCondition, compileWhere, isStaticCondition, type CompiledCondition } from './condition.ts';
import { parseInstant } from './time.ts';
import type { AgreementEvent, ConditionContext, CountedEvent, PersonFacts } from './types.ts';

/** An event ready for scoring: its time and the index of the first engagement rule it matches (−1: none). */
export interface PreparedEvent extends CountedEvent {
  rule: number;
  source: AgreementEvent;
}

/** A person's facts with events prepared and sorted by time (stable: input order at one instant). */
export interface PreparedFacts {
  facts: PersonFacts;
  events: PreparedEvent[];
  /** The array and its length this was prepared from, to know when to prepare again. */
  sourceEvents: AgreementEvent[];
  sourceLength: number;
  /** Fit, once known, when fit rules read fields only (NaN until then). */
  fit: number;
  /** The first disqualify rule that holds (null: none), once known, when those rules read fields only. */
  disqualifiedBy: string | null | undefined;
}

export interface EngagementRuleInfo {
  id: string;
  on: string;
  add: number;
  cap: number;
}

export interface Scorers {
  fitMax: number;
  engagementMax: number;
  halfLifeMs: number;
  engagementRules: readonly EngagementRuleInfo[];
  fitRules: readonly { id: string; add: number; holds: CompiledCondition }[];
  /** Fit rules read fields only, so fit is the same at every time for one set of facts. */
  fitStatic: boolean;
  /** The first engagement rule an event matches, or −1. */
  ruleOf(type: string, properties: Record<string, unknown>): number;
  prepare(facts: PersonFacts): PreparedFacts;
  /**
   * Like `prepare`, into one reused buffer: for a single synchronous evaluation whose result keeps
   * no reference to it (saves the garbage of one object per event).
   */
  prepareScratch(facts: PersonFacts): PreparedFacts;
  /** Engagement at `at` from the first `count` events with `since < t ≤ at`. */
  engagement(events: readonly PreparedEvent[], count: number, since: number, at: number): number;
  /** Fit from the context's person and deal (its `scores` may hold the engagement already). */
  fit(ctx: ConditionContext): number;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}

/** Compiles the `score:` section. */
export function compileScorers(score: AgreementConfig['score']): Scorers {
  const fitRules = score.fit.rules.map((r) => ({ id: r.id, add: r.add, holds: compileCondition(r.if) }));
  const engagementRules = score.engagement.rules.map((r) => ({
    id: r.id,
    on: r.on,
    add: r.add,
    cap: r.cap ?? Infinity,
    where: compileWhere(r.where as Record<string, unknown> | undefined),
  }));
  const fitMax = score.fit.max;
  const engagementMax = score.engagement.max;
  const halfLifeMs = parseDuration(score.engagement.half_life);
  const nRules = engagementRules.length;
  const adds = Float64Array.from(engagementRules, (r) => r.add);
  const caps = Float64Array.from(engagementRules, (r) => r.cap);
  // One scratch buffer: the engine is synchronous, so no two evaluations overlap.
  const sums = new Float64Array(nRules);

  // The rules of each event type, in their order: most events skip most rules.
  const byType = new Map<string, number[]>();
  engagementRules.forEach((r, i) => byType.set(r.on, [...(byType.get(r.on) ?? []), i]));

  function ruleOf(type: string, properties: Record<string, unknown>): number {
    const candidates = byType.get(type);
    if (candidates === undefined) return -1;
    for (let k = 0; k < candidates.length; k++) {
      const i = candidates[k];
      const where = engagementRules[i].where;
      if (where === null || where(properties)) return i;
    }
    return -1;
  }

  function fill(facts: PersonFacts, events: PreparedEvent[], reuse: boolean): PreparedFacts {
    const src = facts.events;
    let sorted = true;
    for (let i = 0; i < src.length; i++) {
      const e = src[i];
      const properties = e.properties ?? {};
      const t = e.atMs ?? parseInstant(e.at);
      const rule = ruleOf(e.type, properties);
      if (reuse && i < events.length) {
        const p = events[i];
        p.t = t;
        p.type = e.type;
        p.properties = properties;
        p.rule = rule;
        p.source = e;
      } else events[i] = { t, type: e.type, properties, rule, source: e };
      if (i > 0 && t < events[i - 1].t) sorted = false;
    }
    events.length = src.length;
    if (!sorted) events.sort((a, b) => a.t - b.t); // Array#sort is stable.
    if (!reuse)
      return { facts, events, sourceEvents: src, sourceLength: src.length, fit: NaN, disqualifiedBy: undefined };
    const p = scratchFacts;
    p.facts = facts;
    p.events = events;
    p.sourceEvents = src;
    p.sourceLength = src.length;
    p.fit = NaN;
    p.disqualifiedBy = undefined;
    return p;
  }

  const prepare = (facts: PersonFacts): PreparedFacts => fill(facts, new Array(facts.events.length), false);
  const scratch: PreparedEvent[] = [];
  const scratchFacts: PreparedFacts = {
    facts: { email: '', person: {}, deal: null, events: [] },
    events: scratch,
    sourceEvents: [],
    sourceLength: 0,
    fit: NaN,
    disqualifiedBy: undefined,
  };
  const prepareScratch = (facts: PersonFacts): PreparedFacts => fill(facts, scratch, true);

  function engagement(events: readonly PreparedEvent[], count: number, since: number, at: number): number {
    if (nRules === 0) return 0;
    sums.fill(0);
    for (let i = 0; i < count; i++) {
      const e = events[i];
      const r = e.rule;
      if (r < 0) continue;
      const t = e.t;
      if (t > at || t <= since) continue;
      sums[r] += adds[r] * Math.pow(0.5, (at - t) / halfLifeMs);
    }
    let total = 0;
    for (let r = 0; r < nRules; r++) total += sums[r] < caps[r] ? sums[r] : caps[r];
    return clamp(total, engagementMax);
  }

  function fit(ctx: ConditionContext): number {
    let total = 0;
    for (let i = 0; i < fitRules.length; i++) if (fitRules[i].holds(ctx)) total += fitRules[i].add;
    return clamp(total, fitMax);
  }

  return {
    fitMax,
    engagementMax,
    halfLifeMs,
    engagementRules: engagementRules.map(({ id, on, add, cap }) => ({ id, on, add, cap })),
    fitRules,
    fitStatic: score.fit.rules.every((r) => isStaticCondition(r.if)),
    ruleOf,
    prepare,
    prepareScratch,
    engagement,
    fit,
  };
}
