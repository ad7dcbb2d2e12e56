/** `baton init [DIR]`: writes a starter configuration (a draft agreement, fields.yaml, routing.yaml commented out); never overwrites. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../platform/errors.ts';
import { AGREEMENT_YAML, FIELDS_YAML, ROUTING_YAML } from './init-templates.ts';

export const summary =
  'write a starter agreement.yaml (draft), fields.yaml and routing.yaml into DIR; never overwrites';

const USAGE = `usage: baton init [DIR]

Writes agreement.yaml (a draft: placeholder owners, no approvals), fields.yaml (the standard
HubSpot and Salesforce objects) and routing.yaml (commented out) into DIR (default ./mappings).
A file that exists is left as it is.`;

const FILES: [string, string][] = [
  ['agreement.yaml', AGREEMENT_YAML],
  ['fields.yaml', FIELDS_YAML],
  ['routing.yaml', ROUTING_YAML],
];

/** Runs `baton init`; exit 0 when every file is written or already there, 1 on a bad argument or a write error. */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    console.error(`baton init: ${errorMessage(err)}\n\n${USAGE}`);
    return 1;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    console.error(`baton init: one folder at most, got ${parsed.positionals.length}\n\n${USAGE}`);
    return 1;
  }
  const dir = parsed.positionals[0] ?? 'mappings';
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of FILES) {
      const path = join(dir, name);
      if (existsSync(path)) {
        console.log(`kept     ${path} (exists; not overwritten)`);
        continue;
      }
      writeFileSync(path, text, { flag: 'wx' });
      console.log(`wrote    ${path}`);
    }
  } catch (err) {
    console.error(`baton init: ${errorMessage(err)}`);
    return 1;
  }
  const flag = resolve(dir) === resolve('mappings') ? '' : ` --config ${dir}`;
  console.log(
    [
      '',
      'Next steps:',
      `  1. Decide what the comments marked DECIDE ask, in ${join(dir, 'agreement.yaml')} and ${join(dir, 'fields.yaml')}.`,
      `  2. baton validate${flag}          checks the files (a draft is valid, but serve will not apply it)`,
      '  3. Set HUBSPOT_ACCESS_TOKEN, SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN (or',
      '     SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET), BATON_PUBLIC_URL and BATON_DATABASE_URL.',
      `  4. baton doctor${flag}            lists what the portal and the org still lack`,
      `  5. baton setup hubspot --project hubspot-project${flag}   and   baton setup salesforce${flag}`,
      '     create what Baton owns and say what only a person can do.',
      '  6. Both owners add their approved: date to agreement.yaml; then baton serve.',
    ].join('\n'),
  );
  return 0;
}
