/**
 * `baton setup hubspot|salesforce [--dry-run] [--project DIR] [--config DIR]`: creates what Baton
 * owns in that CRM and nothing else (idempotently), writes the HubSpot developer-platform project
 * with `--project`, then says what only a person can do, with the steps (from the CRM's doctor
 * checks). Exit 1 only when something Baton owns could not be created.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Check } from '../../connectors/checks.ts';
import { doctorHubSpot, projectFiles, setupHubSpot } from '../../connectors/hubspot/index.ts';
import { doctorSalesforce, salesforceOptionsFromEnv, setupSalesforce } from '../../connectors/salesforce/index.ts';
import type { FieldsConfig } from '../config/schema.ts';
import { loadConfig } from '../config/load.ts';
import { errorMessage } from '../platform/errors.ts';
import { formatCheck } from './doctor-checks.ts';
import { configDir } from './validate.ts';

export const summary =
  'create what Baton owns in HubSpot or Salesforce (idempotent; --dry-run), and say what only a person can do';

const USAGE = `usage: baton setup hubspot [--dry-run] [--project DIR] [--config DIR]
       baton setup salesforce [--dry-run] [--config DIR]

  hubspot      the "baton" property group and the baton_* properties fields.yaml writes
  salesforce   the Baton_*__c fields on Lead and Contact, and the permission set Baton_Integration
               (read and edit on them) assigned to the integration user
  --dry-run    say what would be created; change nothing
  --project DIR  (hubspot) also write the HubSpot developer-platform project (2025.2) for this
               configuration into DIR: an app with static auth, exactly the scopes it needs, and its
               webhook subscriptions aimed at BATON_PUBLIC_URL; upload it with \`hs project upload\`
  --config DIR the configuration folder (default: $BATON_CONFIG_DIR, else ./mappings)

Uses the environment of baton serve. A second run creates nothing.`;

interface Report {
  created: string[];
  present: string[];
  problems: Check[];
}

function writeProject(dir: string, fields: FieldsConfig, publicUrl: string, dryRun: boolean): string[] {
  const lines: string[] = [];
  for (const [rel, text] of Object.entries(projectFiles(fields, publicUrl))) {
    const path = join(dir, rel);
    let before: string | null;
    try {
      before = readFileSync(path, 'utf8');
    } catch {
      before = null;
    }
    if (before === text) {
      lines.push(`  = ${path} (unchanged)`);
      continue;
    }
    if (!dryRun) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    lines.push(`  ${before === null ? '+' : '~'} ${path}${before === null ? '' : ' (updated)'}`);
  }
  return lines;
}

const HUBSPOT_UPLOAD = (dir: string) => [
  `  - upload the project: install HubSpot's CLI (npm install -g @hubspot/cli), run \`hs account auth\`, then \`cd ${dir} && hs project upload\``,
  '  - in HubSpot: Development → Projects → the project → the app → Distribution: install it in this account',
  "  - from the app's Auth tab: the access token into HUBSPOT_ACCESS_TOKEN, the client secret into HUBSPOT_CLIENT_SECRET",
];

function print(crm: string, report: Report | null, dryRun: boolean, person: Check[], extra: string[]): void {
  const verb = dryRun ? 'would create' : 'created';
  console.log(`baton setup ${crm}${dryRun ? ' (dry run: nothing changed)' : ''}:`);
  // No report: the account was not looked at, so "everything Baton owns is there" would be a guess.
  if (!report) console.log(`${verb}: nothing in the account (not touched: HUBSPOT_ACCESS_TOKEN is not set)`);
  else if (report.created.length) {
    console.log(`${verb}:`);
    for (const c of report.created) console.log(`  + ${c}`);
  } else if (report.problems.length) console.log(`${verb}: nothing`);
  else console.log(`${verb}: nothing (everything Baton owns is there)`);
  if (report?.present.length) console.log(`already there: ${report.present.length} (${report.present.join(', ')})`);
  for (const line of extra) console.log(line);
  for (const p of report?.problems ?? []) console.log(formatCheck(p));
  if (person.length) {
    console.log('only a person can do:');
    for (const c of person) console.log(`  - ${c.message}: ${c.fix ?? ''}`);
  }
}

/** Runs `baton setup`; exit 0 when everything Baton owns exists (or would be created), 1 otherwise. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        'dry-run': { type: 'boolean' },
        project: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    console.error(`baton setup: ${errorMessage(err)}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const crm = positionals[0];
  if (positionals.length !== 1 || (crm !== 'hubspot' && crm !== 'salesforce')) {
    console.error(`baton setup: name one CRM, hubspot or salesforce\n\n${USAGE}`);
    return 1;
  }
  if (values.project && crm !== 'hubspot') {
    console.error('baton setup: --project is for hubspot (the HubSpot developer-platform project)');
    return 1;
  }
  const dryRun = !!values['dry-run'];
  const publicUrl = env.BATON_PUBLIC_URL || undefined;
  let fields: FieldsConfig;
  try {
    fields = (await loadConfig(values.config ?? configDir(undefined))).fields;
  } catch (err) {
    console.error(`baton setup: the configuration has problems (see \`baton validate\`):\n${errorMessage(err)}`);
    return 1;
  }
  try {
    if (crm === 'hubspot') {
      if (values.project && !publicUrl) {
        console.error('baton setup: --project needs BATON_PUBLIC_URL (where the webhook subscriptions must send)');
        return 1;
      }
      if (!env.HUBSPOT_ACCESS_TOKEN && !values.project) {
        console.error(
          'baton setup hubspot: HUBSPOT_ACCESS_TOKEN is not set (with --project alone, the project is written without touching the account)',
        );
        return 1;
      }
      const extra = values.project
        ? ['project files:', ...writeProject(values.project, fields, publicUrl!, dryRun)]
        : [];
      if (!env.HUBSPOT_ACCESS_TOKEN) {
        print('hubspot', null, dryRun, [], [...extra, 'next:', ...HUBSPOT_UPLOAD(values.project!)]);
        return 0;
      }
      const access = { accessToken: env.HUBSPOT_ACCESS_TOKEN, baseUrl: env.HUBSPOT_BASE_URL || undefined };
      const report = await setupHubSpot(access, fields, { dryRun });
      const person = (await doctorHubSpot(access, fields, { publicUrl })).filter(
        (c) => (c.status === 'problem' || c.status === 'warn') && c.by === 'person',
      );
      print(
        'hubspot',
        report,
        dryRun,
        person,
        values.project ? [...extra, 'next:', ...HUBSPOT_UPLOAD(values.project)] : extra,
      );
      return report.problems.length ? 1 : 0;
    }
    const sf = salesforceOptionsFromEnv(env, fields);
    if (!sf) {
      console.error(
        'baton setup salesforce: set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, or SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET',
      );
      return 1;
    }
    const report = await setupSalesforce(sf, fields, { dryRun });
    const person = (await doctorSalesforce(sf, fields, { publicUrl })).filter(
      (c) => (c.status === 'problem' || c.status === 'warn') && c.by === 'person',
    );
    print('salesforce', report, dryRun, person, []);
    return report.problems.length ? 1 : 0;
  } catch (err) {
    console.error(`baton setup ${crm}: ${errorMessage(err)}`);
    return 1;
  }
}
