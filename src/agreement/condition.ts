/**
 * Conditions of `agreement.yaml` (and of routing tiers and `fields.yaml` feedback) compiled once
 * into closures, plus their readable descriptions for explanations.
 */
import type { Condition, EventCondition, FieldCondition, ScoreCondition } from '../config/schema.ts';
import { parseDuration } from '../config/duration.ts';
import { parseInstant } from './time.ts';
import type { ConditionContext, CountedEvent, PersonFacts, Scores } from './types.ts';
import { compileOperators, describeOperators, showValue, type ValuePredicate } from './values.ts';
import { BatonError } from '../platform/errors.ts';

export type CompiledCondition = (ctx: ConditionContext) => boolean;
export type FieldReader = (ctx: ConditionContext) => unknown;

/** Reads a vocabulary name: `person.X`, `deal.X`; a bare name is a person field. */
export function fieldReader(name: string): FieldReader {
  const dot = name.indexOf('.');
  const scope = dot < 0 ? 'person' : name.slice(0, dot);
  const key = dot < 0 ? name : name.slice(dot + 1);
  if (scope === 'deal') return (ctx) => (ctx.deal ? ctx.deal[key] : undefined);
  if (scope !== 'person') return (ctx) => ctx.person[name];
  if (key === 'email') {
    // `person.email` is the person's key when no field gives it.
    return (ctx) => {
      const v = ctx.person.email;
      return v === undefined || v === null || v === '' ? ctx.email : v;
    };
  }
  return (ctx) => ctx.person[key];
}

/** A `where` object as one predicate on an event's properties; a plain value means `eq`. */
export function compileWhere(
  where: Record<string, unknown> | undefined,
): ((props: Record<string, unknown>) => boolean) | null {
  if (!where) return null;
  const keys = Object.keys(where);
  if (keys.length === 0) return null;
  const preds: ValuePredicate[] = keys.map((k) => {
    const spec = where[k];
    return compileOperators(
      spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : { eq: spec },
    );
  });
  if (keys.length === 1) {
    const k = keys[0];
    const p = preds[0];
    return (props) => p(props[k]);
  }
  return (props) => {
    for (let i = 0; i < keys.length; i++) if (!preds[i](props[keys[i]])) return false;
    return true;
  };
}

function compileEvent(c: EventCondition): CompiledCondition {
  const type = c.event;
  const where = compileWhere(c.where as Record<string, unknown> | undefined);
  const within = c.within === undefined ? Infinity : parseDuration(c.within);
  const need = c.count?.gte ?? 1;
  return (ctx) => {
    const events: readonly CountedEvent[] = ctx.events;
    const n = ctx.count ?? events.length;
    const since = ctx.since ?? -Infinity;
    const from = ctx.at - within;
    let found = 0;
    for (let i = 0; i < n; i++) {
      const e = events[i];
      const t = e.t;
      if (t > ctx.at || t <= since || t < from || e.type !== type) continue;
      if (where !== null && !where(e.properties)) continue;
      if (++found >= need) return true;
    }
    return false;
  };
}

function compileScore(c: ScoreCondition): CompiledCondition {
  const pred = compileOperators({ ...c });
  return c.score === 'fit' ? (ctx) => pred(ctx.scores.fit) : (ctx) => pred(ctx.scores.engagement);
}

function compileField(c: FieldCondition): CompiledCondition {
  const read = fieldReader(c.field);
  const pred = compileOperators({ ...c });
  return (ctx) => pred(read(ctx));
}

/** Compiles a condition once into a closure over a `ConditionContext`. */
export function compileCondition(cond: Condition): CompiledCondition {
  if ('all' in cond) {
    const parts = cond.all.map(compileCondition);
    if (parts.length === 1) return parts[0];
    return (ctx) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i](ctx)) return false;
      return true;
    };
  }
  if ('any' in cond) {
    const parts = cond.any.map(compileCondition);
    if (parts.length === 1) return parts[0];
    return (ctx) => {
      for (let i = 0; i < parts.length; i++) if (parts[i](ctx)) return true;
      return false;
    };
  }
  if ('not' in cond) {
    const inner = compileCondition(cond.not);
    return (ctx) => !inner(ctx);
  }
  if ('event' in cond) return compileEvent(cond);
  if ('score' in cond) return compileScore(cond);
  if ('field' in cond) return compileField(cond);
  throw new BatonError('bad_condition', `not a condition: ${JSON.stringify(cond)}`);
}

/** A condition on fields only (no score, no event): it holds or not for the whole life of one set of facts. */
export function isStaticCondition(cond: Condition): boolean {
  if ('all' in cond) return cond.all.every(isStaticCondition);
  if ('any' in cond) return cond.any.every(isStaticCondition);
  if ('not' in cond) return isStaticCondition(cond.not);
  return 'field' in cond;
}

/**
 * A context for conditions evaluated outside the stage machine (routing rules, SLA tiers,
 * `fields.yaml` feedback): the person's facts at `at`, with the scores when the caller has them.
 */
export function conditionContext(
  facts: PersonFacts,
  at: string,
  scores: Scores = { fit: 0, engagement: 0 },
  resetAt?: string,
): ConditionContext {
  const events: CountedEvent[] = facts.events.map((e) => ({
    t: e.atMs ?? parseInstant(e.at),
    type: e.type,
    properties: e.properties ?? {},
  }));
  return {
    email: facts.email,
    person: facts.person,
    deal: facts.deal,
    scores,
    events,
    since: resetAt === undefined ? undefined : parseInstant(resetAt),
    at: parseInstant(at),
  };
}

function shortName(field: string): string {
  return field.startsWith('person.') ? field.slice(7) : field;
}

function describeWhere(where: Record<string, unknown> | undefined): string {
  if (!where) return '';
  const parts = Object.entries(where).map(([k, v]) =>
    v !== null && typeof v === 'object'
      ? `${k} ${describeOperators(v as Record<string, unknown>)}`
      : `${k} = ${showValue(v)}`,
  );
  return parts.length ? ` where ${parts.join(', ')}` : '';
}

/**
 * A condition as one readable line. With a context, field and score conditions show the value
 * they saw: `employees 850 ≥ 200`.
 */
export function describeCondition(cond: Condition, ctx?: ConditionContext): string {
  if ('all' in cond)
    return cond.all.length === 1
      ? describeCondition(cond.all[0], ctx)
      : `(${cond.all.map((c) => describeCondition(c, ctx)).join(' and ')})`;
  if ('any' in cond)
    return cond.any.length === 1
      ? describeCondition(cond.any[0], ctx)
      : `(${cond.any.map((c) => describeCondition(c, ctx)).join(' or ')})`;
  if ('not' in cond) return `not ${describeCondition(cond.not, ctx)}`;
  if ('event' in cond) {
    const count = cond.count ? `${cond.count.gte} × ` : '';
    const within = cond.within ? ` within ${cond.within}` : '';
    return `${count}${cond.event}${describeWhere(cond.where as Record<string, unknown> | undefined)}${within}`;
  }
  const ops = describeOperators({ ...cond });
  if ('score' in cond) {
    const seen = ctx ? ` ${round2(ctx.scores[cond.score])}` : '';
    return `${cond.score}${seen} ${ops}`;
  }
  const seen = ctx ? ` ${showValue(fieldReader(cond.field)(ctx))}` : '';
  return `${shortName(cond.field)}${seen} ${ops}`;
}

/** Rounds a score for reporting (scores compare unrounded). */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
