/**
 * `baton doctor [--config DIR] [--json]`: checks every prerequisite of this configuration — the
 * files, the store, Redis, BATON_PUBLIC_URL, the HubSpot account and the Salesforce org — one line
 * each, ok or the problem and its fix. Exit 0 only when no check is a problem. Read-only.
 */
import type { Check } from '../../connectors/checks.ts';
import { doctorHubSpot } from '../../connectors/hubspot/index.ts';
import { doctorSalesforce, salesforceOptionsFromEnv } from '../../connectors/salesforce/index.ts';
import { configCheck, formatCheck, publicUrlCheck, redisCheck, storeCheck } from './doctor-checks.ts';
import { configDir } from './validate.ts';
import { parseCommand } from './flags.ts';

export const summary =
  'check the configuration, store, HubSpot and Salesforce; one line per check with its fix; exit 1 on any problem';

const USAGE = `usage: baton doctor [--config DIR] [--json]

  --config DIR  the configuration folder (default: $BATON_CONFIG_DIR, else ./mappings)
  --json        print {"ok": bool, "checks": [{id, status, message, fix?, by?}]} instead of lines

Reads the same environment as baton serve (HUBSPOT_*, SALESFORCE_*, BATON_DATABASE_URL,
BATON_REDIS_URL, BATON_PUBLIC_URL). Each line: ok, PROBLEM, warn or info; a problem's fix says
whether \`baton setup\` does it or a person must. Exit 0 only when no line is a PROBLEM.`;

/** Every check, in order: configuration, store, Redis, public URL, HubSpot, Salesforce. */
export async function runChecks(dir: string, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const { checks, config } = await configCheck(dir);
  const out = [...checks];
  out.push(await storeCheck(env));
  const redis = await redisCheck(env);
  if (redis) out.push(redis);
  const pub = publicUrlCheck(env);
  if (pub) out.push(pub);
  if (!config) return out;
  const publicUrl = env.BATON_PUBLIC_URL || undefined;
  if (env.HUBSPOT_ACCESS_TOKEN)
    out.push(
      ...(await doctorHubSpot(
        { accessToken: env.HUBSPOT_ACCESS_TOKEN, baseUrl: env.HUBSPOT_BASE_URL || undefined },
        config.fields,
        { publicUrl },
      )),
    );
  else
    out.push({
      id: 'hubspot',
      status: 'warn',
      message: 'HubSpot is not checked: HUBSPOT_ACCESS_TOKEN is not set (the HubSpot connector is off)',
      fix: 'set HUBSPOT_ACCESS_TOKEN',
      by: 'person',
    });
  const sf = salesforceOptionsFromEnv(env, config.fields);
  if (sf) out.push(...(await doctorSalesforce(sf, config.fields, { publicUrl })));
  else
    out.push({
      id: 'salesforce',
      status: 'warn',
      message: 'Salesforce is not checked: no credentials (the Salesforce connector is off)',
      fix: 'set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, or SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET',
      by: 'person',
    });
  return out;
}

/** Runs `baton doctor`; exit 0 when every check holds (warnings allowed), 1 otherwise. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand('doctor', USAGE, {
    args,
    options: { config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (!parsed) return 1;
  const values: { config?: string; json?: boolean; help?: boolean } = parsed.values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const checks = await runChecks(values.config ?? (env.BATON_CONFIG_DIR || configDir(undefined)), env);
  const problems = checks.filter((c) => c.status === 'problem');
  if (values.json) {
    console.log(JSON.stringify({ ok: problems.length === 0, checks }, null, 2));
  } else {
    for (const c of checks) console.log(formatCheck(c));
    const bySetup = problems.filter((c) => c.by === 'setup').length;
    console.log(
      problems.length
        ? `\n${problems.length} problem${problems.length === 1 ? '' : 's'}: ${bySetup} for \`baton setup\`, ${problems.length - bySetup} for a person`
        : `\nall ${checks.filter((c) => c.status === 'ok').length} checks hold${checks.some((c) => c.status === 'warn') ? ' (see the warnings)' : ''}`,
    );
  }
  return problems.length ? 1 : 0;
}
