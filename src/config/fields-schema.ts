/** The zod schema of `fields.yaml` (see `mappings.md`): the shared vocabulary, sync rules, write-back. */
import { z } from 'zod';
import { duration, fieldCondition, OPERATOR_NAMES, scalar, stage, STAGES } from './condition-schema.ts';
import { oneOf, strict } from './zod-helpers.ts';

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

/** Sync rules that never write to HubSpot: the only ones a read-only `company.NAME` property takes. */
export const HUBSPOT_READ_ONLY_RULES: readonly SyncRule[] = ['hubspot_to_salesforce', 'hubspot_wins'];

const CRMS = ['hubspot', 'salesforce'] as const;

export const fieldDef = strict({
  hubspot: z.string().min(1).optional(),
  salesforce: z.string().min(1).optional(),
  sync: oneOf(SYNC_RULES, 'sync rule'),
  type: oneOf(FIELD_TYPES, 'type').default('string'),
  default: scalar.optional(),
  values: z.record(z.string(), strict({ hubspot: scalar.optional(), salesforce: scalar.optional() })).optional(),
}).superRefine((def, ctx) => {
  if (def.hubspot === undefined && def.salesforce === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'a field needs hubspot, salesforce or both', input: def });
  }
  if (def.hubspot?.startsWith('company.') && !HUBSPOT_READ_ONLY_RULES.includes(def.sync)) {
    ctx.addIssue({
      code: 'custom',
      path: ['sync'],
      message: `'${def.hubspot}' is a company property that Baton never writes; its sync must be ${HUBSPOT_READ_ONLY_RULES.join(' or ')}, not ${def.sync}`,
      input: def.sync,
    });
  }
  for (const crm of CRMS) {
    if (def[crm] === undefined || !def.values) continue;
    const seen = new Map<string, string>();
    for (const [shared, entry] of Object.entries(def.values)) {
      const value = entry[crm];
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', path: ['values', shared], message: `value '${shared}' names no ${crm} value (the field maps to ${crm}: ${def[crm]})`, input: entry });
        continue;
      }
      const first = seen.get(String(value));
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['values', shared, crm], message: `${crm} value '${value}' is already the value of '${first}'`, input: value });
      } else seen.set(String(value), shared);
    }
  }
});
export type FieldDef = z.infer<typeof fieldDef>;

const fields = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a vocabulary name has only letters, digits and _ (e.g. first_name), so templates can name it'), fieldDef);

const template = z.string();
const feedbackRule = fieldCondition;
const rejectRule = strict(
  {
    ...fieldCondition.shape,
    reason: strict({ salesforce: z.string().min(1).optional(), hubspot: z.string().min(1).optional() })
      .refine((r) => r.salesforce !== undefined || r.hubspot !== undefined, { message: 'reason needs a salesforce or hubspot field' })
      .optional(),
  },
  { unknown: `unknown operator '{key}' (operators: ${OPERATOR_NAMES.join(', ')}; or reason)` },
).refine((v) => OPERATOR_NAMES.some((op) => v[op] !== undefined), {
  message: `a field condition needs an operator: ${OPERATOR_NAMES.join(', ')}`,
});

const deal = strict({
  create_in_hubspot: z.boolean().default(false),
  fields,
}).superRefine((d, ctx) => {
  const stageDef = d.fields.stage;
  if (!stageDef) {
    ctx.addIssue({ code: 'custom', path: ['fields'], message: "deal fields need 'stage', with a values map defining won and lost", input: d.fields });
    return;
  }
  const missing = ['won', 'lost'].filter((v) => !stageDef.values || !(v in stageDef.values));
  if (missing.length) {
    ctx.addIssue({
      code: 'custom',
      path: stageDef.values ? ['fields', 'stage', 'values'] : ['fields', 'stage'],
      message: `deal.stage values must define won and lost (missing: ${missing.join(', ')})`,
      input: stageDef,
    });
  }
});

export const fieldsSchema = strict({
  person: strict({
    match_on: z.literal('email', { error: "match_on must be 'email' (the person's key)" }).default('email'),
    create_in_salesforce: oneOf([...STAGES, 'never'], 'stage').default('mql'),
    fields,
  }),
  deal: deal.optional(),
  feedback: strict({ accept: feedbackRule.optional(), reject: rejectRule.optional() }).optional(),
  writeback: strict({
    hubspot: strict({
      contact: z.record(z.string(), template).optional(),
      lifecyclestage: z.boolean().default(false),
      deal: z.record(z.string(), template).optional(),
      owner: z.boolean().default(false),
    }).optional(),
    salesforce: strict({
      person: z.record(z.string(), template).optional(),
      task: strict({
        on: stage.default('mql'),
        subject: template,
        description: template.optional(),
        due: z.union([z.literal('sla'), duration], { error: 'expected sla or a duration such as 4h' }).default('sla'),
      }).optional(),
      campaign_influence: z.boolean().default(false),
    }).optional(),
  }).optional(),
});
export type FieldsConfig = z.infer<typeof fieldsSchema>;
