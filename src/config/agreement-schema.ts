/** The zod schema of `agreement.yaml` (see `agreement.md`, and the SLA additions of `routing.md`). */
import { z } from 'zod';
import { condition, CONDITION_STAGES, describedCondition, duration, eventType, where } from './condition-schema.ts';
import { oneOf, strict } from './zod-helpers.ts';

/** A date (`2026-11-01`), kept as text: the YAML 1.2 core schema never turns it into a Date. */
const isoDate = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a date YYYY-MM-DD') })
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, { error: 'expected a date YYYY-MM-DD' });

const hhmm = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a time "HH:MM" (quoted), e.g. "09:00"') })
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

const owner = strict({
  name: z.string().min(1).describe('The person who owns this side of the agreement.'),
  email: z.string().min(1).describe("The owner's email address."),
  approved: isoDate
    .optional()
    .describe(
      'The day this owner approved this version (YYYY-MM-DD), for teams that approve by code review; an approval on the dashboard or with baton agreement approve needs none.',
    ),
});

const ruleId = z
  .string()
  .min(1)
  .describe(
    'A unique name for the rule (unique across fit, engagement and disqualify); transitions name it as rule:ID.',
  );

export const fitRule = strict({
  id: ruleId,
  if: describedCondition('The condition on who the person is; when it holds, the rule adds its points.'),
  add: z.number().describe('Points added to the fit score when the condition holds (negative to subtract).'),
});
export const engagementRule = strict({
  id: ruleId,
  on: eventType.describe(
    'The event type this rule scores: form_submission, email_open, email_click, page_view, meeting_booked, campaign_response or custom:NAME.',
  ),
  where: where
    .optional()
    .describe('Event properties the event must match (a plain value means eq, a mapping holds operators).'),
  add: z.number().describe('Points each matching event adds; they decay with score.engagement.half_life.'),
  cap: z.number().positive().optional().describe("The most this rule's decayed total may add."),
});
export const disqualifyRule = strict({
  id: ruleId,
  if: describedCondition('While this condition holds the person is disqualified, whatever else holds.'),
});

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const businessHours = strict({
  tz: z
    .string()
    .refine(isTimeZone, {
      error: (iss) => `unknown time zone '${String(iss.input)}' (expected an IANA name such as America/New_York)`,
    })
    .describe(
      'The IANA time zone of the business hours, e.g. America/New_York; also the time zone of Task due dates and daily caps.',
    ),
  days: z.array(oneOf(DAYS, 'day')).min(1).describe('The working days: mon, tue, wed, thu, fri, sat, sun.'),
  from: hhmm.describe('When the working day starts, "HH:MM" (quoted).'),
  to: hhmm.describe('When the working day ends, "HH:MM" (quoted), after from; the end itself is outside hours.'),
}).superRefine((bh, ctx) => {
  if (bh.from >= bh.to) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `business hours end (${bh.to}) must be after they start (${bh.from})`,
      input: bh.to,
    });
  }
});

export const slaTier = strict({
  when: describedCondition('The condition checked at handoff; the first tier whose condition holds sets the deadline.'),
  accept_within: duration.describe('The time sales has to answer people of this tier, e.g. 30m.'),
});

export const ATTRIBUTION_MODELS = [
  'first_touch',
  'last_touch',
  'linear',
  'u_shaped',
  'w_shaped',
  'full_path',
  'time_decay',
  'custom',
  'markov',
] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];
/** The models that credit one deal from its own touches; `markov` learns from every journey at once. */
export type RuleBasedModel = Exclude<AttributionModel, 'markov'>;
export const RULE_BASED_MODELS = ATTRIBUTION_MODELS.filter((m): m is RuleBasedModel => m !== 'markov');

const fraction = z.number().min(0).max(1);
const customWeights = strict({
  ft: fraction.describe('Share of the first touch (0 to 1).'),
  lc: fraction.describe("Share of the lead-creation touch: the last touch at or before the person's mql (0 to 1)."),
  oc: fraction.describe(
    "Share of the opportunity-creation touch: the last touch at or before the deal's creation (0 to 1).",
  ),
  cw: fraction.describe('Share of the closed-won touch: the last touch at or before the close (0 to 1).'),
  rest: fraction.describe('Share split equally among the other touches (0 to 1).'),
});

/** Whose touches count for a deal: the people on it (contact roles, associations) or everyone on its Account. */
export const ATTRIBUTION_SCOPES = ['contact_roles', 'account'] as const;
export type AttributionScope = (typeof ATTRIBUTION_SCOPES)[number];

/** What a campaign or a channel cost, for ROI: `{ campaign, cost }` or `{ channel, cost }`. */
const campaignCost = z.union(
  [
    strict({
      campaign: z.string().min(1).describe('The campaign name, as the touches carry it.'),
      cost: z.number().nonnegative().describe('What it cost, in the currency of the deal amounts.'),
    }),
    strict({
      channel: z.string().min(1).describe('A channel without a Campaign, as the touches carry it (e.g. organic).'),
      cost: z.number().nonnegative().describe('What it cost, in the currency of the deal amounts.'),
    }),
  ],
  { error: 'expected { campaign: NAME, cost: NUMBER } or { channel: NAME, cost: NUMBER }' },
);

const markovSettings = strict({
  min_journeys: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Below this many journeys (closed deals with touches) markov refuses to credit, with the reason.'),
  include_non_deals: z
    .boolean()
    .default(false)
    .describe('Also learn from people who never reached a deal, as journeys that did not convert.'),
});

const attribution = strict({
  default_model: oneOf(ATTRIBUTION_MODELS, 'attribution model')
    .default('w_shaped')
    .describe(
      'The model reports use, and whose credit is written to Salesforce and HubSpot: first_touch, last_touch, linear, u_shaped, w_shaped, full_path, time_decay, custom or markov.',
    ),
  lookback: duration
    .default('365d')
    .describe('Touches this long before the close date, up to the close, are credited.'),
  time_decay_half_life: duration
    .default('7d')
    .describe('For time_decay: a touch this much older than the close weighs half as much.'),
  markov: markovSettings
    .optional()
    .describe('For the data-driven markov model: how many journeys it needs, and which journeys it learns from.'),
  custom: customWeights
    .optional()
    .describe('For default_model custom: the weights { ft, lc, oc, cw, rest }, summing to 1.'),
  scope: oneOf(ATTRIBUTION_SCOPES, 'attribution scope')
    .default('contact_roles')
    .describe(
      "Whose touches count: contact_roles (the deal's contact roles / associated contacts, else the converted lead) or account (every person on the deal's Salesforce Account or HubSpot company).",
    ),
  costs: z
    .array(campaignCost)
    .optional()
    .describe(
      'Campaign or channel costs for ROI, e.g. [{ channel: organic, cost: 1200 }]; a campaign listed here overrides its Salesforce Campaign.ActualCost.',
    ),
}).superRefine((a, ctx) => {
  if (a.default_model === 'custom' && !a.custom) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'default_model custom needs attribution.custom: { ft, lc, oc, cw, rest }',
      input: a,
    });
  }
  if (a.custom) {
    const sum = a.custom.ft + a.custom.lc + a.custom.oc + a.custom.cw + a.custom.rest;
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['custom'],
        message: `the custom weights must sum to 1 (they sum to ${+sum.toFixed(6)})`,
        input: a.custom,
      });
    }
  }
});

export const agreementSchema = strict({
  name: z.string().min(1).describe('The name of the agreement, shown on the dashboard.'),
  version: z
    .number()
    .int()
    .nonnegative()
    .describe('A whole number you raise with every change; each transition records the version that made it.'),
  owners: strict({
    marketing: owner.describe("Marketing's owner of the agreement."),
    sales: owner.describe("Sales' owner of the agreement."),
  }).describe(
    'The two owners; this version goes live once both approved it (an approved date here, or on the dashboard or with baton agreement approve).',
  ),
  effective: z
    .string({
      error: (iss) => (iss.input === undefined ? undefined : 'expected an ISO date or time, e.g. 2026-12-01T09:00:00Z'),
    })
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
      error: 'expected an ISO date or time, e.g. 2026-12-01T09:00:00Z',
    })
    .optional()
    .describe(
      'When this version goes live once both owners approved it (ISO time; a date alone means 00:00 UTC); without it, at once.',
    ),
  score: strict({
    fit: strict({
      max: z.number().positive().describe('The highest fit score; the sum of the rules is clamped to 0..max.'),
      rules: z.array(fitRule).describe('Every rule whose condition holds adds its points.'),
    }).describe('Who the person is: points from fields such as title, company size, country.'),
    engagement: strict({
      max: z.number().positive().describe('The highest engagement score; the decayed sum is clamped to 0..max.'),
      half_life: duration.describe("After this long an event's points count half (e.g. 30d)."),
      rules: z.array(engagementRule).describe('Read top to bottom; each event counts under the first rule it matches.'),
    }).describe('What the person did: points from events, decaying over time.'),
  }).describe('The two scores: fit and engagement.'),
  stages: strict(
    {
      mql: condition.optional().describe('When a person becomes a marketing-qualified lead (and is handed to sales).'),
      sql: condition.optional().describe('When a person becomes a sales-qualified lead.'),
    },
    { unknown: `unknown stage '{key}' (stages with a condition: ${CONDITION_STAGES.join(', ')})` },
  ).describe('The conditions that move a person into mql and sql; the other stages follow sales feedback and deals.'),
  disqualify: z
    .array(disqualifyRule)
    .optional()
    .describe('Rules checked before everything else: while one holds, the person is disqualified.'),
  sla: strict({
    accept_within: duration.describe(
      'How long sales has to accept or reject a new mql (e.g. 24h), counted in business hours when given.',
    ),
    business_hours: businessHours.optional().describe('Only time inside these hours counts against the SLA.'),
    on_breach: oneOf(['escalate', 'reassign', 'none'], 'on_breach action')
      .default('none')
      .describe(
        "What happens when time is up: escalate (a Task for the owner's manager), reassign (the next user of the routing rule) or none.",
      ),
    tiers: z
      .array(slaTier)
      .optional()
      .describe('Deadlines for some people: the first tier whose condition holds at handoff replaces accept_within.'),
    remind_before: duration.optional().describe('One reminder to the owner this long before the deadline.'),
  })
    .optional()
    .describe('How fast sales must answer a new mql, and what happens when it does not.'),
  recycle: strict({
    reasons: z
      .array(z.string().min(1))
      .min(1)
      .describe('The reasons a rep may give for a reject; a reject must carry one of them.'),
    hold: duration.describe('After a reject, no new mql for this long.'),
    reset_engagement: z
      .boolean()
      .default(false)
      .describe('true: a reject restarts the engagement score; earlier events no longer count.'),
  })
    .optional()
    .describe('What happens to a person sales rejects.'),
  attribution: attribution.optional().describe('How won revenue is credited to the touches that earned it.'),
});
export type AgreementConfig = z.infer<typeof agreementSchema>;
