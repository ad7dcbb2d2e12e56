/**
 * `baton setup salesforce`: creates what Baton owns in the org and nothing else, idempotently —
 * the `Baton_*__c` custom fields on Lead and Contact (Tooling API `CustomField`), and the
 * permission set `Baton_Integration` granting the integration user read and edit on them
 * (PermissionSet, FieldPermissions, PermissionSetAssignment). `dryRun` only says what it would do.
 */
import type { Record as SObjectRow } from 'jsforce';
import type { FieldsConfig } from '../../src/config/schema.ts';
import { CrmError, errorMessage } from '../../src/platform/errors.ts';
import { problem, type Check } from '../checks.ts';
import { SalesforceClient } from './client.ts';
import type { SalesforceConnectorOptions } from './options.ts';
import { ownedPersonFields, type OwnedField } from './requirements.ts';

export const PERMISSION_SET = 'Baton_Integration';
const PERSON_OBJECTS = ['Lead', 'Contact'] as const;

export interface SalesforceSetupReport {
  created: string[];
  present: string[];
  problems: Check[];
}

/** A client for one command: few retries, so a CLI run does not hang. */
export function cliClient(options: SalesforceConnectorOptions): SalesforceClient {
  return new SalesforceClient({ ...options, retry: options.retry ?? { retries: 2, minTimeoutMs: 200 } });
}

function metadata(f: OwnedField): Record<string, unknown> {
  const base = {
    label: f.label,
    description: 'Written by Baton',
    inlineHelpText: 'Set by Baton, the lead handoff service',
  };
  if (f.type === 'Number') return { ...base, type: 'Number', precision: 18, scale: 0 };
  if (f.type === 'DateTime') return { ...base, type: 'DateTime' };
  return { ...base, type: 'Text', length: 255 };
}

/** `Object.Field__c` of every custom field on Lead and Contact (from the Tooling API, which sees fields no permission grants yet). */
export async function customFieldNames(client: SalesforceClient): Promise<Set<string>> {
  type Row = { DeveloperName: string; TableEnumOrId: string };
  const res = await client.call(
    'tooling query CustomField',
    async (c) =>
      await c.tooling.query<Row>(
        "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE TableEnumOrId IN ('Lead', 'Contact')",
      ),
  );
  return new Set(res.records.map((r) => `${r.TableEnumOrId}.${r.DeveloperName}__c`.toLowerCase()));
}

async function one<T extends SObjectRow>(client: SalesforceClient, soql: string, what: string): Promise<T | undefined> {
  return (await client.queryAll<T>(soql, what))[0];
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

async function create(
  client: SalesforceClient,
  object: string,
  record: Record<string, unknown>,
  what: string,
): Promise<string> {
  const res = (await client.call(what, (c) => c.sobject(object).create(record), { retry: false })) as {
    id?: string;
    success?: boolean;
    errors?: { message?: string }[];
  };
  if (!res.success || !res.id)
    throw new CrmError('salesforce', `${what}: ${(res.errors ?? []).map((e) => e.message).join('; ') || 'refused'}`, {
      code: 'salesforce_setup_refused',
    });
  return res.id;
}

/** Creates Baton's custom fields and the permission set that lets the integration user use them. */
export async function setupSalesforce(
  options: SalesforceConnectorOptions,
  fields: FieldsConfig,
  opts: { dryRun?: boolean } = {},
): Promise<SalesforceSetupReport> {
  const client = cliClient(options);
  const report: SalesforceSetupReport = { created: [], present: [], problems: [] };
  const dry = !!opts.dryRun;
  const owned = ownedPersonFields(fields);
  try {
    await client.prime();
    if (!owned.length) return report;
    const existing = await customFieldNames(client);
    for (const object of PERSON_OBJECTS) {
      for (const f of owned) {
        const full = `${object}.${f.name}`;
        if (existing.has(full.toLowerCase())) {
          report.present.push(`field ${full}`);
          continue;
        }
        try {
          if (!dry) {
            const res = (await client.call(
              `create field ${full}`,
              (c) => c.tooling.sobject('CustomField').create({ FullName: full, Metadata: metadata(f) }),
              { retry: false },
            )) as { success?: boolean; errors?: { message?: string }[] };
            if (res.success === false)
              throw new CrmError('salesforce', (res.errors ?? []).map((e) => e.message).join('; '), {
                code: 'salesforce_setup_refused',
              });
          }
          report.created.push(`field ${full} (${f.type})`);
        } catch (err) {
          report.problems.push(
            problem(
              `salesforce.field.${full}`,
              `cannot create ${full}: ${errorMessage(err)}`,
              'the integration user needs "Customize Application" (or create the field by hand in Object Manager)',
            ),
          );
        }
      }
    }
    await grantAccess(client, owned, dry, report);
  } catch (err) {
    report.problems.push(
      problem(
        'salesforce.setup',
        `setup stopped: ${errorMessage(err)}`,
        'check the Salesforce login with `baton doctor`',
      ),
    );
  } finally {
    await client.stop();
  }
  return report;
}

async function grantAccess(
  client: SalesforceClient,
  owned: OwnedField[],
  dry: boolean,
  report: SalesforceSetupReport,
): Promise<void> {
  const userId = client.integrationUserId;
  let ps = await one<{ Id: string }>(
    client,
    `SELECT Id FROM PermissionSet WHERE Name = ${q(PERMISSION_SET)}`,
    'read permission set',
  );
  if (ps) report.present.push(`permission set ${PERMISSION_SET}`);
  else {
    report.created.push(`permission set ${PERMISSION_SET}`);
    if (dry) ps = undefined;
    else
      ps = {
        Id: await create(
          client,
          'PermissionSet',
          {
            Name: PERMISSION_SET,
            Label: 'Baton Integration',
            Description: "Read and edit on Baton's fields, for Baton's integration user",
          },
          'create permission set',
        ),
      };
  }
  const granted = new Set<string>();
  if (ps) {
    const perms = await client.queryAll<{ Field: string; PermissionsEdit: boolean }>(
      `SELECT Id, Field, PermissionsEdit FROM FieldPermissions WHERE ParentId = ${q(ps.Id)}`,
      'read field permissions',
    );
    for (const p of perms) if (p.PermissionsEdit) granted.add(p.Field.toLowerCase());
  }
  for (const object of PERSON_OBJECTS) {
    for (const f of owned) {
      const full = `${object}.${f.name}`;
      if (granted.has(full.toLowerCase())) continue;
      report.created.push(`read and edit on ${full} in ${PERMISSION_SET}`);
      if (!dry && ps) {
        try {
          await create(
            client,
            'FieldPermissions',
            { ParentId: ps.Id, SobjectType: object, Field: full, PermissionsRead: true, PermissionsEdit: true },
            `grant ${full}`,
          );
        } catch (err) {
          report.problems.push(
            problem(
              `salesforce.fls.${full}`,
              `cannot grant ${full}: ${errorMessage(err)}`,
              `in Setup → Permission Sets → ${PERMISSION_SET} → Object Settings, give Read and Edit on ${full}`,
            ),
          );
        }
      }
    }
  }
  const assigned =
    ps && userId
      ? await one<{ Id: string }>(
          client,
          `SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = ${q(ps.Id)} AND AssigneeId = ${q(userId)}`,
          'read permission set assignment',
        )
      : undefined;
  if (assigned) report.present.push(`${PERMISSION_SET} assigned to the integration user`);
  else {
    report.created.push(`${PERMISSION_SET} assigned to the integration user ${userId ?? '(unknown)'}`);
    if (!dry && ps && userId)
      await create(
        client,
        'PermissionSetAssignment',
        { PermissionSetId: ps.Id, AssigneeId: userId },
        'assign permission set',
      );
  }
}
