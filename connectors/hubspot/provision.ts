/**
 * `baton setup hubspot`: creates what Baton owns in the account and nothing else — the `baton`
 * property group and the `baton_*` properties `fields.yaml` writes — idempotently; `dryRun` only
 * says what it would create.
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import { CrmError, errorMessage } from '../../src/platform/errors.ts';
import { problem, type Check } from '../checks.ts';
import { createHubSpotApi, type HubSpotApi } from './client.ts';
import type { PropertyCreateFieldTypeEnum, PropertyCreateTypeEnum } from './sdk-types.ts';
import type { HubSpotType } from './hydrate.ts';
import { planProperties, type WrittenProperty } from './properties.ts';
import { BATON_GROUP } from './setup.ts';

export interface HubSpotAccess {
  accessToken: string;
  baseUrl?: string;
}

export interface SetupReport {
  /** What was created (or, on a dry run, would be), e.g. `contact property baton_stage`. */
  created: string[];
  /** What is already there. */
  present: string[];
  /** What setup could not do, with the fix. */
  problems: Check[];
}

const LABEL: Record<HubSpotType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

/** The HubSpot API for one command, with a short retry so a CLI run does not hang. */
export function cliApi(access: HubSpotAccess): HubSpotApi {
  return createHubSpotApi({
    accessToken: access.accessToken,
    baseUrl: access.baseUrl,
    retries: 2,
    retryMinTimeoutMs: 200,
  });
}

/** Names of `names` that exist on `type`. */
export async function existingProperties(api: HubSpotApi, type: HubSpotType, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const res = await api.call('schema', `read properties of ${type}`, (sdk) =>
    sdk.crm.properties.batchApi.read(type, { archived: false, inputs: names.map((name) => ({ name })) }),
  );
  return new Set(res.results.map((p) => p.name));
}

/** Whether the `baton` property group exists on `type`. */
export async function hasBatonGroup(api: HubSpotApi, type: HubSpotType): Promise<boolean> {
  try {
    await api.call('schema', `property group ${type}/${BATON_GROUP}`, (sdk) =>
      sdk.crm.properties.groupsApi.getByName(type, BATON_GROUP),
    );
    return true;
  } catch (err) {
    if (err instanceof CrmError && err.status === 404) return false;
    throw err;
  }
}

/** The scope a 403 names, for a fix line. */
export function scopeFix(err: unknown): string {
  const scopes = err instanceof CrmError ? ((err.details.missingScopes as string[] | undefined) ?? []) : [];
  return scopes.length
    ? `grant the app the scope ${scopes.join(', ')} (see \`baton doctor\`)`
    : 'check the token and its scopes with `baton doctor`';
}

async function provisionType(
  api: HubSpotApi,
  type: HubSpotType,
  writes: WrittenProperty[],
  dryRun: boolean,
  report: SetupReport,
): Promise<void> {
  const owned = writes.filter((w) => w.name.startsWith('baton_'));
  if (!owned.length) return;
  const label = LABEL[type];
  try {
    const have = await existingProperties(
      api,
      type,
      owned.map((w) => w.name),
    );
    const missing = owned.filter((w) => !have.has(w.name));
    for (const w of owned) if (have.has(w.name)) report.present.push(`${label} property ${w.name}`);
    if (!missing.length) return;
    if (!(await hasBatonGroup(api, type))) {
      if (!dryRun)
        await api.call('schema', `create property group ${type}/${BATON_GROUP}`, (sdk) =>
          sdk.crm.properties.groupsApi.create(type, { name: BATON_GROUP, label: 'Baton', displayOrder: -1 }),
        );
      report.created.push(`${label} property group ${BATON_GROUP}`);
    }
    if (!dryRun) {
      await api.call('schema', `create properties on ${type}`, (sdk) =>
        sdk.crm.properties.batchApi.create(type, {
          inputs: missing.map((w) => ({
            name: w.name,
            label: w.label,
            type: w.type as PropertyCreateTypeEnum,
            fieldType: w.fieldType as PropertyCreateFieldTypeEnum,
            groupName: BATON_GROUP,
            description: 'Written by Baton',
          })),
        }),
      );
    }
    for (const w of missing) report.created.push(`${label} property ${w.name} (${w.type})`);
  } catch (err) {
    report.problems.push(
      problem(
        `hubspot.properties.${type}`,
        `cannot create Baton's ${label} properties: ${errorMessage(err)}`,
        scopeFix(err),
      ),
    );
  }
}

/** Creates the `baton` group and missing `baton_*` properties; with `dryRun` nothing is written. */
export async function setupHubSpot(
  access: HubSpotAccess,
  fields: FieldsConfig,
  opts: { dryRun?: boolean } = {},
): Promise<SetupReport> {
  const api = cliApi(access);
  const plan = planProperties(fields);
  const report: SetupReport = { created: [], present: [], problems: [] };
  try {
    await provisionType(api, 'contacts', plan.writes.contact, !!opts.dryRun, report);
    await provisionType(api, 'deals', plan.writes.deal, !!opts.dryRun, report);
  } finally {
    await api.close();
  }
  return report;
}
