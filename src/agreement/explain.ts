/** Why a person has the scores and stage it has: readable lines and the same as data. Not on the hot path. */
import type { AgreementConfig } from '../config/schema.ts';
import { describeCondition, round2 } from './condition.ts';
import type { PreparedFacts } from './scores.ts';
import { contextAt, eventsUpTo, type Engine } from './stages.ts';
import { formatAge, formatShort, parseInstant } from './time.ts';
import type { Explanation, PersonState } from './types.ts';

function signed(n: number): string {
  const r = round2(n);
  return r < 0 ? `${r}` : `+${r}`;
}

/** Explains scores and stage at `at` (epoch ms). */
export function explainAt(
  config: AgreementConfig,
  engine: Engine,
  prep: PreparedFacts,
  state: PersonState,
  at: number,
): Explanation {
  const count = eventsUpTo(prep.events, at);
  const ctx = contextAt(engine, prep, state, at, count);
  const lines: string[] = [];
  const rules: Explanation['rules'] = [];

  config.score.fit.rules.forEach((rule, i) => {
    if (!engine.scorers.fitRules[i].holds(ctx)) return;
    const detail = describeCondition(rule.if, ctx);
    lines.push(`fit ${signed(rule.add)} ${rule.id} (${detail})`);
    rules.push({ score: 'fit', id: rule.id, points: rule.add, detail });
  });

  const { halfLifeMs, engagementRules } = engine.scorers;
  const since = ctx.since ?? -Infinity;
  engagementRules.forEach((rule, r) => {
    let sum = 0;
    let raw = 0;
    let n = 0;
    let latest = -Infinity;
    for (let i = 0; i < count; i++) {
      const e = prep.events[i];
      if (e.rule !== r || e.t > at || e.t <= since) continue;
      sum += rule.add * Math.pow(0.5, (at - e.t) / halfLifeMs);
      raw += rule.add;
      n++;
      if (e.t > latest) latest = e.t;
    }
    if (n === 0) return;
    const points = Math.min(sum, rule.cap);
    const what =
      n === 1 ? `${rule.on} ${formatAge(at - latest)} ago` : `${n} × ${rule.on}, latest ${formatAge(at - latest)} ago`;
    const capped = sum > rule.cap ? `, capped at ${rule.cap}` : '';
    const detail = `${what}, ${round2(raw)} decayed${capped}`;
    lines.push(`engagement ${signed(points)} ${rule.id} (${detail})`);
    rules.push({ score: 'engagement', id: rule.id, points: round2(points), detail });
  });

  lines.push(
    `scores: fit ${round2(ctx.scores.fit)} of ${engine.scorers.fitMax}, engagement ${round2(ctx.scores.engagement)} of ${engine.scorers.engagementMax}`,
  );
  if (state.reason && state.movedAt) lines.push(`${state.reason} at ${formatShort(parseInstant(state.movedAt))}`);
  else lines.push(`${state.stage}: no rule has moved it yet`);
  if (state.holdUntil && parseInstant(state.holdUntil) > at)
    lines.push(`recycle hold: no new mql before ${formatShort(parseInstant(state.holdUntil))}`);
  if (state.resetAt) lines.push(`engagement counts only events after ${formatShort(parseInstant(state.resetAt))}`);
  const sla = state.sla;
  if (sla) {
    const status = sla.breached
      ? 'breached'
      : sla.answeredAt
        ? `answered ${formatShort(parseInstant(sla.answeredAt))}`
        : sla.stoppedAt
          ? 'stopped'
          : 'running';
    lines.push(`sla: due ${formatShort(parseInstant(sla.due))}, ${status}`);
  }
  return { scores: ctx.scores, stage: state.stage, lines, rules };
}
