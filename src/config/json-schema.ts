/** The JSON Schema of the configuration files for editors, generated from the validator's zod schemas. */
import { z } from 'zod';
import { agreementSchema } from './agreement-schema.ts';
import { condition } from './condition-schema.ts';
import { fieldsSchema } from './fields-schema.ts';
import { routingSchema } from './routing-schema.ts';

/**
 * One JSON Schema document: an object whose `properties` are `agreement`, `fields` and `routing`,
 * each also under `$defs` so an editor can point one file at `#/$defs/agreement`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string; title: string; description: string }>();
  registry.add(agreementSchema, { id: 'agreement', title: 'agreement.yaml', description: 'The lead-handoff agreement: scores, stages, SLA, recycle, attribution.' });
  registry.add(fieldsSchema, { id: 'fields', title: 'fields.yaml', description: 'The shared vocabulary, field sync rules and write-back.' });
  registry.add(routingSchema, { id: 'routing', title: 'routing.yaml', description: 'Optional: account matching, round robin, caps.' });
  registry.add(condition, { id: 'condition', title: 'condition', description: '{ field, OP }, { score, OP }, { event, ... }, { all }, { any } or { not }.' });
  const root = z.object({ agreement: agreementSchema, fields: fieldsSchema, routing: routingSchema.optional() });
  // Input shape: keys with defaults are optional to write, which is what an editor should say.
  return z.toJSONSchema(root, { metadata: registry, io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}
