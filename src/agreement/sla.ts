/** The SLA clock: deadline by tier and business hours, reminder time, and the breach check. */
import type { AgreementConfig } from '../config/schema.ts';
import { parseDuration } from '../config/duration.ts';
import { compileBusinessHours, type BusinessAdder } from './business-time.ts';
import { compileCondition, type CompiledCondition } from './condition.ts';
import { formatInstant } from './time.ts';
import type { ConditionContext, SlaState } from './types.ts';

export interface SlaClock {
  onBreach: 'escalate' | 'reassign' | 'none';
  /** The deadline and the tier that set it for a clock started at `startMs` (tiers see `ctx`). */
  deadline(startMs: number, ctx: ConditionContext | null): { due: number; tier?: number };
  /** A fresh clock for a handoff at `startMs`. */
  start(startMs: number, ctx: ConditionContext | null): SlaState;
}

/** Compiles `sla:`; null when the agreement has none. */
export function compileSla(sla: AgreementConfig['sla']): SlaClock | null {
  if (!sla) return null;
  const defaultMs = parseDuration(sla.accept_within);
  const tiers: { when: CompiledCondition; ms: number }[] = (sla.tiers ?? []).map((t) => ({
    when: compileCondition(t.when),
    ms: parseDuration(t.accept_within),
  }));
  const remindMs = sla.remind_before === undefined ? null : parseDuration(sla.remind_before);
  const add: BusinessAdder = sla.business_hours ? compileBusinessHours(sla.business_hours) : (s, d) => s + d;

  function deadline(startMs: number, ctx: ConditionContext | null): { due: number; tier?: number } {
    if (ctx) {
      for (let i = 0; i < tiers.length; i++) if (tiers[i].when(ctx)) return { due: add(startMs, tiers[i].ms), tier: i };
    }
    return { due: add(startMs, defaultMs) };
  }

  return {
    onBreach: sla.on_breach ?? 'none',
    deadline,
    start(startMs, ctx) {
      const { due, tier } = deadline(startMs, ctx);
      const state: SlaState = { startedAt: formatInstant(startMs), due: formatInstant(due), breached: false };
      if (remindMs !== null) state.remindAt = formatInstant(due - remindMs);
      if (tier !== undefined) state.tier = tier;
      return state;
    },
  };
}

/** The clock is running: started, not answered, not stopped, not breached yet. */
export function slaRunning(sla: SlaState | undefined): sla is SlaState {
  return sla !== undefined && !sla.breached && sla.answeredAt === undefined && sla.stoppedAt === undefined;
}

/**
 * The `sla:` section on a clock `scale` times faster, for the demo only: every duration divided by
 * `scale` and business hours dropped (a demo run at night would otherwise wait for the morning).
 */
export function compressSla(sla: AgreementConfig['sla'], scale: number): AgreementConfig['sla'] {
  if (!sla || !(scale > 1)) return sla;
  const faster = (d: string) => `${Math.max(1, Math.round(parseDuration(d) / scale / 1000))}s`;
  const { business_hours: _dropped, ...rest } = sla;
  return {
    ...rest,
    accept_within: faster(sla.accept_within),
    ...(sla.tiers ? { tiers: sla.tiers.map((t) => ({ ...t, accept_within: faster(t.accept_within) })) } : {}),
    ...(sla.remind_before !== undefined ? { remind_before: faster(sla.remind_before) } : {}),
  };
}
