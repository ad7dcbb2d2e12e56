/**
 * The demo's first step, as a new user's would be: its sandbox org starts bare, so `baton setup`
 * runs against both sandboxes (the same connector code as the CLI), then the demo's "admin" does
 * what only a person can do — the picklist values fields.yaml names that the org lacks.
 */
import { setupHubSpot } from '../../connectors/hubspot/index.ts';
import { picklistNeeds, setupSalesforce } from '../../connectors/salesforce/index.ts';
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { Sandboxes } from './servers.ts';

/** Runs setup on both sandboxes; returns the lines to narrate. Throws when setup could not create what Baton owns. */
export async function setupSandboxes(boxes: Sandboxes, fields: FieldsConfig): Promise<string[]> {
  const hs = await setupHubSpot({ accessToken: boxes.hubspotToken, baseUrl: boxes.hubspotUrl }, fields);
  const sf = await setupSalesforce(
    { instanceUrl: boxes.salesforceUrl, accessToken: boxes.salesforceToken, orgId: boxes.orgId, fields },
    fields,
  );
  const problems = [...hs.problems, ...sf.problems];
  if (problems.length)
    throw new Error(`baton setup failed on the sandboxes: ${problems.map((p) => p.message).join('; ')}`);
  const lines = [
    `baton setup hubspot: created ${hs.created.length} (${hs.created.filter((c) => c.includes('property baton_')).length} baton_* properties)`,
    `baton setup salesforce: created ${sf.created.length} (Baton's fields on Lead and Contact, the permission set Baton_Integration)`,
  ];
  for (const need of picklistNeeds(fields)) {
    const field = boxes.salesforce.org.fieldOf(need.object, need.field);
    const missing = need.values.filter((v) => field?.picklist && !field.picklist.includes(v));
    if (!field?.picklist || !missing.length) continue;
    field.picklist.push(...missing);
    lines.push(
      `the org's admin adds ${missing.map((v) => `'${v}'`).join(', ')} to ${need.object}.${need.field} (only a person can)`,
    );
  }
  return lines;
}
