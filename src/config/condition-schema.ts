/**
 * The building blocks every configuration file shares: stages, event types, durations, regular
 * expressions and the condition language of `agreement.md` ("Conditions").
 */
import { z } from 'zod';
import { compileRegex } from './regex.ts';
import { describeValue, hasKey, isPlainObject, keyedUnion, oneOf, strict } from './zod-helpers.ts';

export const STAGES = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost', 'recycled', 'disqualified'] as const;
export type Stage = (typeof STAGES)[number];
/** Stages whose entry is decided by a condition in `stages:`. */
export const CONDITION_STAGES = ['mql', 'sql'] as const;
/** A stage name, with a message naming the bad one. */
export const stage = oneOf(STAGES, 'stage');

export const EVENT_TYPES = [
  'form_submission',
  'email_open',
  'email_click',
  'page_view',
  'meeting_booked',
  'campaign_response',
] as const;
export const eventType = z
  .string()
  .refine((t) => (EVENT_TYPES as readonly string[]).includes(t) || /^custom:[A-Za-z0-9_.-]+$/.test(t), {
    error: (iss) =>
      `unknown event type ${describeValue(iss.input)} (expected one of ${EVENT_TYPES.join(', ')} or custom:NAME)`,
  });

const DURATION_HINT = 'expected a duration: a number with one unit of s, m, h or d, such as 90s, 15m, 4h or 30d';
/** `90s 15m 4h 30d`: a number with exactly one unit; a bare number is an error. */
export const duration = z
  .string({
    error: (iss) =>
      iss.input === undefined
        ? undefined
        : typeof iss.input === 'number'
          ? `${iss.input} is not a duration: a bare number needs a unit (s, m, h or d), e.g. ${iss.input}d`
          : DURATION_HINT,
  })
  .regex(/^\d+(\.\d+)?[smhd]$/, { error: (iss) => `${describeValue(iss.input)} is not a duration; ${DURATION_HINT}` });

/** A regular expression (JavaScript syntax, leading `(?i)` for case-insensitive) that compiles. */
export const regexString = z.string().superRefine((pattern, ctx) => {
  try {
    compileRegex(pattern);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `bad regular expression '${pattern}': ${(err as Error).message}`,
      input: pattern,
    });
  }
});

export const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a single value (text, number or true/false)',
});

/** The operators a `{ field: ..., OP: VALUE }` condition or a `where` object may hold. */
export const operators = {
  eq: scalar.optional().describe('Equal: the two values are the same text (numbers compare as text, 850 eq "850").'),
  ne: scalar.optional().describe('Not equal; a missing value is not equal to anything, so ne holds for it.'),
  in: z.array(scalar).optional().describe('The value is one of this list.'),
  nin: z.array(scalar).optional().describe('The value is none of this list; holds for a missing value.'),
  gt: scalar
    .optional()
    .describe('Greater than: as numbers when both sides are numbers, else as text (ISO dates work).'),
  gte: scalar.optional().describe('Greater than or equal (numbers as numbers, else as text).'),
  lt: scalar.optional().describe('Less than (numbers as numbers, else as text).'),
  lte: scalar.optional().describe('Less than or equal (numbers as numbers, else as text).'),
  matches: regexString
    .optional()
    .describe(
      'A regular expression (JavaScript syntax) the value matches somewhere; a leading (?i) makes it case-insensitive.',
    ),
  exists: z
    .boolean()
    .optional()
    .describe('true: the value is present and not blank; false: it is absent, null or blank.'),
  contains: scalar
    .optional()
    .describe('Text that holds this substring (case-sensitive), or a list that holds this element.'),
};
export const OPERATOR_NAMES = Object.keys(operators) as (keyof typeof operators)[];

const numberOps = {
  eq: z.number().optional().describe('The score equals this number.'),
  ne: z.number().optional().describe('The score differs from this number.'),
  gt: z.number().optional().describe('The score is greater than this number.'),
  gte: z.number().optional().describe('The score is at least this number.'),
  lt: z.number().optional().describe('The score is less than this number.'),
  lte: z.number().optional().describe('The score is at most this number.'),
};
const NUMBER_OP_NAMES = Object.keys(numberOps);

function holdsAnOperator(names: readonly string[]) {
  return (v: Record<string, unknown>) => names.some((op) => v[op] !== undefined);
}

const unknownOperator = (names: readonly string[]) => `unknown operator '{key}' (operators: ${names.join(', ')})`;

export const opObject = strict(operators, { unknown: unknownOperator(OPERATOR_NAMES) }).refine(
  holdsAnOperator(OPERATOR_NAMES),
  {
    message: `expected at least one operator: ${OPERATOR_NAMES.join(', ')}`,
  },
);
/** `where: { form: demo-request, url: { matches: "/pricing" } }`: a plain value means `eq`. */
export const where = z.record(
  z.string(),
  keyedUnion(
    [scalar, opObject],
    [null, isPlainObject],
    'expected a value or { OP: VALUE } (e.g. { matches: "/pricing" })',
  ),
);

export const fieldCondition = strict(
  {
    field: z
      .string()
      .min(1)
      .describe('A vocabulary name of fields.yaml: person.NAME or deal.NAME (e.g. person.employees).'),
    ...operators,
  },
  { unknown: unknownOperator(OPERATOR_NAMES) },
).refine(holdsAnOperator(OPERATOR_NAMES), {
  message: `a field condition needs an operator: ${OPERATOR_NAMES.join(', ')}`,
});
export const scoreCondition = strict(
  {
    score: oneOf(['fit', 'engagement'], 'score').describe(
      'Which score to compare: fit (who they are) or engagement (what they did, decaying).',
    ),
    ...numberOps,
  },
  { unknown: unknownOperator(NUMBER_OP_NAMES) },
).refine(holdsAnOperator(NUMBER_OP_NAMES), {
  message: `a score condition needs an operator: ${NUMBER_OP_NAMES.join(', ')}`,
});
export const eventCondition = strict({
  event: eventType.describe(
    'The event type: form_submission, email_open, email_click, page_view, meeting_booked, campaign_response or custom:NAME.',
  ),
  where: where
    .optional()
    .describe(
      'Event properties that must match: a plain value means eq, a mapping holds operators ({ url: { matches: "/pricing" } }).',
    ),
  within: duration
    .optional()
    .describe('Only events this recent count (e.g. 7d); the boundary is included. Default: ever.'),
  count: strict({ gte: z.number().int().min(1).describe('At least this many matching events.') })
    .optional()
    .describe('How many matching events it takes; default { gte: 1 }.'),
});

export type FieldCondition = z.infer<typeof fieldCondition>;
export type ScoreCondition = z.infer<typeof scoreCondition>;
export type EventCondition = z.infer<typeof eventCondition>;
export type Condition =
  FieldCondition | ScoreCondition | EventCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const CONDITION_EXPECTED =
  'expected a condition: { field, OP }, { score, OP }, { event, ... }, { all }, { any } or { not }';

export const condition: z.ZodType<Condition> = z.lazy(() =>
  keyedUnion(
    [
      fieldCondition,
      scoreCondition,
      eventCondition,
      strict({ all: z.array(condition).min(1).describe('Holds when every condition of the list holds.') }),
      strict({ any: z.array(condition).min(1).describe('Holds when at least one condition of the list holds.') }),
      strict({ not: describedCondition('Holds when this condition does not.') }),
    ],
    ['field', 'score', 'event', 'all', 'any', 'not'].map(hasKey),
    CONDITION_EXPECTED,
  ),
);

/**
 * `condition` where a key uses it, with that key's description. It goes through its own lazy:
 * describing `condition` itself would clone it, and the JSON Schema would then hold the condition
 * language twice instead of one `condition` definition every use points at.
 */
export function describedCondition(description: string): z.ZodType<Condition> {
  return z.lazy(() => condition).describe(description);
}
