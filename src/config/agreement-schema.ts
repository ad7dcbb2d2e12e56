/** The zod schema of `agreement.yaml` (see `agreement.md`, and the SLA additions of `routing.md`). */
import { z } from 'zod';
import { condition, CONDITION_STAGES, duration, eventType, where } from './condition-schema.ts';
import { oneOf, strict } from './zod-helpers.ts';

/** A date (`2026-11-01`), kept as text: the YAML 1.2 core schema never turns it into a Date. */
const isoDate = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a date YYYY-MM-DD') })
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, { error: 'expected a date YYYY-MM-DD' });

const hhmm = z.string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a time "HH:MM" (quoted), e.g. "09:00"') })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time "HH:MM" (quoted), e.g. "09:00"' });

/** Whether `Intl` knows the IANA time zone `tz`. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const owner = strict({ name: z.string().min(1), email: z.string().min(1), approved: isoDate.optional() });

export const fitRule = strict({ id: z.string().min(1), if: condition, add: z.number() });
export const engagementRule = strict({
  id: z.string().min(1),
  on: eventType,
  where: where.optional(),
  add: z.number(),
  cap: z.number().positive().optional(),
});
export const disqualifyRule = strict({ id: z.string().min(1), if: condition });

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const businessHours = strict({
  tz: z.string().refine(isTimeZone, {
    error: (iss) => `unknown time zone '${String(iss.input)}' (expected an IANA name such as America/New_York)`,
  }),
  days: z.array(oneOf(DAYS, 'day')).min(1),
  from: hhmm,
  to: hhmm,
}).superRefine((bh, ctx) => {
  if (bh.from >= bh.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `business hours end (${bh.to}) must be after they start (${bh.from})`, input: bh.to });
  }
});

export const slaTier = strict({ when: condition, accept_within: duration });

export const ATTRIBUTION_MODELS = [
  'first_touch',
  'last_touch',
  'linear',
  'u_shaped',
  'w_shaped',
  'full_path',
  'time_decay',
  'custom',
] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

const fraction = z.number().min(0).max(1);
const customWeights = strict({ ft: fraction, lc: fraction, oc: fraction, cw: fraction, rest: fraction });

const attribution = strict({
  default_model: oneOf(ATTRIBUTION_MODELS, 'attribution model').default('w_shaped'),
  lookback: duration.default('365d'),
  time_decay_half_life: duration.default('7d'),
  custom: customWeights.optional(),
}).superRefine((a, ctx) => {
  if (a.default_model === 'custom' && !a.custom) {
    ctx.addIssue({ code: 'custom', path: [], message: 'default_model custom needs attribution.custom: { ft, lc, oc, cw, rest }', input: a });
  }
  if (a.custom) {
    const sum = a.custom.ft + a.custom.lc + a.custom.oc + a.custom.cw + a.custom.rest;
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['custom'], message: `the custom weights must sum to 1 (they sum to ${+sum.toFixed(6)})`, input: a.custom });
    }
  }
});

export const agreementSchema = strict({
  name: z.string().min(1),
  version: z.number().int().nonnegative(),
  owners: strict({ marketing: owner, sales: owner }),
  score: strict({
    fit: strict({ max: z.number().positive(), rules: z.array(fitRule) }),
    engagement: strict({
      max: z.number().positive(),
      half_life: duration,
      rules: z.array(engagementRule),
    }),
  }),
  stages: strict(
    { mql: condition.optional(), sql: condition.optional() },
    { unknown: `unknown stage '{key}' (stages with a condition: ${CONDITION_STAGES.join(', ')})` },
  ),
  disqualify: z.array(disqualifyRule).optional(),
  sla: strict({
    accept_within: duration,
    business_hours: businessHours.optional(),
    on_breach: oneOf(['escalate', 'reassign', 'none'], 'on_breach action').default('none'),
    tiers: z.array(slaTier).optional(),
    remind_before: duration.optional(),
  }).optional(),
  recycle: strict({
    reasons: z.array(z.string().min(1)).min(1),
    hold: duration,
    reset_engagement: z.boolean().default(false),
  }).optional(),
  attribution: attribution.optional(),
});
export type AgreementConfig = z.infer<typeof agreementSchema>;
