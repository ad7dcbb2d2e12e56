/**
 * `start()`: makes HubSpot ready for Baton's writes — the `baton` property group and every missing
 * `baton_*` property named in `writeback.hubspot` — and checks that the properties `fields.yaml`
 * reads exist. A 403 becomes a problem that names the missing scope.
 */
import { CrmError, errorMessage } from '../../src/platform/errors.ts';
import type { HubSpotApi } from './client.ts';
import type { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from './sdk-types.ts';
import type { HubSpotType } from './hydrate.ts';
import type { PropertyPlan, WrittenProperty } from './properties.ts';

export const BATON_GROUP = 'baton';

function problemOf(err: unknown, what: string): string {
  if (err instanceof CrmError && err.status === 403) {
    const scopes = (err.details.missingScopes as string[] | undefined) ?? [];
    return `HubSpot: cannot ${what}: the private app lacks the scope ${scopes.length ? scopes.join(', ') : '(see the app settings)'}`;
  }
  return `HubSpot: cannot ${what}: ${errorMessage(err)}`;
}

async function ensureGroup(api: HubSpotApi, type: HubSpotType): Promise<void> {
  try {
    await api.call('schema', `property group ${type}/${BATON_GROUP}`, (sdk) =>
      sdk.crm.properties.groupsApi.getByName(type, BATON_GROUP),
    );
  } catch (err) {
    if (!(err instanceof CrmError) || err.status !== 404) throw err;
    await api.call('schema', `create property group ${type}/${BATON_GROUP}`, (sdk) =>
      sdk.crm.properties.groupsApi.create(type, { name: BATON_GROUP, label: 'Baton', displayOrder: -1 }),
    );
  }
}

async function existing(api: HubSpotApi, type: HubSpotType, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const res = await api.call('schema', `read properties of ${type}`, (sdk) =>
    sdk.crm.properties.batchApi.read(type, { archived: false, inputs: names.map((name) => ({ name })) }),
  );
  return new Set(res.results.map((p) => p.name));
}

/** Prepares one object type; returns problems. */
async function prepare(
  api: HubSpotApi,
  type: HubSpotType,
  reads: string[],
  writes: WrittenProperty[],
  label: string,
): Promise<string[]> {
  const problems: string[] = [];
  let have: Set<string>;
  try {
    have = await existing(api, type, [...new Set([...reads, ...writes.map((w) => w.name)])]);
  } catch (err) {
    return [problemOf(err, `read the ${label} properties`)];
  }
  for (const name of reads)
    if (!have.has(name)) problems.push(`HubSpot: ${label} property "${name}" named in fields.yaml does not exist`);
  const missing = writes.filter((w) => !have.has(w.name));
  const foreign = missing.filter((w) => !w.name.startsWith('baton_'));
  for (const w of foreign)
    problems.push(
      `HubSpot: ${label} property "${w.name}" in writeback.hubspot does not exist (Baton creates only baton_* properties)`,
    );
  const creatable = missing.filter((w) => w.name.startsWith('baton_'));
  if (!creatable.length) return problems;
  try {
    await ensureGroup(api, type);
    await api.call('schema', `create properties on ${type}`, (sdk) =>
      sdk.crm.properties.batchApi.create(type, {
        inputs: creatable.map((w) => ({
          name: w.name,
          label: w.label,
          type: w.type as PropertyCreateTypeEnum,
          fieldType: w.fieldType as PropertyCreateFieldTypeEnum,
          groupName: BATON_GROUP,
          description: 'Written by Baton',
        })),
      }),
    );
  } catch (err) {
    problems.push(problemOf(err, `create ${creatable.map((w) => w.name).join(', ')} on ${label}s`));
  }
  return problems;
}

const HUBSPOT_ONLY = new Set(['lastmodifieddate', 'createdate', 'hs_lastmodifieddate']);

/** Creates what Baton writes and checks what it reads; returns the problems, empty when ready. */
export async function prepareHubSpot(
  api: HubSpotApi,
  plan: PropertyPlan,
  reads: { contact: string[]; company: string[]; deal: string[] },
): Promise<string[]> {
  const keep = (xs: string[]) => xs.filter((x) => !HUBSPOT_ONLY.has(x));
  const problems = [
    ...(await prepare(api, 'contacts', keep(reads.contact), plan.writes.contact, 'contact')),
    ...(reads.company.length ? await prepare(api, 'companies', keep(reads.company), [], 'company') : []),
  ];
  if (reads.deal.length || plan.writes.deal.length)
    problems.push(...(await prepare(api, 'deals', keep(reads.deal), plan.writes.deal, 'deal')));
  return problems;
}
