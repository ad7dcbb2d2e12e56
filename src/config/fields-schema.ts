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
  hubspot: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The HubSpot property's internal name (e.g. jobtitle); company.NAME reads the primary company's property.",
    ),
  salesforce: z.string().min(1).optional().describe("The Salesforce field's API name (e.g. Title, Baton_Stage__c)."),
  sync: oneOf(SYNC_RULES, 'sync rule').describe(
    'Which side wins: two_way, hubspot_wins, salesforce_wins, prefer_hubspot_unless_blank, prefer_salesforce_unless_blank, hubspot_to_salesforce, salesforce_to_hubspot or fill_blanks.',
  ),
  type: oneOf(FIELD_TYPES, 'type')
    .default('string')
    .describe('How values convert: string (default), number, boolean, date or datetime.'),
  default: scalar.optional().describe('Written when a required target field would be blank (e.g. Company on a Lead).'),
  values: z
    .record(
      z.string(),
      strict({
        hubspot: scalar.optional().describe("This value's HubSpot option."),
        salesforce: scalar.optional().describe("This value's Salesforce picklist value."),
      }).describe('A shared value and what it is called in each CRM.'),
    )
    .optional()
    .describe('Picklist map: shared value -> { hubspot, salesforce }; an unmapped value is reported and not written.'),
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
        ctx.addIssue({
          code: 'custom',
          path: ['values', shared],
          message: `value '${shared}' names no ${crm} value (the field maps to ${crm}: ${def[crm]})`,
          input: entry,
        });
        continue;
      }
      const first = seen.get(String(value));
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['values', shared, crm],
          message: `${crm} value '${value}' is already the value of '${first}'`,
          input: value,
        });
      } else seen.set(String(value), shared);
    }
  }
});
export type FieldDef = z.infer<typeof fieldDef>;

const fields = z.record(
  z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]*$/,
      'a vocabulary name has only letters, digits and _ (e.g. first_name), so templates can name it',
    ),
  fieldDef.describe('One field of the vocabulary: its name in each CRM and its sync rule.'),
);

const template = z
  .string()
  .describe('A template: text with {{stage}}, {{scores.fit}}, {{person.NAME}} and the other names Baton fills in.');
const feedbackRule = fieldCondition;
const rejectRule = strict(
  {
    ...fieldCondition.shape,
    reason: strict({
      salesforce: z
        .string()
        .min(1)
        .optional()
        .describe("The Salesforce field that holds the rep's reason (e.g. Baton_Reject_Reason__c)."),
      hubspot: z.string().min(1).optional().describe("The HubSpot property that holds the rep's reason."),
    })
      .refine((r) => r.salesforce !== undefined || r.hubspot !== undefined, {
        message: 'reason needs a salesforce or hubspot field',
      })
      .optional()
      .describe('Where the reject reason is read from; it must be one of recycle.reasons.'),
  },
  { unknown: `unknown operator '{key}' (operators: ${OPERATOR_NAMES.join(', ')}; or reason)` },
).refine((v) => OPERATOR_NAMES.some((op) => v[op] !== undefined), {
  message: `a field condition needs an operator: ${OPERATOR_NAMES.join(', ')}`,
});

const deal = strict({
  create_in_hubspot: z
    .boolean()
    .default(false)
    .describe("true: an Opportunity with no HubSpot deal becomes one, associated with its people's contacts."),
  fields: fields.describe('The deal vocabulary (deal.NAME); it needs stage, with values defining won and lost.'),
}).superRefine((d, ctx) => {
  const stageDef = d.fields.stage;
  if (!stageDef) {
    ctx.addIssue({
      code: 'custom',
      path: ['fields'],
      message: "deal fields need 'stage', with a values map defining won and lost",
      input: d.fields,
    });
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
    match_on: z
      .literal('email', { error: "match_on must be 'email' (the person's key)" })
      .default('email')
      .describe("The person's key: always email (lower-cased, trimmed)."),
    create_in_salesforce: oneOf([...STAGES, 'never'], 'stage')
      .default('mql')
      .describe('The stage at which a HubSpot-only person becomes a Salesforce Lead, or never.'),
    fields: fields.describe('The person vocabulary (person.NAME): HubSpot contact <-> Salesforce Lead, then Contact.'),
  }).describe('People: a HubSpot contact and a Salesforce Lead or Contact with the same email.'),
  deal: deal.optional().describe('Deals: a HubSpot deal and a Salesforce Opportunity.'),
  feedback: strict({
    accept: feedbackRule
      .optional()
      .describe('The condition on a Salesforce change that means the rep accepted (-> sal).'),
    reject: rejectRule
      .optional()
      .describe(
        'The condition on a Salesforce change that means the rep rejected (-> recycled), and where the reason is.',
      ),
  })
    .optional()
    .describe("How a rep's answer inside Salesforce is read."),
  writeback: strict({
    hubspot: strict({
      contact: z
        .record(z.string(), template)
        .optional()
        .describe('Contact property -> template, written on every person Baton knows.'),
      lifecyclestage: z
        .boolean()
        .default(false)
        .describe("true: HubSpot's lifecyclestage follows the stage (mql -> marketingqualifiedlead, ...)."),
      deal: z
        .record(z.string(), template)
        .optional()
        .describe('Deal property -> template, e.g. baton_attribution: "{{attribution.summary}}".'),
      owner: z
        .boolean()
        .default(false)
        .describe("true: the contact's HubSpot owner becomes the HubSpot user whose email is the Salesforce owner's."),
    })
      .optional()
      .describe('What Baton writes into HubSpot.'),
    salesforce: strict({
      person: z
        .record(z.string(), template)
        .optional()
        .describe('Lead/Contact field -> template (e.g. Baton_Stage__c: "{{stage}}").'),
      task: strict({
        on: stage.default('mql').describe('The stage whose entry creates the Task.'),
        subject: template.describe("The Task's subject (a template)."),
        description: template.optional().describe("The Task's description (a template)."),
        due: z
          .union([z.literal('sla'), duration], { error: 'expected sla or a duration such as 4h' })
          .default('sla')
          .describe("sla (the SLA deadline's date) or a duration after the person entered the stage, e.g. 4h."),
      })
        .optional()
        .describe('One follow-up Task for the owner when a person enters a stage.'),
      campaign_influence: z
        .boolean()
        .default(false)
        .describe("true: won-deal credits are written as CampaignInfluence rows in the org's custom influence model."),
    })
      .optional()
      .describe('What Baton writes into Salesforce.'),
  })
    .optional()
    .describe('Where the handoff shows up for people: properties, fields, Tasks.'),
});
export type FieldsConfig = z.infer<typeof fieldsSchema>;
