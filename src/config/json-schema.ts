/** The JSON Schema of the configuration files for editors, generated from the validator's zod schemas. */
import { z } from 'zod';
import { agreementSchema } from './agreement-schema.ts';
import { condition } from './condition-schema.ts';
import { fieldsSchema } from './fields-schema.ts';
import { routingSchema } from './routing-schema.ts';
import { alertsSchema } from './alerts-schema.ts';

// The global registry holds the `.describe()` text of every key, so the ids of the shared
// definitions go there too (once, at load), and editors show each key's description on hover.
const DEFS: [z.ZodType, { id: string; title: string; description: string }][] = [
  [
    agreementSchema,
    {
      id: 'agreement',
      title: 'agreement.yaml',
      description: 'The lead-handoff agreement: scores, stages, SLA, recycle, attribution.',
    },
  ],
  [
    fieldsSchema,
    { id: 'fields', title: 'fields.yaml', description: 'The shared vocabulary, field sync rules and write-back.' },
  ],
  [
    routingSchema,
    { id: 'routing', title: 'routing.yaml', description: 'Optional: account matching, round robin, caps.' },
  ],
  [
    alertsSchema,
    {
      id: 'alerts',
      title: 'alerts.yaml',
      description: 'Optional: Slack and email alerts for handoffs, reminders and breaches.',
    },
  ],
  [
    condition,
    {
      id: 'condition',
      title: 'condition',
      description: '{ field, OP }, { score, OP }, { event, ... }, { all }, { any } or { not }.',
    },
  ],
];
for (const [schema, meta] of DEFS) if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, meta);

/**
 * One JSON Schema document: an object whose `properties` are `agreement`, `fields`, `routing` and `alerts`,
 * each also under `$defs` so an editor can point one file at `#/$defs/agreement`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const root = z.object({
    agreement: agreementSchema.describe('The contents of agreement.yaml.'),
    fields: fieldsSchema.describe('The contents of fields.yaml.'),
    routing: routingSchema.optional().describe('The contents of routing.yaml (optional).'),
    alerts: alertsSchema.optional().describe('The contents of alerts.yaml (optional).'),
  });
  // Input shape: keys with defaults are optional to write, which is what an editor should say.
  return z.toJSONSchema(root, {
    metadata: z.globalRegistry,
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
}
