/**
 * `baton doctor`'s Salesforce checks: login and API version, the API budget left today, every
 * field `fields.yaml` names on the objects it is read from or written to (and that the
 * integration user may edit what Baton writes), picklist values, Tasks, the Campaign Influence
 * model, and how changes reach Baton. Read-only.
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import { errorMessage } from '../../src/platform/errors.ts';
import { ok, problem, type Check } from '../checks.ts';
import { describeField, type DescribeField, type SalesforceClient } from './client.ts';
import { chooseInfluenceModel, type InfluenceModel } from './influence.ts';
import type { SalesforceConnectorOptions } from './options.ts';
import { cliClient, customFieldNames, PERMISSION_SET } from './provision.ts';
import {
  opportunityFields,
  ownedPersonFields,
  personFields,
  picklistNeeds,
  writtenPersonFields,
} from './requirements.ts';

type Describe = Map<string, DescribeField> | null;

/** The names Setup shows for the standard picklists fields.yaml maps. */
const LABELS: Record<string, string> = { 'Lead.Status': 'Lead Status', 'Opportunity.StageName': 'Stage' };

function fieldChecks(
  fields: FieldsConfig,
  d: { Lead: Describe; Contact: Describe; Opportunity: Describe },
  custom: Set<string>,
): Check[] {
  const out: Check[] = [];
  const owned = new Set(ownedPersonFields(fields).map((f) => f.name));
  const written = new Set(writtenPersonFields(fields));
  const seen: string[] = [];
  const leadOnly: string[] = [];
  for (const name of personFields(fields)) {
    const onLead = d.Lead?.get(name);
    const onContact = d.Contact?.get(name);
    const id = `salesforce.field.${name}`;
    if (owned.has(name)) {
      const missing = (['Lead', 'Contact'] as const).filter((o) => !(o === 'Lead' ? onLead : onContact)?.updateable);
      if (missing.length) {
        const exists = missing.filter((o) => custom.has(`${o}.${name}`.toLowerCase()));
        const what = missing.map((o) => `${o}.${name}`).join(', ');
        out.push(
          problem(
            id,
            exists.length
              ? `${what} exists but the integration user cannot edit it`
              : `Baton's field ${what} does not exist`,
            `run \`baton setup salesforce\` (creates the field and the permission set ${PERMISSION_SET})`,
            'setup',
          ),
        );
      } else seen.push(name);
      continue;
    }
    if (!onLead) {
      out.push(
        problem(
          id,
          `Lead has no field ${name}${onContact ? '' : ' (nor has Contact)'} (named in fields.yaml)`,
          `create ${name} on Lead in Object Manager, give the integration user access, or correct fields.yaml`,
        ),
      );
      continue;
    }
    if (written.has(name) && (!onLead.updateable || (onContact && !onContact.updateable))) {
      out.push(
        problem(
          id,
          `the integration user cannot edit ${!onLead.updateable ? 'Lead' : 'Contact'}.${name}, which Baton writes`,
          `grant Edit on ${name} (field-level security) to the integration user's profile or a permission set`,
        ),
      );
      continue;
    }
    seen.push(name);
    if (!onContact) leadOnly.push(name);
  }
  if (seen.length)
    out.push(
      ok(
        'salesforce.fields.person',
        `${seen.length} person fields exist${leadOnly.length ? ` (on Leads only: ${leadOnly.join(', ')})` : ''}`,
      ),
    );
  if (fields.deal) {
    const missing = opportunityFields(fields).filter((n) => !d.Opportunity?.get(n));
    out.push(
      missing.length
        ? problem(
            'salesforce.fields.opportunity',
            `Opportunity has no field ${missing.join(', ')}`,
            'create it in Object Manager or correct fields.yaml',
          )
        : ok('salesforce.fields.opportunity', `${opportunityFields(fields).length} Opportunity fields exist`),
    );
  }
  for (const need of picklistNeeds(fields)) {
    const f = (need.object === 'Lead' ? d.Lead : d.Opportunity)?.get(need.field);
    if (!f) continue;
    const active = new Set(f.picklistValues.filter((p) => p.active).map((p) => p.value));
    const missing = need.values.filter((v) => !active.has(v));
    const label = LABELS[`${need.object}.${need.field}`] ?? need.field;
    const shown = label.startsWith(need.object) ? label : `${need.object} ${label}`;
    out.push(
      missing.length
        ? problem(
            `salesforce.picklist.${need.object}.${need.field}`,
            `${shown} has no value ${missing.map((v) => `'${v}'`).join(', ')}`,
            `Setup → Object Manager → ${need.object} → Fields & Relationships → ${label} → Values → New: add ${missing.map((v) => `'${v}'`).join(', ')} (or map another value in fields.yaml)`,
          )
        : ok(
            `salesforce.picklist.${need.object}.${need.field}`,
            `${shown} has the ${need.values.length} values fields.yaml names`,
          ),
    );
  }
  return out;
}

async function taskCheck(client: SalesforceClient): Promise<Check> {
  try {
    const task = await client.call('describe Task', (c) => c.sobject('Task').describe());
    const d = { createable: task.createable, fields: task.fields.map(describeField) };
    const need = ['Subject', 'OwnerId', 'WhoId', 'ActivityDate'];
    const missing = need.filter((n) => !d.fields.some((f) => f.name === n && f.createable));
    if (!d.createable || missing.length)
      return problem(
        'salesforce.tasks',
        `the integration user cannot create Tasks${missing.length ? ` with ${missing.join(', ')}` : ''}`,
        "give the integration user's profile or permission set Create on Task (Activities)",
      );
    return ok('salesforce.tasks', 'Tasks can be created');
  } catch (err) {
    return problem(
      'salesforce.tasks',
      `cannot describe Task: ${errorMessage(err)}`,
      "give the integration user's profile Read and Create on Task (Activities)",
    );
  }
}

async function influenceCheck(client: SalesforceClient): Promise<Check> {
  try {
    const models = await client.queryAll<InfluenceModel>(
      'SELECT Id, DeveloperName, IsDefaultModel, IsActive, IsModelLocked FROM CampaignInfluenceModel',
      'read influence models',
    );
    const choice = chooseInfluenceModel(models);
    if ('error' in choice)
      return problem(
        'salesforce.campaign_influence',
        choice.error,
        'Setup → Campaign Influence → Settings: enable Customizable Campaign Influence, then Models → New: an active, unlocked model for Baton (make it the default)',
      );
    return ok(
      'salesforce.campaign_influence',
      `campaign influence goes to the model ${choice.model.DeveloperName ?? choice.model.Id}`,
    );
  } catch (err) {
    return problem(
      'salesforce.campaign_influence',
      `cannot read campaign influence models: ${errorMessage(err)}`,
      'enable Customizable Campaign Influence (Setup → Campaign Influence → Settings), or set writeback.salesforce.campaign_influence: false',
    );
  }
}

async function changesCheck(client: SalesforceClient, publicUrl: string | undefined): Promise<Check> {
  const target = publicUrl
    ? `${publicUrl.replace(/\/$/, '')}/webhooks/salesforce/outbound`
    : 'BATON_PUBLIC_URL/webhooks/salesforce/outbound';
  const steps = `Setup → Process Automation → Workflow Actions → Outbound Messages → New, for Lead and again for Contact: endpoint ${target}, "Send as" the integration user, fields Id, LastModifiedById, SystemModstamp and the mapped fields; then a record-triggered Flow on Lead and on Contact (created or updated) whose action is that Outbound Message. Or a Flow that POSTs signed changes to /webhooks/salesforce`;
  try {
    type Row = { Name: string; EntityDefinitionId: string };
    const res = await client.call(
      'tooling query WorkflowOutboundMessage',
      async (c) => await c.tooling.query<Row>('SELECT Id, Name, EntityDefinitionId FROM WorkflowOutboundMessage'),
    );
    const people = res.records.filter((r) => ['Lead', 'Contact'].includes(r.EntityDefinitionId));
    if (people.length)
      return ok(
        'salesforce.changes',
        `changes reach Baton by Outbound Message (${people.map((r) => `${r.Name} on ${r.EntityDefinitionId}`).join(', ')}) and by polling`,
      );
  } catch {
    // without Tooling API access Baton cannot see Outbound Messages; it still polls
  }
  return {
    id: 'salesforce.changes',
    status: 'warn',
    message:
      'no Outbound Message on Lead or Contact: changes reach Baton by polling only (every BATON_POLL_INTERVAL seconds)',
    fix: steps,
    by: 'person',
  };
}

/** Login and API version: the version Baton calls must be one the org offers. */
async function versionCheck(client: SalesforceClient, instanceUrl: string): Promise<Check> {
  const who = `logged in to ${instanceUrl} as the integration user ${client.integrationUserId ?? '?'}`;
  try {
    const versions = await client.call('list API versions', (c) => c.request<{ version: string }[]>('/services/data/'));
    const offered = versions.map((v) => v.version);
    const latest = offered.at(-1);
    if (!offered.includes(client.version))
      return problem(
        'salesforce.login',
        `${who}, but the org does not offer API v${client.version} (latest v${latest ?? '?'})`,
        `set SALESFORCE_API_VERSION to ${latest ?? 'a version the org offers'}`,
      );
    return ok('salesforce.login', `${who}, API v${client.version} (the org's latest: v${latest})`);
  } catch {
    return ok('salesforce.login', `${who}, API v${client.version}`);
  }
}

/** Every Salesforce check for this configuration. */
export async function doctorSalesforce(
  options: SalesforceConnectorOptions,
  fields: FieldsConfig,
  opts: { publicUrl?: string } = {},
): Promise<Check[]> {
  const client = cliClient(options);
  const out: Check[] = [];
  try {
    try {
      await client.prime();
    } catch (err) {
      out.push(
        problem(
          'salesforce.login',
          `cannot log in to ${options.instanceUrl}: ${errorMessage(err)}`,
          'set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, or SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET of a connected app with the client-credentials flow',
        ),
      );
      return out;
    }
    out.push(await versionCheck(client, options.instanceUrl));
    const budget = client.budget.current();
    if (budget) {
      const left = budget.limit - budget.used;
      const share = Math.round(client.budget.share * 100);
      out.push(
        budget.used >= client.budget.threshold()
          ? problem(
              'salesforce.budget',
              `${budget.used} of ${budget.limit} API calls used today: past Baton's share (${share}%), so Baton pauses Salesforce calls`,
              'wait for the daily allocation to roll over, or find what else uses the org API',
            )
          : ok(
              'salesforce.budget',
              `API budget today: ${left} of ${budget.limit} calls left; Baton uses at most ${share}%`,
            ),
      );
    }
    const [Lead, Contact, Opportunity] = await Promise.all([
      client.describe('Lead'),
      client.describe('Contact'),
      fields.deal ? client.describe('Opportunity') : Promise.resolve(null),
    ]);
    const custom = await customFieldNames(client).catch(() => new Set<string>());
    out.push(...fieldChecks(fields, { Lead, Contact, Opportunity }, custom));
    if (fields.writeback?.salesforce?.task) out.push(await taskCheck(client));
    if (fields.writeback?.salesforce?.campaign_influence) out.push(await influenceCheck(client));
    out.push(await changesCheck(client, opts.publicUrl));
  } catch (err) {
    out.push(
      problem(
        'salesforce.checks',
        `the checks stopped: ${errorMessage(err)}`,
        'run `baton doctor` again; if it repeats, check the integration user and the network',
      ),
    );
  } finally {
    await client.stop();
  }
  return out;
}
