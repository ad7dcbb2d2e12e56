/**
 * Pure: the part of `fields.yaml` the connectors act on when they start — which CRM properties and
 * fields they read, which Baton-owned properties they make sure exist, which features they set up
 * (deal creates, the campaign influence model). A change there needs a restart; the rest of the
 * mapping (sync rules, value maps, templates of known properties) can go live at once.
 */
import type { FieldsConfig } from '../config/schema.ts';

/** Sorted lines naming every connector-facing element of `fields`. */
export function connectorFootprint(fields: FieldsConfig): string[] {
  const out = new Set<string>();
  for (const [name, def] of Object.entries(fields.person.fields)) {
    if (def.hubspot) out.add(`hubspot contact property ${def.hubspot} (person.${name})`);
    if (def.salesforce) out.add(`salesforce person field ${def.salesforce} (person.${name})`);
  }
  for (const [name, def] of Object.entries(fields.deal?.fields ?? {})) {
    if (def.hubspot) out.add(`hubspot deal property ${def.hubspot} (deal.${name})`);
    if (def.salesforce) out.add(`salesforce Opportunity field ${def.salesforce} (deal.${name})`);
  }
  for (const k of Object.keys(fields.writeback?.hubspot?.contact ?? {}))
    out.add(`hubspot contact property ${k} (writeback)`);
  for (const k of Object.keys(fields.writeback?.hubspot?.deal ?? {})) out.add(`hubspot deal property ${k} (writeback)`);
  for (const k of Object.keys(fields.writeback?.salesforce?.person ?? {}))
    out.add(`salesforce person field ${k} (writeback)`);
  const reason = fields.feedback?.reject?.reason?.salesforce;
  if (reason) out.add(`salesforce person field ${reason} (feedback reason)`);
  if (fields.deal?.create_in_hubspot) out.add('deal.create_in_hubspot');
  if (fields.writeback?.salesforce?.campaign_influence) out.add('writeback.salesforce.campaign_influence');
  return [...out].sort();
}

/** What differs between two footprints, as `added …` / `removed …` lines. */
export function footprintChanges(before: FieldsConfig, after: FieldsConfig): string[] {
  const a = new Set(connectorFootprint(before));
  const b = new Set(connectorFootprint(after));
  return [
    ...[...b].filter((x) => !a.has(x)).map((x) => `added ${x}`),
    ...[...a].filter((x) => !b.has(x)).map((x) => `removed ${x}`),
  ];
}
