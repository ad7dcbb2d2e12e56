/**
 * `baton doctor`'s HubSpot checks: the token (kind and scopes, by HubSpot's token introspection),
 * the properties `fields.yaml` reads, the `baton_*` properties Baton writes, and the webhook
 * subscriptions the app must have. Read-only.
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import { CrmError, errorMessage } from '../../src/platform/errors.ts';
import { ok, problem, type Check } from '../checks.ts';
import type { HubSpotApi } from './client.ts';
import type { HubSpotType } from './hydrate.ts';
import { planProperties } from './properties.ts';
import { cliApi, existingProperties, hasBatonGroup, scopeFix, type HubSpotAccess } from './provision.ts';
import { neededScopes, webhookSubscriptions, webhookTarget, type MarketingUse } from './requirements.ts';

export interface TokenInfo {
  kind: 'static' | 'oauth';
  scopes: string[];
  hubId?: number;
  appId?: number;
}

/** What HubSpot says about the token: static (private or developer-platform app) or OAuth, and its scopes. */
export async function introspectToken(api: HubSpotApi, token: string): Promise<TokenInfo> {
  if (token.startsWith('pat-')) {
    const body = await api.call('read', 'token introspection', async (sdk) => {
      const res = await sdk.apiRequest({
        method: 'POST',
        path: '/oauth/v2/private-apps/get/access-token-info',
        body: { tokenKey: token },
      });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : {};
      if (!res.ok)
        throw Object.assign(new Error(`HTTP ${res.status}: ${parsed.message ?? text}`), {
          code: res.status,
          body: parsed,
          headers: {},
        });
      return parsed as { scopes?: string[]; hubId?: number; appId?: number };
    });
    return { kind: 'static', scopes: body.scopes ?? [], hubId: body.hubId, appId: body.appId };
  }
  const info = await api.call('read', 'token introspection', (sdk) => sdk.oauth.accessTokensApi.get(token));
  return { kind: 'oauth', scopes: info.scopes ?? [], hubId: info.hubId, appId: info.appId };
}

const HUBSPOT_ONLY = new Set(['lastmodifieddate', 'createdate', 'hs_lastmodifieddate']);
const LABEL: Record<HubSpotType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

async function propertyChecks(api: HubSpotApi, fields: FieldsConfig): Promise<Check[]> {
  const plan = planProperties(fields);
  const own = { contacts: plan.writes.contact, companies: [], deals: plan.writes.deal } as const;
  const reads: Record<HubSpotType, string[]> = {
    contacts: plan.contact,
    companies: plan.company,
    deals: fields.deal ? plan.deal : [],
  };
  const out: Check[] = [];
  for (const type of ['contacts', 'companies', 'deals'] as const) {
    const label = LABEL[type];
    const written = own[type].map((w) => w.name);
    const read = reads[type].filter((n) => !HUBSPOT_ONLY.has(n) && !written.includes(n));
    if (!read.length && !written.length) continue;
    let have: Set<string>;
    try {
      have = await existingProperties(api, type, [...read, ...written]);
    } catch (err) {
      out.push(
        problem(
          `hubspot.properties.${type}`,
          `cannot read the ${label} properties: ${errorMessage(err)}`,
          scopeFix(err),
        ),
      );
      continue;
    }
    const missingRead = read.filter((n) => !have.has(n));
    out.push(
      missingRead.length
        ? problem(
            `hubspot.properties.${type}.read`,
            `${label} properties named in fields.yaml do not exist: ${missingRead.join(', ')}`,
            `create them in HubSpot (Settings → Properties → ${label}) or correct fields.yaml`,
          )
        : ok(`hubspot.properties.${type}.read`, `${read.length} ${label} properties fields.yaml reads exist`),
    );
    if (!written.length) continue;
    const missingOwn = written.filter((n) => !have.has(n));
    const foreign = missingOwn.filter((n) => !n.startsWith('baton_'));
    const baton = missingOwn.filter((n) => n.startsWith('baton_'));
    if (foreign.length)
      out.push(
        problem(
          `hubspot.properties.${type}.foreign`,
          `${label} properties in writeback.hubspot do not exist: ${foreign.join(', ')} (Baton creates only baton_* properties)`,
          `create them in HubSpot or rename them baton_* in fields.yaml`,
        ),
      );
    const groupMissing = baton.length > 0 && !(await hasBatonGroup(api, type).catch(() => false));
    out.push(
      baton.length
        ? problem(
            `hubspot.properties.${type}.baton`,
            `Baton's ${label} properties are missing: ${baton.join(', ')}${groupMissing ? ` (and the property group "baton")` : ''}`,
            'run `baton setup hubspot`',
            'setup',
          )
        : ok(`hubspot.properties.${type}.baton`, `Baton's ${written.length} ${label} properties exist`),
    );
  }
  return out;
}

/** Every HubSpot check for this configuration; `publicUrl` is where the webhooks must go. */
export async function doctorHubSpot(
  access: HubSpotAccess,
  fields: FieldsConfig,
  opts: { publicUrl?: string; use?: MarketingUse } = {},
): Promise<Check[]> {
  const api = cliApi(access);
  const out: Check[] = [];
  try {
    let info: TokenInfo;
    try {
      info = await introspectToken(api, access.accessToken);
    } catch (err) {
      const refused = err instanceof CrmError && [400, 401, 404].includes(err.status ?? 0);
      out.push(
        problem(
          'hubspot.token',
          `HubSpot refused the token${refused ? '' : ` (${errorMessage(err)})`}`,
          'set HUBSPOT_ACCESS_TOKEN to the access token of the app installed in the account (its Auth tab, or `hs project` after upload)',
        ),
      );
      return out;
    }
    const kind =
      info.kind === 'static'
        ? 'a static token (private app or developer-platform app with static auth)'
        : 'an OAuth access token (it expires; Baton does not refresh it)';
    out.push(ok('hubspot.token', `the token works: ${kind}, account ${info.hubId ?? '?'}, app ${info.appId ?? '?'}`));
    const needed = neededScopes(fields, opts.use);
    const granted = new Set(info.scopes);
    const missing = needed.filter((s) => !granted.has(s));
    out.push(
      missing.length
        ? problem(
            'hubspot.scopes',
            `the app lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
            `add ${missing.join(', ')} to the app's scopes (requiredScopes in src/app/app-hsmeta.json of \`baton setup hubspot --project DIR\`), upload it with \`hs project upload\` and reinstall the app`,
          )
        : ok('hubspot.scopes', `the token has the ${needed.length} scopes this configuration needs`),
    );
    out.push(...(await propertyChecks(api, fields)));
    const subs = webhookSubscriptions(fields);
    const types = [...new Set(subs.map((s) => s.subscriptionType))];
    out.push(
      opts.publicUrl
        ? {
            id: 'hubspot.webhooks',
            status: 'info',
            message: `the app needs ${subs.length} webhook subscriptions (${types.join(', ')}) aimed at ${webhookTarget(opts.publicUrl)}`,
            fix: '`baton setup hubspot --project DIR` writes them into the project; upload it with `hs project upload`',
          }
        : {
            id: 'hubspot.webhooks',
            status: 'warn',
            message: `without BATON_PUBLIC_URL HubSpot cannot send webhooks; Baton polls HubSpot only`,
            fix: 'set BATON_PUBLIC_URL to the HTTPS address where Baton is reachable',
            by: 'person',
          },
    );
  } finally {
    await api.close();
  }
  return out;
}
