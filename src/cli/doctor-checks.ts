/**
 * The checks of `baton doctor` that are Baton's own, not a CRM's: the configuration folder, the
 * store (reachable, migrated), Redis when `BATON_REDIS_URL` is set, and `BATON_PUBLIC_URL` when
 * webhooks are expected; and the one-line format every check prints as.
 */
import { ok, problem, type Check } from '../../connectors/checks.ts';
import { checkConfig, missingApprovals, type LoadedConfig } from '../config/load.ts';
import { errorMessage } from '../platform/errors.ts';
import { redactedRedisUrl } from '../platform/redis.ts';
import { createClient } from 'redis';
import { defaultDatabaseUrl, openStore } from '../store/index.ts';

/** The configuration check, and the loaded configuration when it is valid. */
export async function configCheck(dir: string): Promise<{ checks: Check[]; config?: LoadedConfig }> {
  const { problems, config } = await checkConfig(dir);
  if (!config)
    return {
      checks: [
        problem(
          'config',
          `${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('; ')}`,
          `fix them (\`baton validate --config ${dir}\` lists each)`,
        ),
      ],
    };
  const checks = [
    ok(
      'config',
      `${dir}: agreement '${config.agreement.name}' v${config.agreement.version}, fields.yaml${config.routing ? ', routing.yaml' : ''} valid`,
    ),
  ];
  const missing = missingApprovals(config.agreement);
  if (missing.length)
    checks.push(
      problem(
        'config.approved',
        `the agreement is a draft: ${missing.join(' and ')} ha${missing.length > 1 ? 've' : 's'} not approved it, so baton serve will not apply it`,
        `each owner adds approved: YYYY-MM-DD under owners.${missing.join(' / owners.')} in ${config.files.agreement}`,
      ),
    );
  return { checks, config };
}

const UNMIGRATED = /no such table|does not exist|relation .* does not exist/i;

/** The store at `BATON_DATABASE_URL`: reachable, and its schema migrated. */
export async function storeCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  const url = defaultDatabaseUrl(env);
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  let store;
  try {
    store = await openStore(url, { migrate: false });
  } catch (err) {
    return problem(
      'store',
      `cannot open the store ${shown}: ${errorMessage(err)}`,
      'set BATON_DATABASE_URL to a reachable PostgreSQL (postgres://…) or a SQLite file (sqlite:PATH)',
    );
  }
  try {
    await store.inboxStats(new Date().toISOString());
    return ok('store', `the store ${shown} is reachable and migrated`);
  } catch (err) {
    if (UNMIGRATED.test(errorMessage(err)))
      return {
        id: 'store',
        status: 'warn',
        message: `the store ${shown} is reachable but not migrated yet`,
        fix: 'none needed: `baton serve` migrates it on start',
      };
    return problem(
      'store',
      `the store ${shown} does not answer: ${errorMessage(err)}`,
      'check BATON_DATABASE_URL and that the database is up',
    );
  } finally {
    await store.close().catch(() => {});
  }
}

/** Redis, when `BATON_REDIS_URL` shares the rate limits of several instances. */
export async function redisCheck(env: NodeJS.ProcessEnv): Promise<Check | null> {
  if (!env.BATON_REDIS_URL) return null;
  const shown = redactedRedisUrl(env.BATON_REDIS_URL);
  // One attempt, no reconnects: doctor must answer, not wait for Redis to come back.
  const client = createClient({ url: env.BATON_REDIS_URL, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG'
      ? ok('redis', `Redis ${shown} answers`)
      : problem('redis', `Redis ${shown} answered PING with ${String(pong)}`, 'check BATON_REDIS_URL');
  } catch (err) {
    return problem(
      'redis',
      `cannot reach Redis ${shown}: ${errorMessage(err)}`,
      'check BATON_REDIS_URL and that Redis is up, or unset it when one instance runs',
    );
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

/** `BATON_PUBLIC_URL`, which HubSpot's webhooks and Salesforce's Outbound Messages must target. */
export function publicUrlCheck(env: NodeJS.ProcessEnv): Check | null {
  if (!env.HUBSPOT_ACCESS_TOKEN && !env.SALESFORCE_INSTANCE_URL) return null;
  const url = env.BATON_PUBLIC_URL;
  if (!url)
    return problem(
      'public_url',
      'BATON_PUBLIC_URL is not set, so no webhook or Outbound Message can reach Baton',
      'set BATON_PUBLIC_URL to the HTTPS address where Baton is reachable (e.g. https://baton.your-company.example)',
    );
  if (!/^https?:\/\//.test(url))
    return problem(
      'public_url',
      `BATON_PUBLIC_URL "${url}" is not an http(s) URL`,
      'set it to the HTTPS address where Baton is reachable',
    );
  return ok('public_url', `webhooks go to ${url.replace(/\/$/, '')}/webhooks/…`);
}

const MARK: Record<Check['status'], string> = { ok: 'ok     ', problem: 'PROBLEM', warn: 'warn   ', info: 'info   ' };

/** One check as one line: status, id, message, and the fix with who does it (when someone must). */
export function formatCheck(c: Check): string {
  const who = c.by === 'setup' ? ' (baton setup)' : c.by === 'person' ? ' (you)' : '';
  return `${MARK[c.status]} ${c.id}: ${c.message}${c.fix && c.status !== 'ok' ? ` — fix${who}: ${c.fix}` : ''}`;
}
