/**
 * The zod schemas of `agreement.yaml` and `fields.yaml`: the single source of truth for
 * their shape, for the validator and for the JSON Schema editors use (`baton validate --schema`).
 */
import { z } from 'zod';

export const STAGES = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost', 'recycled', 'disqualified'] as const;
export type Stage = (typeof STAGES)[number];
/** Stages whose entry is decided by a condition in `stages:`. */
export const CONDITION_STAGES = ['mql', 'sql'] as const;

export const EVENT_TYPES = ['form_submission', 'email_open', 'email_click', 'page_view', 'meeting_booked', 'campaign_response'] as const;
export const eventType = z
  .string()
  .refine((t) => (EVENT_TYPES as readonly string[]).includes(t) || /^custom:[A-Za-z0-9_.-]+$/.test(t), {
    message: `expected one of ${EVENT_TYPES.join(', ')} or custom:NAME`,
  });

/** `90s 15m 4h 30d`: a number with exactly one unit. */
export const duration = z.string().regex(/^\d+(\.\d+)?[smhd]$/, 'expected a duration such as 90s, 15m, 4h or 30d');

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
/** A date (`2026-11-01`); YAML 1.1 timestamps may arrive as Date objects. */
const isoDate = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'expected a date YYYY-MM-DD'),
  z.date(),
]);

/** The operators a `{ field: ..., OP: VALUE }` condition or a `where` object may hold. */
export const operators = {
  eq: scalar.optional(),
  ne: scalar.optional(),
  in: z.array(scalar).optional(),
  nin: z.array(scalar).optional(),
  gt: scalar.optional(),
  gte: scalar.optional(),
  lt: scalar.optional(),
  lte: scalar.optional(),
  matches: z.string().optional(),
  exists: z.boolean().optional(),
  contains: scalar.optional(),
};
export const OPERATOR_NAMES = Object.keys(operators) as (keyof typeof operators)[];

const numberOps = {
  eq: z.number().optional(),
  ne: z.number().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
};

export const opObject = z.strictObject(operators);
/** `where: { form: demo-request, url: { matches: "/pricing" } }`: a plain value means `eq`. */
export const where = z.record(z.string(), z.union([scalar, opObject]));

export const fieldCondition = z.strictObject({ field: z.string(), ...operators });
export const scoreCondition = z.strictObject({ score: z.enum(['fit', 'engagement']), ...numberOps });
export const eventCondition = z.strictObject({
  event: eventType,
  where: where.optional(),
  within: duration.optional(),
  count: z.strictObject({ gte: z.number().int().min(1) }).optional(),
});

export type FieldCondition = z.infer<typeof fieldCondition>;
export type ScoreCondition = z.infer<typeof scoreCondition>;
export type EventCondition = z.infer<typeof eventCondition>;
export type Condition =
  | FieldCondition
  | ScoreCondition
  | EventCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    fieldCondition,
    scoreCondition,
    eventCondition,
    z.strictObject({ all: z.array(condition).min(1) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ not: condition }),
  ]),
);

const owner = z.strictObject({ name: z.string(), email: z.string(), approved: isoDate.optional() });

export const fitRule = z.strictObject({ id: z.string().min(1), if: condition, add: z.number() });
export const engagementRule = z.strictObject({
  id: z.string().min(1),
  on: eventType,
  where: where.optional(),
  add: z.number(),
  cap: z.number().positive().optional(),
});
export const disqualifyRule = z.strictObject({ id: z.string().min(1), if: condition });

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const businessHours = z.strictObject({
  tz: z.string(),
  days: z.array(z.enum(DAYS)).min(1),
  from: hhmm,
  to: hhmm,
});

export const slaTier = z.strictObject({ when: condition, accept_within: duration });

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

export const agreementSchema = z.strictObject({
  name: z.string().min(1),
  version: z.number().int().nonnegative(),
  owners: z.strictObject({ marketing: owner, sales: owner }),
  score: z.strictObject({
    fit: z.strictObject({ max: z.number().positive(), rules: z.array(fitRule) }),
    engagement: z.strictObject({
      max: z.number().positive(),
      half_life: duration,
      rules: z.array(engagementRule),
    }),
  }),
  stages: z.strictObject({ mql: condition.optional(), sql: condition.optional() }),
  disqualify: z.array(disqualifyRule).optional(),
  sla: z
    .strictObject({
      accept_within: duration,
      business_hours: businessHours.optional(),
      on_breach: z.enum(['escalate', 'reassign', 'none']).default('none'),
      tiers: z.array(slaTier).optional(),
      remind_before: duration.optional(),
    })
    .optional(),
  recycle: z
    .strictObject({
      reasons: z.array(z.string().min(1)).min(1),
      hold: duration,
      reset_engagement: z.boolean().default(false),
    })
    .optional(),
  attribution: z
    .strictObject({
      default_model: z.enum(ATTRIBUTION_MODELS).default('w_shaped'),
      lookback: duration.default('365d'),
      time_decay_half_life: duration.default('7d'),
      custom: z
        .strictObject({ ft: z.number().min(0), lc: z.number().min(0), oc: z.number().min(0), cw: z.number().min(0), rest: z.number().min(0) })
        .optional(),
    })
    .optional(),
});
export type AgreementConfig = z.infer<typeof agreementSchema>;

export const SYNC_RULES = [
  'two_way',
  'hubspot_wins',
  'salesforce_wins',
  'prefer_hubspot_unless_blank',
  'prefer_salesforce_unless_blank',
  'hubspot_to_salesforce',
  'salesforce_to_hubspot',
  'fill_blanks',
] as const;
export type SyncRule = (typeof SYNC_RULES)[number];
export const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const fieldDef = z.strictObject({
  hubspot: z.string().min(1).optional(),
  salesforce: z.string().min(1).optional(),
  sync: z.enum(SYNC_RULES),
  type: z.enum(FIELD_TYPES).default('string'),
  default: scalar.optional(),
  values: z
    .record(z.string(), z.strictObject({ hubspot: scalar.optional(), salesforce: scalar.optional() }))
    .optional(),
});
export type FieldDef = z.infer<typeof fieldDef>;

const template = z.string();
const feedbackRule = fieldCondition;
const rejectRule = z.strictObject({
  ...fieldCondition.shape,
  reason: z.strictObject({ salesforce: z.string().optional(), hubspot: z.string().optional() }).optional(),
});

export const fieldsSchema = z.strictObject({
  person: z.strictObject({
    match_on: z.literal('email').default('email'),
    create_in_salesforce: z.union([z.enum(STAGES), z.literal('never')]).default('mql'),
    fields: z.record(z.string(), fieldDef),
  }),
  deal: z
    .strictObject({
      create_in_hubspot: z.boolean().default(false),
      fields: z.record(z.string(), fieldDef),
    })
    .optional(),
  feedback: z.strictObject({ accept: feedbackRule.optional(), reject: rejectRule.optional() }).optional(),
  writeback: z
    .strictObject({
      hubspot: z
        .strictObject({
          contact: z.record(z.string(), template).optional(),
          lifecyclestage: z.boolean().default(false),
          deal: z.record(z.string(), template).optional(),
          owner: z.boolean().default(false),
        })
        .optional(),
      salesforce: z
        .strictObject({
          person: z.record(z.string(), template).optional(),
          task: z
            .strictObject({
              on: z.enum(STAGES).default('mql'),
              subject: template,
              description: template.optional(),
              due: z.union([z.literal('sla'), duration]).default('sla'),
            })
            .optional(),
          campaign_influence: z.boolean().default(false),
        })
        .optional(),
    })
    .optional(),
});
export type FieldsConfig = z.infer<typeof fieldsSchema>;
